"""Figures in the docs come from the command that measures them: `make eval` and `make bench` write their
report between two markers in their doc (docs/quality.md, docs/performance.md), with the command and the date,
and leave the prose around it alone."""

from __future__ import annotations

import platform
import re
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start (written by the command below; do not edit by hand) -->", f"<!-- {name}:end -->"


def write_report(doc: Path, name: str, report: str) -> None:
    """Put `report` (Markdown) between the `name` markers of `doc`, after a line saying which command wrote it,
    when, and on what machine. A doc without the markers gets them at its end."""
    start, end = _markers(name)
    command = shlex.join(["python", "-m", *sys.orig_argv[2:]]) if sys.orig_argv[1:2] == ["-m"] else shlex.join(sys.argv)
    stamp = (
        f"Written by `{command}` on {datetime.now(UTC):%Y-%m-%d} "
        f"({platform.machine()}, {platform.python_implementation()} {platform.python_version()})."
    )
    block = f"{start}\n{stamp}\n\n{report.rstrip()}\n{end}"
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    existing = re.compile(rf"<!-- {re.escape(name)}:start.*?-->.*?{re.escape(end)}", re.DOTALL)
    if existing.search(text):
        text = existing.sub(lambda _: block, text, count=1)
    else:
        text = f"{text.rstrip()}\n\n{block}\n" if text else f"{block}\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")
