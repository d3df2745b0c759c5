# Two commands for a new user: `make run` and `make test`. Everything else is built on demand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CAMPAIGN := $(BIN)/campaign
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run serve test test-sqlite test-postgres browser-deps fonts bench-dashboard clean

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

## Debian's chromium for the browser tests (Playwright cannot download its own here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## Debian's DejaVu fonts: the Unicode TTF font of the delivery PDF.
fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { \
	  echo "installing Debian's DejaVu fonts for the delivery PDF"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; }

## Dashboard and CSV export with 1,000,000 signatures, on SQLite and (when reachable) PostgreSQL.
bench-dashboard: install
	$(BIN)/python benchmarks/bench_dashboard.py

## The whole suite on SQLite, then on PostgreSQL when CAMPAIGN_TEST_DATABASE_URL is set.
test: install browser-deps fonts
	$(BIN)/pytest -q
	@if [ -n "$$CAMPAIGN_TEST_DATABASE_URL" ]; then \
	  echo "== again on $$CAMPAIGN_TEST_DATABASE_URL"; \
	  CAMPAIGN_TEST_BACKEND=postgresql $(BIN)/pytest -q -m "not backend_independent"; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache
