"""What /proc says about processes: a process's children and its resident memory (Linux; empty elsewhere)."""

from __future__ import annotations

import contextlib
import os
import resource


def children(pid: int | str = "self") -> list[int]:
    """The pids of the processes `pid` (this one by default) started and that are still running."""
    found: list[int] = []
    tasks = f"/proc/{pid}/task"
    for task in os.listdir(tasks) if os.path.isdir(tasks) else ():
        with contextlib.suppress(OSError), open(f"{tasks}/{task}/children") as listed:
            found += [int(child) for child in listed.read().split()]
    return found


def resident_bytes(pid: int) -> int | None:
    """Resident memory of process `pid` now; None when it is gone."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except (OSError, IndexError, ValueError):
        return None
