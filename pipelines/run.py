"""`python -m pipelines.run`: run the build_warehouse job once, recorded in the local Dagster instance.

This is what `make run` calls; the UI (`make ui`) shows these runs next to the ones it launches itself.
"""

import os
import sys
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs
from wiredesk.settings import DEFAULT_DAGSTER_HOME, Settings

RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def main() -> int:
    if not os.environ.get("DAGSTER_HOME"):
        os.environ["DAGSTER_HOME"] = str(DEFAULT_DAGSTER_HOME)
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env()
    # Each run says which folder and warehouse it built, so the UI's run list can show and filter them.
    tags = {
        "wiredesk/articles_folder": str(settings.seeds_dir.resolve()),
        "wiredesk/warehouse": str(settings.db_path.resolve()),
    }
    job = defs.resolve_job_def("build_warehouse")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance, run_config=RUN_CONFIG, raise_on_error=False, tags=tags)
    failed_checks = [e for e in result.get_asset_check_evaluations() if not e.passed]
    for evaluation in failed_checks:
        print(f"check failed: {evaluation.asset_key.to_user_string()} {evaluation.check_name}", file=sys.stderr)
    if not result.success:
        print(f"run {result.run_id} failed; see the log above or `make ui`", file=sys.stderr)
        return 1
    return 0


def exit_now(code: int) -> None:
    """Exit without the interpreter's teardown, which takes over a second after a run (GX, spaCy, Dagster
    modules being garbage-collected). Everything is written and closed by then; only the output is flushed."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
