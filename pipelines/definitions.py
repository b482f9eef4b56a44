"""The Dagster code location: `dagster dev -w workspace.yaml` or `dagster job execute -m pipelines.definitions`."""

import os

import dagster as dg

from assets.checks import staged_articles_expectations, staged_extraction_expectations, warehouse_invariants
from assets.resources import ArticlesFolder, ExtractionCluster, NlpModel, Warehouse
from assets.staging import staged_articles, staged_mentions
from assets.warehouse import publish_warehouse
from pipelines.sensors import build_articles_folder_sensor
from wiredesk.settings import VARIABLES, Settings

# Runs that write the warehouse carry this tag; dagster.yaml lets one such run at a time out of the queue.
WAREHOUSE_WRITER_TAG = {"wiredesk/warehouse": "writer"}

build_warehouse = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all(),
    description="Ingest the articles folder, extract entities and commodities, audit, publish to DuckDB.",
    executor_def=dg.in_process_executor,  # one process: the model loads once, DuckDB has one writer
    tags=WAREHOUSE_WRITER_TAG,
)


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """The resources for explicit settings (tests, the eval and the benchmark)."""
    return {
        "articles_folder": ArticlesFolder(path=str(settings.seeds_dir), max_article_bytes=settings.max_article_bytes),
        "warehouse": Warehouse(database=str(settings.db_path)),
        "nlp": NlpModel(
            model=settings.spacy_model, n_process=settings.nlp_processes, chunk_size=settings.nlp_chunk_size
        ),
        "cluster": ExtractionCluster(
            ray_address=settings.ray_address,
            batch_location=settings.batch_location,
            workers=settings.ray_workers,
            batch_articles=settings.batch_articles,
        ),
    }


def _setting(field: str):
    """A setting set in the environment as a dg.EnvVar (read when a run starts, shown as such in the UI);
    an unset one as its default from wiredesk/settings.py."""
    name, default, kind = VARIABLES[field]
    if name not in os.environ:
        return default if kind is int else str(default)
    return dg.EnvVar.int(name) if kind is int else dg.EnvVar(name)


def environment_resources() -> dict[str, dg.ConfigurableResource]:
    """The code location's resources, configured from the environment."""
    return {
        "articles_folder": ArticlesFolder(path=_setting("seeds_dir"), max_article_bytes=_setting("max_article_bytes")),
        "warehouse": Warehouse(database=_setting("db_path")),
        "nlp": NlpModel(
            model=_setting("spacy_model"), n_process=_setting("nlp_processes"), chunk_size=_setting("nlp_chunk_size")
        ),
        "cluster": ExtractionCluster(
            ray_address=_setting("ray_address"),
            batch_location=_setting("batch_location"),
            workers=_setting("ray_workers"),
            batch_articles=_setting("batch_articles"),
        ),
    }


ALL_ASSETS = [staged_articles, staged_mentions, publish_warehouse]
ALL_CHECKS = [
    staged_articles_expectations,
    staged_extraction_expectations,
    warehouse_invariants,
]

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[build_warehouse],
    sensors=[build_articles_folder_sensor(build_warehouse)],
    resources=environment_resources(),
)
