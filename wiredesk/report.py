"""Small renderers for metadata shown in the Dagster UI and on the command line."""

from __future__ import annotations

import polars as pl


def _cell(value: object, width: int) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= width else text[: width - 1] + "…"


def markdown_table(frame: pl.DataFrame, max_rows: int = 5, max_width: int = 60) -> str:
    """The first rows of `frame` as a Markdown table, long cells cut at `max_width` characters."""
    if frame.width == 0:
        return "_no columns_"
    head = frame.head(max_rows)
    lines = [
        "| " + " | ".join(head.columns) + " |",
        "|" + "---|" * head.width,
        *("| " + " | ".join(_cell(v, max_width) for v in row) + " |" for row in head.iter_rows()),
    ]
    if frame.height > max_rows:
        lines.append(f"\n_{max_rows} of {frame.height} rows_")
    elif frame.height == 0:
        lines.append("\n_no rows_")
    return "\n".join(lines)


def bar_chart_markdown(labels: list[str], values: list[int], title: str) -> str:
    """A horizontal bar chart as a Markdown image (PNG in a data URI), for Dagster asset metadata."""
    import base64
    import io

    import matplotlib

    matplotlib.use("Agg")  # no display: render to memory
    import matplotlib.pyplot as plt

    if not labels:
        return f"_{title}: nothing to chart_"
    figure, axes = plt.subplots(figsize=(6, 0.3 * len(labels) + 1), dpi=100)
    try:
        axes.barh(labels[::-1], values[::-1], color="#4f6d8f")
        axes.set_title(title)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"![{title}](data:image/png;base64,{encoded})"


def validation_report_html(reports: list, run_id: str) -> str:
    """One HTML page with every suite's expectations, results and failing samples (GX Data Docs' role)."""
    from html import escape

    parts = [
        "<!doctype html><meta charset='utf-8'><title>wiredesk validation</title>",
        "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px}"
        "table{border-collapse:collapse;margin-bottom:1em}.fail{background:#fdd}.pass{background:#dfd}</style>",
        f"<h1>Validation of run {escape(run_id)}</h1>",
    ]
    for report in reports:
        status = "pass" if report.success else "fail"
        parts.append(f"<h2 class='{status}'>{escape(report.summary())}</h2><table>")
        parts.append("<tr><th>expectation</th><th>column</th><th>result</th><th>unexpected rows</th></tr>")
        for outcome in report.outcomes:
            css = "pass" if outcome.success else "fail"
            parts.append(
                f"<tr class='{css}'><td>{escape(outcome.expectation)}</td><td>{escape(outcome.column)}</td>"
                f"<td>{'met' if outcome.success else 'failed'}</td><td>{outcome.unexpected_count}</td></tr>"
            )
        parts.append("</table>")
        for outcome in report.failures:
            if outcome.failing_rows:
                columns = list(outcome.failing_rows[0])
                parts.append(f"<h3>Failing rows: {escape(outcome.expectation)} ({escape(outcome.column)})</h3><table>")
                parts.append("<tr>" + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr>")
                for row in outcome.failing_rows:
                    parts.append("<tr>" + "".join(f"<td>{escape(str(row[c]))[:80]}</td>" for c in columns) + "</tr>")
                parts.append("</table>")
    return "\n".join(parts)
