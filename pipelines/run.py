"""`python -m pipelines.run`: run the build_warehouse job once, recorded in the local Dagster instance.

This is what `make run` calls; the UI (`make ui`) shows these runs next to the ones it launches itself.
"""

import argparse
import gc
import os
import sys
from pathlib import Path

from wiredesk.settings import DEFAULT_DAGSTER_HOME, Settings
from wiredesk.validation import start_validator, stop_validator

# Dagster and the definitions are imported when the job runs, not here: a spawned helper process (the validator,
# the extraction workers) imports this module again, and should not pay for them.

RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def run_job() -> int:
    """Run build_warehouse once over the settings in the environment; 0 when it succeeded."""
    import dagster as dg

    from pipelines.definitions import defs

    job = defs.resolve_job_def("build_warehouse")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance, run_config=RUN_CONFIG, raise_on_error=False)
    failed_checks = [e for e in result.get_asset_check_evaluations() if not e.passed]
    for evaluation in failed_checks:
        print(f"check failed: {evaluation.asset_key.to_user_string()} {evaluation.check_name}", file=sys.stderr)
    if not result.success:
        print(f"run {result.run_id} failed; see the log above or `make ui`", file=sys.stderr)
        return 1
    return 0


def rebuild() -> int:
    """Build a new warehouse from the articles folder beside the configured one, then swap it in: the old
    file (damaged, or built by older rules) stays in place until the new one is complete, and is kept beside it
    as `<name>.replaced.duckdb`."""
    target = Settings.from_env().db_path
    fresh = target.with_name(f"{target.stem}.rebuild{target.suffix}")
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
        leftover.unlink(missing_ok=True)  # a rebuild that was stopped part-way starts again
    os.environ["WIREDESK_DB"] = str(fresh)
    code = run_job()
    if code:
        print(f"the rebuild failed; {target} is as it was", file=sys.stderr)
        return code
    if target.exists():
        target.replace(target.with_name(f"{target.stem}.replaced{target.suffix}"))
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    fresh.replace(target)
    print(f"rebuilt {target} from {Settings.from_env().seeds_dir}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pipelines.run", description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="build a new warehouse and swap it in when complete")
    args = parser.parse_args(argv)
    # Python's collector runs a full sweep every ~70,000 allocations by default, and importing Dagster, Polars
    # and spaCy allocates millions of objects that live as long as the run: its sweeps were 5% of a one-article
    # run. A run's process makes little cyclic garbage, so it collects far less often (its workers and the
    # validator, which have lives of their own, keep the defaults).
    gc.set_threshold(10_000, 50, 100)
    start_validator()  # Great Expectations loads in its own process while Dagster loads in this one
    if not os.environ.get("DAGSTER_HOME"):
        os.environ["DAGSTER_HOME"] = str(DEFAULT_DAGSTER_HOME)
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    return rebuild() if args.rebuild else run_job()


def exit_now(code: int) -> None:
    """Exit without the interpreter's teardown, which takes over a second after a run (GX, spaCy, Dagster
    modules being garbage-collected). Everything is written and closed by then; only the output is flushed."""
    stop_validator()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
