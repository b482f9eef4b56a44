"""Runs and readers at the same time, as separate processes: one run at a time writes a warehouse, and analysts
read it while a run extracts."""

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import job_env, materialize_warehouse, query
from wiredesk.warehouse import open_reader, staging_path

pytestmark = pytest.mark.slow  # make test-fast leaves these out

EXTRA_ARTICLES = 300
SENTENCES_PER_ARTICLE = 40  # long enough that the run extracts for about half a minute


@pytest.fixture
def busy_folder(seeds_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A built warehouse, and its folder with enough new articles that a run extracts for several seconds."""
    db = tmp_path / "w.duckdb"
    assert materialize_warehouse(seeds_copy, db).success
    for i in range(EXTRA_ARTICLES):
        paragraphs = "\n".join(
            f"Copper rose {i + j} points in Santiago, Chile, as Codelco cut output at mine number {j}, "
            f"traders in London and Shanghai said on day {j} of the strike."
            for j in range(SENTENCES_PER_ARTICLE)
        )
        (seeds_copy / f"extra_{i:03}.txt").write_text(f"Copper report {i}\n{paragraphs}\n")
    return seeds_copy, db


class Run:
    """`python -m pipelines.run` in a child process, its output collected line by line."""

    def __init__(self, env: dict):
        self.lines: list[str] = []
        self.extracting = threading.Event()
        self.extracted = 0  # articles extracted so far, from the run's progress lines
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.run"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if progress := re.search(rf"extracted (\d+)/{EXTRA_ARTICLES} articles", line):
                self.extracted = int(progress.group(1))
                self.extracting.set()

    def wait(self, timeout: float = 300) -> int:
        code = self.process.wait(timeout=timeout)
        self.reader.join(timeout=10)
        return code

    @property
    def output(self) -> str:
        return "".join(self.lines)


def test_a_second_run_fails_at_once_naming_the_first_and_the_warehouse_is_one_runs(busy_folder, tmp_path):
    folder, db = busy_folder
    first = Run(job_env(folder, db, tmp_path / "home"))
    assert first.extracting.wait(timeout=180), first.output

    started = time.monotonic()
    second = Run(job_env(folder, db, tmp_path / "home"))
    assert second.wait() == 1, second.output + "\n----\n" + first.output
    assert time.monotonic() - started < 60  # it did not wait for the first run to finish
    assert "is being built by run" in second.output
    assert first.process.poll() is None  # the first run was still going when the second gave up

    assert first.wait() == 0, first.output
    assert query(db, "select count(*) from articles") == [(EXTRA_ARTICLES + 1,)]
    assert query(db, "select count(*) from pipeline_runs") == [(2,)]  # the seed build and the first run only
    assert query(db, "select count(distinct article_id) from entity_mentions") == [(EXTRA_ARTICLES + 1,)]
    assert not staging_path(db).exists()


def test_analysts_read_the_warehouse_while_a_run_extracts(busy_folder, tmp_path):
    folder, db = busy_folder
    before = query(db, "select count(*) from articles")
    run = Run(job_env(folder, db, tmp_path / "home"))
    assert run.extracting.wait(timeout=180), run.output

    reads_during_extraction = 0
    while run.process.poll() is None:
        if run.extracted < EXTRA_ARTICLES - 20:  # at least one chunk of extraction still to go after this read
            # Mid-extraction the warehouse is not open in the run at all: a plain read-only open succeeds.
            with duckdb.connect(str(db), read_only=True) as con:
                assert con.execute("select count(*) from articles").fetchall() == before
            reads_during_extraction += 1
        else:
            # At publish the run has the file for a moment; the readers' helper waits that moment out.
            with open_reader(db, wait_seconds=60) as con:
                con.execute("select count(*) from articles").fetchall()
        time.sleep(0.05)
    assert run.wait() == 0, run.output
    assert reads_during_extraction >= 3
    with open_reader(db) as con:
        assert con.execute("select count(*) from articles").fetchall() == [(EXTRA_ARTICLES + 1,)]


def test_an_open_read_only_session_holds_up_only_the_publish(busy_folder, tmp_path):
    """A run reads the warehouse read-only until it publishes, so an analyst's open session (read-only, in
    another process) lets it stage and extract; only the publish transaction waits for the session to close."""
    folder, db = busy_folder
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; con = duckdb.connect({str(db)!r}, read_only=True); "
            "print('open', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout.readline().strip() == "open"
    run = Run(job_env(folder, db, tmp_path / "home"))
    try:
        assert run.extracting.wait(timeout=180), run.output  # staged and extracting, the session still open
        assert reader.poll() is None
    finally:
        reader.stdin.close()  # the analyst closes the session
        reader.wait(timeout=30)
    assert run.wait() == 0, run.output
    assert query(db, "select count(*) from articles") == [(EXTRA_ARTICLES + 1,)]
