"""A sensor that watches the articles folder and asks for a run when files appear, change or go."""

import hashlib
from pathlib import Path

import dagster as dg

from pipelines.resources import ArticlesFolder
from wiredesk.ingest import list_article_files


def folder_fingerprint(folder: Path) -> str:
    """A hash of every file's path, size and modification time: it changes when any file does."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in list_article_files(folder):
            stat = path.stat()
            digest.update(f"{path.relative_to(folder).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def build_articles_folder_sensor(job) -> dg.SensorDefinition:
    @dg.sensor(
        job=job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Requests a warehouse build when the articles folder changes (files added, edited, removed).",
    )
    def articles_folder_sensor(context: dg.SensorEvaluationContext, articles_folder: ArticlesFolder):
        fingerprint = folder_fingerprint(articles_folder.folder)
        if fingerprint == context.cursor:
            return dg.SkipReason(f"no change in {articles_folder.folder}")
        # No run key: a folder can return to an earlier state (a file deleted again), and Dagster would skip
        # a run key it has seen. The cursor alone keeps one run per change.
        return dg.SensorResult(
            run_requests=[dg.RunRequest(tags={"wiredesk/folder_fingerprint": fingerprint[:16]})],
            cursor=fingerprint,
        )

    return articles_folder_sensor
