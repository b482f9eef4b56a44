"""Extraction on a real Ray cluster this test starts itself: a head and a second node, one CPU each, as separate
processes on this machine (Ray's cluster_utils). Each test stops what it started; no `ray stop`.

The warehouse built through the cluster equals the local build row for row; a worker killed mid-run costs
nothing (Ray restarts it and sends its batch again); a run killed mid-extraction resumes from its finished
batches and still builds the same warehouse."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from devtools.compare import table_differences
from tests.conftest import job_env, materialize_warehouse, query
from tests.test_identical_rebuilds import _folder

pytestmark = pytest.mark.slow

WORKER_TITLE = "ray::BatchExtractor.extract"  # Ray's name for a worker process while it extracts a batch


@pytest.fixture(scope="module")
def ray_cluster():
    from ray.cluster_utils import Cluster

    before = _ray_processes()  # another Ray on this machine is not ours to check, nor to stop
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    try:
        yield cluster.address
    finally:
        cluster.shutdown()
    # Nothing of the cluster outlives it: no Ray process this test started is left running.
    deadline = time.monotonic() + 30
    while (left := _ray_processes().keys() - before.keys()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not left, [_ray_processes().get(pid) for pid in left]


def _ray_processes() -> dict[int, str]:
    """pid → command line of every process on this machine whose command line names Ray."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if "ray" in command and int(entry) != os.getpid():
            found[int(entry)] = command[:160]
    return found


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> Path:
    return _folder(tmp_path_factory.mktemp("stories"))


@pytest.fixture(scope="module")
def local_build(tmp_path_factory, articles) -> Path:
    db = tmp_path_factory.mktemp("local") / "local.duckdb"
    assert materialize_warehouse(articles, db).success
    return db


def _extracting_workers() -> list[int]:
    return [pid for pid, command in _ray_processes().items() if command.startswith(WORKER_TITLE)]


def test_a_warehouse_built_on_the_cluster_equals_the_local_build(ray_cluster, articles, local_build, tmp_path):
    db = tmp_path / "ray.duckdb"
    result = materialize_warehouse(articles, db, ray_address=ray_cluster, ray_workers=2, batch_articles=3)
    assert result.success
    metadata = result.asset_materializations_for_node("staged_mentions")[0].metadata
    assert metadata["engine"].value == "ray"
    assert metadata["batches"].value == -(-query(db, "select count(*) from articles")[0][0] // 3)
    differences = table_differences(local_build, db)
    assert {"articles", "entities", "entity_mentions", "quotations", "tone_terms"} <= set(differences)
    assert not any(differences.values()), differences
    assert not (tmp_path / "ray.batches").exists()  # published, so the batches are gone

    # The same folder again: nothing new, so nothing is sent to the cluster.
    again = materialize_warehouse(articles, db, ray_address=ray_cluster, ray_workers=2, batch_articles=3)
    assert again.success
    metadata = again.asset_materializations_for_node("staged_mentions")[0].metadata
    assert metadata["dagster/row_count"].value == 0
    assert "batches" not in metadata  # the cluster was not asked for anything


def test_a_worker_killed_mid_run_leaves_the_warehouse_complete(ray_cluster, articles, local_build, tmp_path):
    killed: list[int] = []

    def kill_the_first_worker_seen_extracting() -> None:
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline:
            for pid in _extracting_workers():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_first_worker_seen_extracting)
    killer.start()
    db = tmp_path / "killed.duckdb"
    result = materialize_warehouse(articles, db, ray_address=ray_cluster, ray_workers=2, batch_articles=2)
    killer.join()
    assert killed, "no worker was seen extracting"
    assert result.success
    ids = query(db, "select article_id from articles")
    assert len(ids) == len(set(ids)) == len(query(local_build, "select article_id from articles"))
    assert not any(table_differences(local_build, db).values())


def test_a_run_killed_mid_extraction_resumes_from_its_finished_batches(ray_cluster, articles, local_build, tmp_path):
    db = tmp_path / "resumed.duckdb"
    env = {
        **job_env(articles, db, tmp_path / "home"),
        "WIREDESK_RAY_ADDRESS": ray_cluster,
        "WIREDESK_RAY_WORKERS": "1",
        "WIREDESK_BATCH_ARTICLES": "2",
    }
    run = subprocess.Popen(
        [sys.executable, "-m", "pipelines.run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        for line in run.stdout:
            if "batches 3/" in line:  # three batches written: kill the run while it extracts the rest
                run.send_signal(signal.SIGKILL)
                break
    finally:
        run.kill()
        run.wait(timeout=60)
    assert not db.exists() or query(db, "select count(*) from articles") == [(0,)]
    batches = tmp_path / "resumed.batches"
    finished = [b for b in batches.iterdir() if (b / "_SUCCESS").exists()]
    assert len(finished) >= 3

    rerun = subprocess.run(
        [sys.executable, "-m", "pipelines.run"], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    resumed = [line for line in rerun.stdout.splitlines() + rerun.stderr.splitlines() if "from an earlier run" in line]
    assert resumed and f"({len(finished)} from an earlier run)" in resumed[-1]
    assert not any(table_differences(local_build, db).values())
