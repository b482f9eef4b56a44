"""A real smoke test: start the Dagster webserver on loopback, launch a run through its GraphQL API,
wait for it, and read the warehouse it wrote."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, SEEDS, query

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
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            assert process.poll() is None, (tmp_path / "webserver.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the webserver did not start"
            time.sleep(1)
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
    assert query(db_path, "select count(*) from articles") == [(1,)]
    assert ("Donald Trump",) in query(db_path, "select canonical_name from entities where entity_type = 'PERSON'")
