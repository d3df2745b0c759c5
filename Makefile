# Two commands for a new user: `make run` and `make test`. Everything else is built on demand.
SHELL := /bin/bash
# The interpreter the virtual environment is made from: the distribution's python3 when it is
# 3.11 or newer and can make one, else the first python3 on PATH; `make PYTHON=... install`
# picks another. Debian's is built with profile-guided and link-time optimisation and links
# libpython into the executable; pyenv's default build does neither. A signature took 12 % fewer
# instructions under Debian's 3.11.2 than under pyenv's 3.11.7 (callgrind, SQLite, in process).
PYTHON ?= $(firstword $(foreach candidate,/usr/bin/python3 python3,$(shell $(candidate) -c \
  'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $(candidate))))
VENV := .venv
BIN := $(VENV)/bin
CAMPAIGN := $(BIN)/campaign
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run serve test test-sqlite test-postgres browser-deps browser-fonts letter-fonts \
        test-tools translations bench bench-deps bench-ingest bench-dashboard bench-who-asks bench-mail clean fuzz \
        lint-security scan scan-deps

# The virtual environment is rebuilt whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Gettext catalogues: the .po files are kept in git, the .mo files are compiled from them here.
TRANSLATIONS := campaign/translations
COMPILED_CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

install: $(VENV)/.installed $(COMPILED_CATALOGUES)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -l $* -i $< -o $@

## Extract the strings of pages and emails, merge them into every catalogue, compile them.
## New strings arrive untranslated (or fuzzy when close to an old one): tests fail until translated.
translations: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output \
	  -k _l -k lazy_gettext -k lazy_ngettext:1,2 --project=campaign --version=0.1.0 \
	  --copyright-holder="the Campaign Toolkit contributors" --msgid-bugs-address="" \
	  -o $(TRANSLATIONS)/messages.pot campaign templates $(wildcard letters)
	$(BIN)/pybabel -q update --ignore-obsolete -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

## Set up, migrate, load the demo and serve it at http://127.0.0.1:5000
run: install letter-fonts
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
BENCH_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/0
bench: install bench-deps
	$(BIN)/python benchmarks/bench_signing.py --postgres-url '$(BENCH_POSTGRES_URL)' --redis-url '$(BENCH_REDIS_URL)'
	$(BIN)/python benchmarks/bench_million.py --postgres-url '$(BENCH_POSTGRES_URL)' --redis-url '$(BENCH_REDIS_URL)'

## Debian's chromium for the browser tests (Playwright cannot download its own here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## Dashboard and CSV export with 1,000,000 signatures, on SQLite and (when reachable) PostgreSQL.
bench-dashboard: install
	$(BIN)/python benchmarks/bench_dashboard.py

## Whether the time of an answer tells who has signed: first vs repeat signature, known vs
## unknown address asking for its data (SQLite and PostgreSQL).
bench-who-asks: install
	$(BIN)/python benchmarks/bench_who_asks.py --postgres-url '$(BENCH_POSTGRES_URL)'

## How fast the worker drains a surge's confirmation emails (SQLite and PostgreSQL; plain SMTP
## and STARTTLS with a login); figures in instance/bench_mail.json.
bench-mail: install
	$(BIN)/python benchmarks/bench_mail.py --postgres-url '$(BENCH_POSTGRES_URL)'

## DejaVu, the Unicode TTF font printed letters (PDF) are set in.
letter-fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { \
	  echo "installing the DejaVu fonts for printed letters"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; }

## Fonts that cover Uyghur (Noto Naskh/Sans Arabic) so that screenshots show real letters.
browser-fonts:
	@dpkg -s fonts-noto-core >/dev/null 2>&1 || { \
	  echo "installing Debian's Noto fonts for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core >/dev/null; }

## axe-core from the npm registry, pinned by package-lock.json, for the accessibility tests.
test-tools: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## The whole suite on SQLite, then on PostgreSQL when CAMPAIGN_TEST_DATABASE_URL is set.
test: install browser-deps browser-fonts letter-fonts test-tools
	$(BIN)/pytest -q
	@if [ -n "$$CAMPAIGN_TEST_DATABASE_URL" ]; then \
	  echo "== again on $$CAMPAIGN_TEST_DATABASE_URL"; \
	  CAMPAIGN_TEST_BACKEND=postgresql $(BIN)/pytest -q -m "not backend_independent"; \
	fi

.PHONY: eval bench-extract

## Call extraction quality: P/R/F1 on ../shared/seeds (when present) and our labelled sets (tests/data/).
eval: install
	$(BIN)/python -m campaign.ingest.evaluate $(if $(wildcard ../shared/seeds/calls.jsonl),../shared/seeds/calls.jsonl) \
	  tests/data/calls/calls.jsonl tests/data/calls_heldout/calls.jsonl \
	  tests/data/calls_blind/calls.jsonl tests/data/calls_unseen/calls.jsonl

## Time the call extractor on a ~1 MB document (the issue asks for under 2 s).
bench-extract: install
	$(BIN)/python benchmarks/bench_extract.py

## Time to read and store a 1 MB document in each format (text, Markdown, HTML, PDF, DOCX).
bench-ingest: install
	$(BIN)/python benchmarks/bench_ingest.py

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
	rm -rf $(VENV) .pytest_cache node_modules $(TRANSLATIONS)/*/LC_MESSAGES/messages.mo
