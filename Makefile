# Two commands for a new user: `make run` and `make test`. Everything else is built on demand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CAMPAIGN := $(BIN)/campaign
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run serve test test-sqlite test-postgres browser-deps clean fuzz lint-security \
        scan scan-deps

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

## The whole suite on SQLite, then on PostgreSQL when CAMPAIGN_TEST_DATABASE_URL is set.
test: install browser-deps
	$(BIN)/pytest -q
	@if [ -n "$$CAMPAIGN_TEST_DATABASE_URL" ]; then \
	  echo "== again on $$CAMPAIGN_TEST_DATABASE_URL"; \
	  CAMPAIGN_TEST_BACKEND=postgresql $(BIN)/pytest -q -m "not backend_independent"; \
	fi

## Property-based attack on every public route: 10,000+ inputs, prints the count and the 500s.
fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-650} $(BIN)/pytest -q -s tests/test_fuzz.py

## Static security checks: bandit (medium and high fail) and semgrep with the local rules only.
lint-security: install
	$(BIN)/bandit -c pyproject.toml -r campaign -ll -q
	$(BIN)/semgrep scan --metrics=off --disable-version-check --config .semgrep/ --error --quiet \
	  campaign templates $$(test -d letters && echo letters)

## Debian's wapiti for `make scan`.
scan-deps:
	@command -v wapiti >/dev/null 2>&1 || { \
	  echo "installing Debian's wapiti"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wapiti >/dev/null; }

## wapiti against the app on 127.0.0.1 (csrf, headers, cookies, csp, xss, sql, crlf, redirect).
scan: install scan-deps
	bash scripts/security-scan.sh

clean:
	rm -rf $(VENV) .pytest_cache
