"""One run at a time per warehouse: an exclusive lock held from a run's first step to its last.

DuckDB lets one process write a file at a time, but only while a connection is open; a run opens and closes
many. Without a run-wide lock two runs could interleave (both stage, one publishes the other's batch). The
lock is `flock` on `<warehouse>.lock`: the kernel releases it when the holder exits, even when killed, so a
crashed run never leaves the warehouse locked. The file holds who has it, for the message the next run shows.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO


class WarehouseBusy(RuntimeError):
    """Another run is building the same warehouse."""


@dataclass
class RunLock:
    path: Path
    handle: TextIO | None

    def release(self) -> None:
        if self.handle is None:
            return
        self.handle.truncate(0)
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
        self.handle = None


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.name}.lock")


def acquire_run_lock(db_path: Path, owner: str) -> RunLock:
    """Take the warehouse's run lock for `owner` (a run id), or raise WarehouseBusy at once naming the holder."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise WarehouseBusy(
            f"the warehouse {db_path} is being built by {holder}; one run at a time writes a warehouse: "
            "wait for that run to finish (see `make ui`) and run again"
        ) from None
    handle.seek(0)
    handle.truncate(0)
    handle.write(f"run {owner} (pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC)\n")
    handle.flush()
    return RunLock(path, handle)
