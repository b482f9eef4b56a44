"""wiredesk installed as a package (a cluster worker's runtime environment, a container image) runs without the
checkout: the wheel carries the SQL, the data files and the models, and the code finds them as package
resources."""

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO, SEED_FILE, SEEDS

pytestmark = pytest.mark.slow

# Run from an empty folder with only the installed package on the path: extract the seed article, create a
# warehouse with the shipped DDL, macros and views, and say where each shipped file came from.
_WORKER = """
import json, sys
from pathlib import Path
import duckdb
from wiredesk.commodities import default_matcher
from wiredesk.extraction import Models, extract_articles
from wiredesk.gazetteer import load_gazetteer
from wiredesk.nlp import load_pipeline
from wiredesk.settings import DEFAULT_MODEL
from wiredesk.shipped import models_dir, sql_dir
from wiredesk.tone import load_model as load_tone
from wiredesk.topics import load_model as load_topics
from wiredesk.warehouse import apply_schema
import wiredesk

title, body = Path(sys.argv[1]).read_text(encoding="utf-8").split("\\n", 1)
(result,) = extract_articles(
    [("seed", title, body.strip())], load_pipeline(DEFAULT_MODEL), load_gazetteer(), default_matcher(),
    Models(topics=load_topics(), tone=load_tone()),
)
with duckdb.connect("w.duckdb") as con:
    apply_schema(con)
    views = con.execute("select count(*) from duckdb_views() where not internal").fetchall()[0][0]
print(json.dumps({
    "package": wiredesk.__file__, "models": str(models_dir()), "sql": str(sql_dir()), "views": views,
    "mentions": sorted(result.extracted[0].entity_mentions["article_name"].unique().to_list()),
}))
"""


def test_the_installed_wheel_runs_without_the_checkout(tmp_path):
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("wiredesk-*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)], check=True
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site), "HOME": str(tmp_path), "GX_ANALYTICS_ENABLED": "False"}
    run = subprocess.run(
        [sys.executable, "-c", _WORKER, str(SEEDS / SEED_FILE)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout.strip().splitlines()[-1])
    for shipped in ("package", "models", "sql"):
        assert found[shipped].startswith(str(site)), (shipped, found[shipped])  # not the checkout's copy
    assert found["views"] == len(list((REPO / "sql" / "views").glob("*.sql")))
    assert {"Scott Bessent", "Xi Jinping", "United States"} <= set(found["mentions"])
