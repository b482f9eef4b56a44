"""A real smoke test: start the Dagster webserver on loopback, launch a run through its GraphQL API,
wait for it, and read the warehouse it wrote."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assets.resources import FOLDER_TAG, WAREHOUSE_TAG
from tests.conftest import REPO, SEEDS, query

pytestmark = pytest.mark.slow  # make test-fast leaves these out

STARTUP_SECONDS = 180
RUN_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(url: str, query_text: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query_text, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.load(response)
    assert "errors" not in body, body
    return body["data"]


@pytest.fixture
def webserver(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    # Launch runs at once: the queued coordinator of `make ui` needs the daemon, which this test does not start.
    (home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\n"
        "run_coordinator:\n  module: dagster._core.run_coordinator\n  class: DefaultRunCoordinator\n"
    )
    db_path = tmp_path / "w.duckdb"
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "WIREDESK_SEEDS_DIR": str(SEEDS),
        "WIREDESK_DB": str(db_path),
        "PYTHONPATH": str(REPO),
    }
    command = [
        str(Path(sys.executable).parent / "dagster-webserver"),
        "-w",
        str(REPO / "workspace.yaml"),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    log = (tmp_path / "webserver.log").open("w")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(url, process, tmp_path / "webserver.log")
        yield url, db_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_a_run_launched_through_graphql_builds_the_warehouse(webserver):
    url, db_path = webserver
    repositories = graphql(
        url, "{ repositoriesOrError { ... on RepositoryConnection { nodes { name location { name } } } } }"
    )["repositoriesOrError"]["nodes"]
    [repository] = repositories
    assets = graphql(url, "{ assetNodes { assetKey { path } } }")["assetNodes"]
    assert ["entities"] in [node["assetKey"]["path"] for node in assets]

    launched = graphql(
        url,
        """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
            __typename
            ... on LaunchRunSuccess { run { runId } }
            ... on PythonError { message }
        } }""",
        {
            "params": {
                "selector": {
                    "repositoryLocationName": repository["location"]["name"],
                    "repositoryName": repository["name"],
                    "jobName": "build_warehouse",
                },
                "runConfigData": {},
            }
        },
    )["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]

    deadline = time.monotonic() + RUN_SECONDS
    status = None
    while time.monotonic() < deadline:
        status = graphql(url, "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }", {"id": run_id})[
            "runOrError"
        ]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(2)
    assert status == "SUCCESS"
    # a run launched from the UI says which folder and warehouse it built, as one from `make run` does
    tags = graphql(
        url, "query($id: ID!) { runOrError(runId: $id) { ... on Run { tags { key value } } } }", {"id": run_id}
    )["runOrError"]["tags"]
    assert {tag["key"]: tag["value"] for tag in tags}[WAREHOUSE_TAG] == str(Path(db_path).resolve())
    assert FOLDER_TAG in {tag["key"] for tag in tags}
    assert query(db_path, "select count(*) from articles") == [(1,)]
    assert ("Donald Trump",) in query(db_path, "select canonical_name from entities where entity_type = 'PERSON'")


def wait_for_server(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, "the UI did not start"
        time.sleep(1)


def test_the_ui_stops_within_seconds_on_sigterm_even_started_in_the_background(tmp_path):
    """`make ui` started from a script (`&`) inherits SIGINT ignored, and `dagster dev` maps SIGTERM to SIGINT's
    handler: before pipelines.ui restored SIGINT, `kill` left the UI running for good."""
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path / "home"),
        "WIREDESK_UI_PORT": str(port),
        "WIREDESK_SEEDS_DIR": str(SEEDS),
        "WIREDESK_DB": str(tmp_path / "w.duckdb"),
        "PYTHONPATH": str(REPO),
    }
    log = tmp_path / "ui.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.ui"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, to see that every child is gone after
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # as a shell's `&` leaves it
        )
    try:
        wait_for_server(f"http://127.0.0.1:{port}", process, log)
        process.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        process.wait(timeout=30)
        while time.monotonic() - stopped < 20:  # the webserver, daemon and code servers go too
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.5)
        else:
            left = subprocess.run(["ps", "-o", "pid,args", "-g", str(process.pid)], capture_output=True, text=True)
            pytest.fail(f"still running 20 s after SIGTERM:\n{left.stdout[:2000]}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
