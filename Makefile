# SEND Hub: `make demo` and `make test` do all set-up on a fresh Debian/Ubuntu machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/sendhub
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
export SENDHUB_DEMO_BANNER ?= 1

.PHONY: demo test test-sqlite test-postgres install install-test assets node-deps pdf-deps system-deps lint bench load migrate clean
LOAD_DB_URL ?= postgres://postgres@127.0.0.1:5432/sendhub_load
LOAD_ARGS ?=

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,load]'

# Node.js and npm build the front-end assets (GOV.UK Frontend from the npm registry).
node-deps:
	@command -v npm >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm; }

node_modules/.package-lock.json: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

assets: node-deps node_modules/.package-lock.json
	npm run --silent build

# WeasyPrint (monitoring pack PDFs) needs Pango and a font with the usual metrics.
pdf-deps:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && [ -d /usr/share/fonts/truetype/liberation ]; } || { $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation; }

# Debian's Chromium drives the browser tests (Playwright must not download a browser of its own).
system-deps: node-deps pdf-deps
	@[ -x /usr/bin/chromium ] || { $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

migrate: install assets
	SENDHUB_DEBUG=1 $(BIN)/sendhub migrate --noinput

demo: pdf-deps install assets
	SENDHUB_DEBUG=1 $(BIN)/sendhub migrate --noinput
	SENDHUB_DEBUG=1 $(BIN)/sendhub demo load
	SENDHUB_DEBUG=1 $(BIN)/sendhub runserver 127.0.0.1:8000

# Each run spreads its test files over two processes (pytest-xdist; a file's tests stay together, so module
# fixtures such as a loaded demo are built once); PYTEST_PARALLEL= runs them in one process.
PYTEST_PARALLEL ?= -n 2 --dist loadfile

# Lint, then the SQLite run (with the browser journeys) and the PostgreSQL run side by side: each is mostly one
# Python process waiting on its database, so on two cores together they take little longer than the slower one.
# Each run's output is printed whole when it ends.
test: system-deps install-test assets
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite:
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_PARALLEL)

# The same suite, less the browser journeys, against PostgreSQL (DATABASE_URL).
test-postgres:
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -p no:cacheprovider -m "not browser" $(PYTEST_PARALLEL)

# ruff (with its bandit-derived S rules) over everything; import-linter's contracts (.importlinter: the apps' layers,
# no import cycles, selectors never import services); and bandit over the product code: findings of medium
# severity or above fail; each reviewed exception is marked "# nosec <id>" with its reason beside it.
lint:
	$(BIN)/ruff check src tests bench
	PYTHONPATH=src $(BIN)/lint-imports  # this checkout's code, whichever one the virtualenv was installed from
	$(BIN)/bandit --quiet --recursive src --severity-level medium --confidence-level medium

bench: install-test assets
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/monitoring_pack.py

# The load run of issue 7 (100 users, 5 minutes; LOAD_ARGS="--users 10 --time 30s" for a smoke run): rebuilds the
# database LOAD_DB_URL, scales the demo to a large county, serves it with gunicorn and a worker on 127.0.0.1 only,
# runs locust headless and fails if p95 >= 300 ms or any request failed.
load: pdf-deps install assets
	$(BIN)/pip install --quiet -e '.[load]'
	$(BIN)/python bench/load/run.py --database-url $(LOAD_DB_URL) $(LOAD_ARGS)

clean:
	rm -rf $(VENV) node_modules var src/sendhub/web/static/sendhub/sendhub.css src/sendhub/web/static/sendhub/govuk-frontend.min.js
