# wiredesk: `make run` builds the warehouse from seeds/, `make test` runs the tests.
# Needs only python3 (3.11+) and make; everything else installs into .venv from requirements.lock.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Settings set in the environment win: `DAGSTER_HOME=/elsewhere make run` runs in that instance.
export PYTHONPATH := $(CURDIR)
export DAGSTER_HOME ?= $(CURDIR)/dagster_home
export GX_ANALYTICS_ENABLED ?= False

.PHONY: install run test test-fast ui lint format docs sql export rebuild eval bench train-ner train-topics train-tone reset clean

install: $(STAMP)

# uv installs the lock in seconds where pip takes minutes; both check every hash. pip is the fallback where no
# uv wheel fits the platform.
$(STAMP): requirements.lock requirements-bootstrap.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "wiredesk needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	@echo "installing the locked dependencies into $(VENV) ..."
	if $(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-bootstrap.lock; then \
		$(BIN)/uv pip install --require-hashes --no-deps --compile-bytecode --python $(BIN)/python -r requirements.lock \
		&& $(BIN)/uv pip check --python $(BIN)/python; \
	else \
		$(BIN)/pip install --disable-pip-version-check --require-hashes --no-deps -r requirements.lock && $(BIN)/pip check; \
	fi
	@touch $@

run: install
	$(BIN)/python -m pipelines.run
	$(BIN)/python -m wiredesk.cli counts

# The whole suite, as CI runs it; test-fast leaves out the slow tier (runs that are killed, raced, measured for
# memory or serve the UI, and the longest builds).
test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow"

ui: install
	$(BIN)/python -m pipelines.ui

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# docs/warehouse.md from the DDL's comments (a test checks it is current).
docs: install
	$(BIN)/python -m devtools.warehouse_doc --write docs/warehouse.md

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The warehouse, its reports and the run history; the installed .venv stays.
reset:
	rm -rf data $(filter-out $(CURDIR)/dagster_home/dagster.yaml,$(wildcard $(CURDIR)/dagster_home/*))

clean: reset
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

EVAL_DIR ?= ../shared/eval
EVAL_REUTERS ?= $(EVAL_DIR)/reuters21578-train.jsonl
EVAL_COMMODITY_NEWS ?= $(EVAL_DIR)/commodity-news-corpus/annotated.jsonl
EVAL_CONLL ?= $(EVAL_DIR)/conll2003-validation.jsonl
EVAL_CONLL_2020 ?= $(EVAL_DIR)/conllpp-2020-dev.jsonl
EVAL_CONLL_TRAIN ?= $(EVAL_DIR)/conll2003-train.jsonl
eval: install
	$(BIN)/python -m devtools.evaluate --conll-2020 $(EVAL_CONLL_2020) --conll $(EVAL_CONLL) --reuters $(EVAL_REUTERS) --commodity-news $(EVAL_COMMODITY_NEWS) --conll-train $(EVAL_CONLL_TRAIN) --write docs/quality.md $(EVAL_ARGS)

# Rebuilds models/wiredesk_news_ner from CoNLL-2003's training split (about 15 min on 2 cores).
train-ner: install
	$(BIN)/python -m devtools.train_ner $(EVAL_CONLL_TRAIN) $(TRAIN_ARGS)

# Rebuilds models/primary_commodity from Reuters-21578's TOPICS (builds the warehouse first; about 2 min).
# TRAIN_ARGS="--learning-curve" prints grouped-CV F1 against the share of training stories instead.
train-topics: install
	$(BIN)/python -m devtools.train_topics $(EVAL_REUTERS) $(TRAIN_ARGS)

# Rebuilds models/tone from the hand labels in devtools/data (builds the Reuters warehouse first; about 2 min).
train-tone: install
	$(BIN)/python -m devtools.train_tone $(EVAL_REUTERS) $(TRAIN_ARGS)

BENCH_SOURCE ?= $(EVAL_DIR)
BENCH_ARTICLES ?= 20000
bench: install
	$(BIN)/python -m devtools.bench $(BENCH_SOURCE) --articles $(BENCH_ARTICLES) --write docs/performance.md $(BENCH_ARGS)

# Q reaches the shell untouched: make's $(value) keeps its `$`, single quotes keep the shell off its quotes,
# `$` and backticks, and the query travels in WIREDESK_SQL.
sql: install
	@WIREDESK_SQL='$(subst ','\'',$(value Q))' $(BIN)/python -m wiredesk.cli sql $(if $(MODE),--mode $(MODE))

# make export OUT=folder [TABLES="articles v_top_entities"] [FORMAT=csv]: Parquet (or CSV) files of tables or views.
OUT ?= exports
export: install
	$(BIN)/python -m wiredesk.cli export --to "$(OUT)" $(if $(FORMAT),--format $(FORMAT)) $(TABLES)

# A new warehouse built from the articles folder beside the old one, swapped in only once it is complete.
rebuild: install
	$(BIN)/python -m pipelines.run --rebuild
