# Two commands for a new user: `make run` and `make test`. Everything else is built on demand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CAMPAIGN := $(BIN)/campaign
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run serve test test-sqlite test-postgres browser-deps bench bench-deps clean

# The virtual environment is rebuilt whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## Set up, migrate, load the demo and serve it at http://127.0.0.1:5000
run: install
	$(CAMPAIGN) db upgrade
	$(CAMPAIGN) demo
	$(CAMPAIGN) run --host $(HOST) --port $(PORT)

## Production server: gunicorn with WORKERS processes on HOST:PORT (see gunicorn.conf.py and
## "Running at scale" in the README); migrates first. Start `campaign worker` beside it.
WORKERS ?= 2
serve: install
	$(CAMPAIGN) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py --workers $(WORKERS) --bind $(HOST):$(PORT)

## Debian's wrk, the load generator of the benchmarks.
bench-deps:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "installing Debian's wrk for the benchmarks"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

## The signing benchmark (SQLite, then PostgreSQL + Redis), then the 1,000,000-signature one.
## Figures are printed and written to instance/bench.json and instance/bench_million.json.
BENCH_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/0
bench: install bench-deps
	$(BIN)/python benchmarks/bench_signing.py --postgres-url '$(BENCH_POSTGRES_URL)' --redis-url '$(BENCH_REDIS_URL)'
	$(BIN)/python benchmarks/bench_million.py --postgres-url '$(BENCH_POSTGRES_URL)' --redis-url '$(BENCH_REDIS_URL)'

## Debian's chromium for the browser tests (Playwright cannot download its own here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## The whole suite on SQLite, then on PostgreSQL when CAMPAIGN_TEST_DATABASE_URL is set.
test: install browser-deps
	$(BIN)/pytest -q
	@if [ -n "$$CAMPAIGN_TEST_DATABASE_URL" ]; then \
	  echo "== again on $$CAMPAIGN_TEST_DATABASE_URL"; \
	  CAMPAIGN_TEST_BACKEND=postgresql $(BIN)/pytest -q -m "not backend_independent"; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache
