"""Peak memory of a command and every process it starts, for `make bench` and the memory tests.

The resident memory of the whole process tree (the run, its model workers) is sampled ten times a second; a run
that passes its budget is stopped there, so a test of a memory bound fails instead of taking the machine down.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass

from wiredesk.processes import children, resident_bytes


def tree_rss_mb(pid: int) -> float:
    """Resident memory, in MB, of process `pid` and all its descendants now."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += resident_bytes(current) or 0
        stack += children(current)
    return total / 2**20


@dataclass(frozen=True)
class MeasuredRun:
    returncode: int
    peak_rss_mb: float
    seconds: float
    over_budget: bool  # stopped for passing its budget
    output: str


def run_measured(
    command: list[str], env: dict | None = None, budget_mb: float | None = None, timeout: float = 1800
) -> MeasuredRun:
    """Run `command` to its end (or until its tree passes `budget_mb`, or `timeout` seconds), sampling memory."""
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        peak, over = 0.0, False
        while process.poll() is None:
            peak = max(peak, tree_rss_mb(process.pid))
            over = budget_mb is not None and peak > budget_mb
            if over or time.monotonic() - started > timeout:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                break
            time.sleep(0.1)
        output.seek(0)
        return MeasuredRun(process.returncode, peak, time.monotonic() - started, over, output.read())
