# wiredesk: `make run` builds the warehouse from seeds/, `make test` runs the tests.
# Needs only python3 (3.11+) and make; everything else installs into .venv from requirements.lock.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PYTHONPATH := $(CURDIR)
export DAGSTER_HOME := $(CURDIR)/dagster_home
export GX_ANALYTICS_ENABLED := False

.PHONY: install run test ui lint format sql eval bench train-ner train-topics train-tone reset clean

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

test: install
	$(BIN)/python -m pytest

ui: install
	$(BIN)/python -m pipelines.ui

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The warehouse, its reports and the run history; the installed .venv stays.
reset:
	rm -rf data $(filter-out $(DAGSTER_HOME)/dagster.yaml,$(wildcard $(DAGSTER_HOME)/*))

clean: reset
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

EVAL_DIR ?= ../shared/eval
EVAL_REUTERS ?= $(EVAL_DIR)/reuters21578-train.jsonl
EVAL_COMMODITY_NEWS ?= $(EVAL_DIR)/commodity-news-corpus/annotated.jsonl
EVAL_CONLL ?= $(EVAL_DIR)/conll2003-validation.jsonl
EVAL_CONLL_TRAIN ?= $(EVAL_DIR)/conll2003-train.jsonl
eval: install
	$(BIN)/python -m devtools.evaluate --conll $(EVAL_CONLL) --reuters $(EVAL_REUTERS) --commodity-news $(EVAL_COMMODITY_NEWS) --conll-train $(EVAL_CONLL_TRAIN) $(EVAL_ARGS)

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
	$(BIN)/python -m devtools.bench $(BENCH_SOURCE) --articles $(BENCH_ARTICLES) $(BENCH_ARGS)

sql: install
	$(BIN)/python -m wiredesk.cli sql $(if $(MODE),--mode $(MODE)) $(if $(Q),-c "$(Q)")
