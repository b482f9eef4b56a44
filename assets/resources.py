"""Resources: the seam between the assets and the outside world (folder, warehouse, NLP model)."""

from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from wiredesk.runlock import RunLock, WarehouseBusy, acquire_run_lock
from wiredesk.settings import (
    DEFAULT_BATCH_ARTICLES,
    DEFAULT_MAX_ARTICLE_BYTES,
    DEFAULT_MODEL,
    DEFAULT_NLP_BATCH_SIZE,
    DEFAULT_NLP_CHUNK_SIZE,
    DEFAULT_NLP_PROCESSES,
)
from wiredesk.validation import start_validator
from wiredesk.warehouse import (
    DamagedWarehouse,
    apply_schema,
    attach_staging,
    check_intact,
    create_macros,
    is_damage,
    open_reader,
    schema_is_current,
)


class ArticlesFolder(dg.ConfigurableResource):
    """The folder of articles (.txt and .jsonl) that the warehouse mirrors."""

    path: str
    max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES

    @property
    def folder(self) -> Path:
        return Path(self.path)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        tag_run(context, {FOLDER_TAG: str(self.folder.resolve())})


# Every run says which folder and warehouse it built, however it was launched (make run, the UI's launchpad,
# the sensor, a schedule): the resources tag their run as it starts, so the UI's run list can show and filter it.
FOLDER_TAG = "wiredesk/articles_folder"
WAREHOUSE_TAG = "wiredesk/warehouse_path"


def tag_run(context: dg.InitResourceContext, tags: dict[str, str]) -> None:
    if context.instance is not None and context.run_id:
        context.instance.add_run_tags(context.run_id, tags)


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file and its staging file. Swapping this resource is how the assets move to another
    engine.

    A run holds the warehouse's run lock from its first step to its last (the job runs in one process, so the
    resource is set up once per run): a second run over the same warehouse fails at once, naming the first."""

    _run_lock: RunLock | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # The checks' Great Expectations process (wiredesk/validation.py); `make run` has started it already,
        # a run launched from the UI starts it here.
        start_validator()
        tag_run(context, {WAREHOUSE_TAG: str(Path(self.database).resolve())})
        try:
            self._run_lock = acquire_run_lock(Path(self.database), context.run_id or "a run")
        except WarehouseBusy as err:
            raise dg.Failure(description=str(err)) from err

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._run_lock is not None:
            self._run_lock.release()

    @contextmanager
    def connect(self):
        """A read-write connection to the warehouse with the schema applied; waits (with backoff, about a
        minute and a half) while another process has the file open."""
        path = Path(self.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with _damage_stops_the_run(path), self.get_connection() as con:
                check_intact(con, path)
                apply_schema(con)
                yield con
        except duckdb.IOException as err:
            if "lock" in str(err).lower():
                raise dg.Failure(
                    description=f"the warehouse {self.database} is open in another process (a SQL session, "
                    "read-only or not, or a notebook): close it and run again; nothing was published",
                    metadata={"error": str(err)},
                ) from err
            raise

    @contextmanager
    def read(self):
        """A read-only connection to an up-to-date warehouse, which analysts' read-only sessions do not block;
        a read-write one (`connect`) when the file is new or its schema is not this version's yet."""
        path = Path(self.database)
        if path.exists():
            with _damage_stops_the_run(path), open_reader(path) as con:
                if schema_is_current(con):
                    yield con
                    return
        with self.connect() as con:
            yield con

    @contextmanager
    def staging(self):
        """A connection with the run's staging file attached as `staging` (the warehouse itself is not opened,
        so readers are not locked out while a run extracts)."""
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect() as con:
            attach_staging(con, Path(self.database))
            create_macros(con)
            yield con


@contextmanager
def _damage_stops_the_run(path: Path):
    """A damaged warehouse file fails the run with what to do about it, not with DuckDB's stack trace."""
    try:
        yield
    except DamagedWarehouse as err:
        raise dg.Failure(description=str(err)) from err
    except duckdb.Error as err:
        if is_damage(err):
            raise dg.Failure(description=str(DamagedWarehouse(path, str(err).splitlines()[0]))) from err
        raise


class NlpModel(dg.ConfigurableResource):
    """The spaCy model. Large runs extract in `n_process` worker processes, each loading it once; small runs load
    it in the run's process."""

    model: str = DEFAULT_MODEL
    n_process: int = DEFAULT_NLP_PROCESSES
    batch_size: int = DEFAULT_NLP_BATCH_SIZE
    chunk_size: int = DEFAULT_NLP_CHUNK_SIZE


class ExtractionCluster(dg.ConfigurableResource):
    """Where extraction runs. With no `ray_address` (the default), in the run's own process and its `nlp.n_process`
    model workers, with no Ray imported. With one ("auto", "ray://head:10001", "local"), on that Ray cluster:
    `workers` actors of one CPU (0: one per CPU of the cluster), each extracting `batch_articles` articles at a
    time and writing them as Parquet under `batch_location` (a folder every node reaches, or an s3:// or gs:// URI;
    default: `<warehouse>.batches/` beside the warehouse), from where publish reads them (docs/scaling.md)."""

    ray_address: str = ""
    batch_location: str = ""
    workers: int = 0
    batch_articles: int = DEFAULT_BATCH_ARTICLES

    def location_for(self, db_path: Path) -> str:
        return self.batch_location or str(db_path.with_name(f"{db_path.stem}.batches"))
