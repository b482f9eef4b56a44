"""The renderers behind the Dagster UI's metadata: Markdown previews and bar charts."""

import xml.etree.ElementTree as ET

import polars as pl

from wiredesk.report import bar_chart_svg, markdown_table

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_valid_svg_with_bars_to_scale():
    svg = ET.fromstring(bar_chart_svg(["copper", "soybeans & <corn>"], [4, 2], "Mentions by commodity"))
    bars = [rect for rect in svg.iter(f"{SVG}rect") if rect.get("fill") != "white"]
    assert [int(rect.get("width")) for rect in bars] == [360, 180]  # the largest value fills the chart
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert texts[0] == "Mentions by commodity"
    assert "soybeans & <corn>" in texts  # escaped in the document, intact once parsed
    assert "4" in texts and "2" in texts


def test_markdown_table_cuts_long_cells_and_counts_rows():
    frame = pl.DataFrame({"title": ["a|b", "x" * 80, "c"]})
    table = markdown_table(frame, max_rows=2, max_width=10)
    lines = table.splitlines()
    assert lines[:2] == ["| title |", "|---|"]
    assert lines[2] == "| a\\|b |"  # a pipe would split the cell
    assert lines[3] == "| " + "x" * 9 + "… |"
    assert lines[-1] == "_2 of 3 rows_"
