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


def bar_chart_svg(labels: list[str], values: list[int], title: str) -> str:
    """A horizontal bar chart as a standalone SVG document: labels left, bars scaled to the largest value."""
    from html import escape

    bar, gap, label_width, chart_width, top = 16, 6, 170, 360, 30
    largest = max(values, default=0) or 1
    height = top + len(labels) * (bar + gap) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + chart_width + 70}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="8" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for row, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + row * (bar + gap)
        width = max(1, round(chart_width * value / largest))
        shown = label if len(label) <= 26 else label[:25] + "…"
        parts += [
            f'<text x="{label_width - 6}" y="{y + bar - 4}" text-anchor="end">{escape(shown)}</text>',
            f'<rect x="{label_width}" y="{y}" width="{width}" height="{bar}" fill="#4f6d8f"/>',
            f'<text x="{label_width + width + 4}" y="{y + bar - 4}">{value:,}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_markdown(labels: list[str], values: list[int], title: str) -> str:
    """A horizontal bar chart as a Markdown image (SVG in a data URI), for Dagster asset metadata.

    Hand-written SVG rather than a plotting library: it renders in microseconds, so charts cost an
    incremental run nothing.
    """
    import base64

    if not labels:
        return f"_{title}: nothing to chart_"
    encoded = base64.b64encode(bar_chart_svg(labels, values, title).encode("utf-8")).decode("ascii")
    return f"![{title}](data:image/svg+xml;base64,{encoded})"


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
