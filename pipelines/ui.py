"""`make ui`: the Dagster UI and daemon on loopback, stopping within seconds on Ctrl-C or SIGTERM.

`dagster dev` maps SIGTERM to whatever SIGINT does. Started from a script or with `&`, a process inherits
SIGINT *ignored*, and then SIGTERM is ignored too: the UI would outlive `kill`. So SIGINT is restored to its
default before `dagster dev` replaces this process.
"""

import os
import signal
import sys
from pathlib import Path

from wiredesk.settings import DEFAULT_DAGSTER_HOME

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    os.environ.setdefault("DAGSTER_HOME", str(DEFAULT_DAGSTER_HOME))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    port = os.environ.get("WIREDESK_UI_PORT", "3000")
    dagster = Path(sys.executable).parent / "dagster"
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execv(dagster, [str(dagster), "dev", "-w", str(REPO / "workspace.yaml"), "-h", "127.0.0.1", "-p", port])


if __name__ == "__main__":
    main()
