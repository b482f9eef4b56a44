"""A sensor that watches the articles folder and asks for a run when files appear, change or go."""

import hashlib
from pathlib import Path

import dagster as dg

from assets.resources import ArticlesFolder
from wiredesk.ingest import list_article_files, source_path_of


def folder_fingerprint(folder: Path) -> str:
    """A hash of every entry's path (and a file's size and modification time): it changes when any file does."""
    digest = hashlib.sha256()
    if folder.is_dir():
        listing = list_article_files(folder)
        for path in listing.files:
            try:
                stat = path.stat()
            except OSError:  # gone since it was listed: the next tick sees the change
                continue
            digest.update(f"{source_path_of(path, folder)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        for path, refusal in listing.refused:
            if refusal.reason == "hidden":  # editor swap files come and go with every save: no run for them
                continue
            digest.update(f"{source_path_of(path, folder)}\0{refusal.reason}\n".encode())
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
