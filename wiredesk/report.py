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
