"""`make bench`: throughput against the NER floor, peak memory, and the cost of adding one article.

In one invocation, on a corpus of N distinct articles built from a source the user passes (a folder of
.txt/.jsonl articles, or a Reuters-style JSONL file with title and body):
  (a) the pipeline end to end (`python -m pipelines.run`, a fresh process, as `make run` does);
  (b) the floor: the shipped NER model alone (models/wiredesk_news_ner), `nlp.pipe` over both cores, same
      texts; and beside it the small English model's tok2vec + ner, the floor earlier figures were taken against;
  (c) the pipeline again after adding one article;
  (d) the pipeline end to end on the first N/4 articles, to compare peak memory;
  (r) on the first --cluster-articles articles: the local path, then the Ray path on a local Ray cluster of two
      single-CPU nodes (head and worker, started here and stopped after) with 2 workers and with 1, and the
      Ray warehouse compared with the local one row for row; then one article added to the local build;
  (p) 1,000 new articles published into warehouses of 100,000 and 1,000,000 articles synthesised from (a)'s
      (devtools/publish_scale.py), each publish step timed.
Each step runs in its own process so its peak RSS (with its worker processes) is its own.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import duckdb

from devtools import publish_scale
from devtools.hostile_articles import write_hostile
from devtools.memory import run_measured
from devtools.report_doc import write_report
from devtools.scoring import read_jsonl
from wiredesk.ingest import read_articles_folder
from wiredesk.nlp import BASE_MODEL
from wiredesk.settings import DEFAULT_MAX_ARTICLE_BYTES, DEFAULT_MODEL, DEFAULT_NLP_BATCH_SIZE, DEFAULT_NLP_PROCESSES

ARTICLES_PER_FILE = 1000
EXTRA_ARTICLE = {"id": "bench-extra", "title": "Copper climbs", "body": "SANTIAGO, Nov 25 - Copper rose 2% in Chile."}


def source_articles(source: Path) -> list[dict]:
    """(title, body) pairs from a folder of articles (read as the pipeline reads it) or a JSONL file."""
    if source.is_dir():
        raw = read_articles_folder(source, DEFAULT_MAX_ARTICLE_BYTES).articles
        return [{"title": t, "body": b} for t, b in raw.select("title", "body").iter_rows()]
    return [
        {"title": r["title"], "body": r["body"]}
        for r in read_jsonl(source)
        if r.get("title", "").strip() and r.get("body", "").strip()
    ]


def build_corpus(articles: list[dict], count: int) -> list[dict]:
    """`count` articles with distinct content: past the source's size, each replica gets a paragraph
    from another article, so every text is new to the pipeline."""
    corpus = []
    for i in range(count):
        base = articles[i % len(articles)]
        replica = i // len(articles)
        body = base["body"]
        if replica:
            donor = articles[(i * 7919 + replica) % len(articles)]["body"].split("\n")[0]
            body = f"{body}\n{donor}"
        corpus.append({"id": f"bench-{i}", "title": base["title"], "body": body})
    return corpus


def write_corpus(corpus: list[dict], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(corpus), ARTICLES_PER_FILE):
        with (folder / f"part-{start // ARTICLES_PER_FILE:05}.jsonl").open("w", encoding="utf-8") as out:
            for article in corpus[start : start + ARTICLES_PER_FILE]:
                out.write(json.dumps(article) + "\n")


def timed_process(args: list[str], env: dict) -> tuple[float, float]:
    """Run a Python module in a fresh process; (seconds, peak RSS in MB of it and its workers)."""
    command = [sys.executable, "-m", *args]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return seconds, report["peak_rss_mb"]


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


# The floors: the shipped NER model alone (what the pipeline runs), and the small English model's tok2vec + ner.
FLOOR_MODELS = {"shipped": (DEFAULT_MODEL, ["ner"]), "small": (BASE_MODEL, ["tok2vec", "ner"])}


def run_floor_and_report(corpus_folder: str, floor: str) -> None:
    """Entry point of a floor process: the model's NER alone over the same texts, both cores."""
    import spacy

    model, components = FLOOR_MODELS[floor]
    texts = [
        f"{r['title']}\n\n{r['body']}" for path in sorted(Path(corpus_folder).glob("*.jsonl")) for r in read_jsonl(path)
    ]
    nlp = spacy.load(model, exclude=["tagger", "parser", "senter", "attribute_ruler", "lemmatizer"])
    assert nlp.pipe_names == components, nlp.pipe_names
    for _ in nlp.pipe(texts, n_process=DEFAULT_NLP_PROCESSES, batch_size=DEFAULT_NLP_BATCH_SIZE):
        pass
    print(json.dumps({"peak_rss_mb": peak_rss_mb()}))


def time_stories_from_scratch(db: Path) -> float:
    """Seconds to find every article's story in a built warehouse as if all its articles were new (the same
    publish step, its links dropped first, rolled back after)."""
    from wiredesk.stories import link_stories

    with duckdb.connect(str(db)) as con:
        con.execute("attach ':memory:' as staging")
        con.execute("create table staging.articles as select article_id from articles")
        con.execute("begin transaction")
        con.execute("delete from story_links")
        started = time.perf_counter()
        link_stories(con)
        seconds = time.perf_counter() - started
        con.execute("rollback")
    return seconds


# Runs of hostile articles (devtools/hostile_articles.py) beside the seed: peak memory of the run's processes.
HOSTILE_RUNS = {
    "dense_and_one_word": ("dense_report.txt", "oil_oil_oil.txt"),
    "five_megabytes": ("mixed_wire_copy.txt",),
}
SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_bf3e6714cf294e8b.txt"


# An added article's run is a few seconds, most of it fixed costs (imports, Dagster's event log): one sample
# swings by a tenth, so it is timed this many times, each from the same built warehouse.
ADD_ONE_SAMPLES = 3


def time_add_one(folder: Path, db: Path, pipeline) -> tuple[float, list[float]]:
    """Seconds to add EXTRA_ARTICLE to the warehouse `db` built from `folder`: the median of ADD_ONE_SAMPLES runs,
    each from a copy of the built warehouse; and every sample. `db` is left with the article added."""
    (folder / "extra.jsonl").write_text(json.dumps(EXTRA_ARTICLE) + "\n")
    built = db.with_name(f"{db.stem}.built{db.suffix}")
    assert not db.with_name(db.name + ".wal").exists(), "a finished run leaves no write-ahead log"
    shutil.copyfile(db, built)
    samples = []
    for _ in range(ADD_ONE_SAMPLES):
        shutil.copyfile(built, db)
        samples.append(pipeline(folder, db)[0])
    built.unlink()
    return median(samples), samples


def time_to_first_log_line(env: dict) -> float:
    """Seconds from starting `make run`'s command to the first line it prints (the run goes on to its end)."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "pipelines.run"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first, output = None, []
    for line in process.stdout:
        if first is None and line.strip():
            first = time.perf_counter() - started
        output.append(line)
    if process.wait() != 0 or first is None:
        raise SystemExit("the run with no change failed:\n" + "".join(output)[-3000:])
    return first


def compare_engines(folder: Path, workdir: Path, pipeline, base_env: dict) -> dict:
    """(r): the local path and the Ray path (2 workers, then 1) over the same folder, each from scratch; then one
    article added to the local build, and the first log line of a run with no change after it."""
    from ray.cluster_utils import Cluster

    from devtools.compare import table_differences

    results = {"local": pipeline(folder, workdir / "cluster_local.duckdb")}
    print(f"(r) local path: {results['local'][0]:.1f} s", flush=True)
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    try:
        cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        for workers in (2, 1):
            db = workdir / f"cluster_ray_{workers}.duckdb"
            settings = {"WIREDESK_RAY_ADDRESS": cluster.address, "WIREDESK_RAY_WORKERS": str(workers)}
            results[workers] = pipeline(folder, db, settings)
            print(f"(r) Ray, {workers} worker(s): {results[workers][0]:.1f} s", flush=True)
    finally:
        cluster.shutdown()
    differences = table_differences(workdir / "cluster_local.duckdb", workdir / "cluster_ray_2.duckdb")
    results["differing_rows"] = sum(differences.values())
    results["tables_compared"] = len(differences)
    results["add_one"] = time_add_one(folder, workdir / "cluster_local.duckdb", pipeline)
    print(f"(r) add one to the local build: {results['add_one'][0]:.1f} s {results['add_one'][1]}", flush=True)
    env = {**base_env, "WIREDESK_SEEDS_DIR": str(folder), "WIREDESK_DB": str(workdir / "cluster_local.duckdb")}
    results["first_log_line"] = median(time_to_first_log_line(env) for _ in range(ADD_ONE_SAMPLES))
    print(f"(r) first log line of a run with no change: {results['first_log_line']:.2f} s", flush=True)
    return results


def cluster_rows(articles: int, results: dict) -> list[str]:
    local, two, one = results["local"][0], results[2][0], results[1][0]
    add_one = results["add_one"][0]
    return [
        f"| add one article to the local {articles:,}-article build (median of {ADD_ONE_SAMPLES}) | {add_one:.1f} s = "
        f"{add_one / local:.3f} × that build |",
        f"| first log line of `make run` with no change, the same warehouse (median of {ADD_ONE_SAMPLES}) | "
        f"{results['first_log_line']:.2f} s |",
        f"| Ray path, 2 single-CPU workers, {articles:,} articles | {articles / two:.1f} articles/s ({two:.0f} s), "
        f"{local / two:.2f} × the local path ({articles / local:.1f} articles/s) |",
        f"| Ray path, 1 worker | {articles / one:.1f} articles/s ({one:.0f} s); 2 workers / 1 = {one / two:.2f} × |",
        f"| Ray warehouse vs local, row for row | {results['differing_rows']} rows differ in "
        f"{results['tables_compared']} tables |",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("source", type=Path, help="a folder of articles or a JSONL file with title and body")
    parser.add_argument("--articles", type=int, default=20_000, help="corpus size N (default 20,000)")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (default: a temporary folder)")
    parser.add_argument("--write", type=Path, default=None, help="also write the table into this doc's figures")
    parser.add_argument(
        "--cluster-articles", type=int, default=6_000, help="corpus of the Ray comparison (0: leave it out)"
    )
    parser.add_argument(
        "--publish-sizes",
        type=int,
        nargs="*",
        default=[100_000, 1_000_000],
        help="warehouse sizes to publish 1,000 new articles into (none: leave it out)",
    )
    args = parser.parse_args(argv)

    articles = source_articles(args.source)
    if not articles:
        print(f"no articles with a title and body in {args.source}", file=sys.stderr)
        return 2
    corpus = build_corpus(articles, args.articles)
    small = args.articles // 4
    with tempfile.TemporaryDirectory(prefix="wiredesk-bench-") as scratch:
        workdir = args.workdir or Path(scratch)
        full_folder, small_folder = workdir / "corpus", workdir / "corpus_small"
        write_corpus(corpus, full_folder)
        write_corpus(corpus[:small], small_folder)
        home = workdir / "dagster_home"
        home.mkdir(parents=True, exist_ok=True)
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        base_env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(Path(__file__).resolve().parents[1])}

        def pipeline(folder: Path, db: Path, settings: dict | None = None) -> tuple[float, float]:
            """`make run`'s own command, timed, its process tree's memory sampled (run, workers, validator)."""
            env = {**base_env, "WIREDESK_SEEDS_DIR": str(folder), "WIREDESK_DB": str(db), **(settings or {})}
            run = run_measured([sys.executable, "-m", "pipelines.run"], env=env, timeout=7200)
            if run.returncode != 0:
                raise SystemExit(f"the pipeline failed on {folder}:\n{run.output[-3000:]}")
            return run.seconds, run.peak_rss_mb

        results = {}
        print(f"corpus: {len(corpus)} articles ({len(articles)} distinct sources) in {full_folder}", flush=True)
        results["pipeline"] = pipeline(full_folder, workdir / "full.duckdb")
        print(f"(a) pipeline: {len(corpus) / results['pipeline'][0]:.1f} articles/s", flush=True)
        results["stories"] = time_stories_from_scratch(workdir / "full.duckdb")
        print(f"(s) stories for {len(corpus)} articles from scratch: {results['stories']:.1f}s", flush=True)
        for floor in FLOOR_MODELS:
            command = ["devtools.bench", "--run-floor", str(full_folder), floor]
            results[f"floor_{floor}"] = timed_process(command, base_env)
            print(f"(b) floor, {floor}: {len(corpus) / results[f'floor_{floor}'][0]:.1f} articles/s", flush=True)
        results["add_one"] = time_add_one(full_folder, workdir / "full.duckdb", pipeline)
        print(f"(c) add one:  {results['add_one'][0]:.1f}s {results['add_one'][1]}", flush=True)
        results["small"] = pipeline(small_folder, workdir / "small.duckdb")
        print(f"(d) pipeline on {small}: {small / results['small'][0]:.1f} articles/s", flush=True)
        if args.publish_sizes:
            new_folder = workdir / "corpus_new"
            write_corpus(build_corpus(articles, args.articles + 1000)[args.articles :], new_folder)
            results["publish"] = publish_scale.measure(workdir / "full.duckdb", new_folder, args.publish_sizes, workdir)
        if args.cluster_articles:
            cluster_folder = workdir / "corpus_cluster"
            write_corpus(corpus[: args.cluster_articles], cluster_folder)
            results["cluster"] = compare_engines(cluster_folder, workdir, pipeline, base_env)
        for name, articles_in in HOSTILE_RUNS.items():
            folder = workdir / name
            write_hostile(folder, *articles_in)
            (folder / SEED.name).write_bytes(SEED.read_bytes())
            env = {**base_env, "WIREDESK_SEEDS_DIR": str(folder), "WIREDESK_DB": str(workdir / f"{name}.duckdb")}
            results[name] = run_measured([sys.executable, "-m", "pipelines.run"], env=env, timeout=1800)
            print(f"(e) {name}: {results[name].seconds:.0f} s, peak {results[name].peak_rss_mb:.0f} MB", flush=True)

    pipeline_rate = len(corpus) / results["pipeline"][0]
    floor_rate = len(corpus) / results["floor_shipped"][0]
    small_floor_rate = len(corpus) / results["floor_small"][0]
    add_one_share = results["add_one"][0] / results["pipeline"][0]
    rows = [
        "| measure | value |",
        "|---|---|",
        f"| articles | {len(corpus):,} |",
        f"| pipeline end to end | {pipeline_rate:.1f} articles/s ({results['pipeline'][0]:.0f} s) |",
        f"| floor: the shipped NER model alone, 2 processes | {floor_rate:.1f} articles/s "
        f"({results['floor_shipped'][0]:.0f} s) |",
        f"| pipeline / floor | {pipeline_rate / floor_rate:.2f} |",
        f"| small-model floor: en_core_web_sm tok2vec + ner, 2 processes | {small_floor_rate:.1f} articles/s "
        f"({results['floor_small'][0]:.0f} s) |",
        f"| pipeline / small-model floor | {pipeline_rate / small_floor_rate:.2f} |",
        f"| add one article (median of {ADD_ONE_SAMPLES}) | {results['add_one'][0]:.1f} s = {add_one_share:.3f} × full "
        "build |",
        f"| stories for {len(corpus):,} articles, from scratch | {results['stories']:.1f} s |",
        f"| peak RSS, {len(corpus):,} articles | {results['pipeline'][1]:.0f} MB |",
        f"| peak RSS, {small:,} articles | {results['small'][1]:.0f} MB |",
        f"| RSS ratio | {results['pipeline'][1] / results['small'][1]:.2f} |",
    ]
    if args.cluster_articles:
        rows += cluster_rows(args.cluster_articles, results["cluster"])
    if args.publish_sizes:
        rows += publish_scale.report_rows(results["publish"])
    for name, articles_in in HOSTILE_RUNS.items():
        run = results[name]
        outcome = "succeeded" if run.returncode == 0 else f"failed ({run.returncode})"
        rows.append(
            f"| one run: the seed + {' + '.join(articles_in)} | {run.seconds:.0f} s, peak RSS of the run and its "
            f"workers {run.peak_rss_mb:,.0f} MB, {outcome} |"
        )
    print()
    print("\n".join(rows))
    if args.write:
        write_report(args.write, "bench", "\n".join(rows))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--run-floor"]:
        run_floor_and_report(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
