# The two commands of the README: `make run` and `make test`. Each installs what it needs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BDC := $(VENV)/bin/bdc
STAMP := $(VENV)/.installed-stamp
APT_PACKAGES := chromium postgresql poppler-utils

.PHONY: run test install system-deps lint test-python test-js bench demo-reset gallery

run: install
	$(BDC) init-db
	$(BDC) demo --if-empty
	$(BDC) serve

test: install system-deps node_modules/.installed-stamp lint test-js test-python

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# Debian packages the tests need: a real Chromium and a real PostgreSQL server.
system-deps:
	@if command -v chromium >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	    && command -v pdftoppm >/dev/null; then :; else \
	  echo "Installing $(APT_PACKAGES) with apt-get"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) \
	    apt-get install -y -qq $(APT_PACKAGES) >/dev/null; fi

node_modules/.installed-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test-js: node_modules/.installed-stamp
	node --test tests/js/

# The whole suite on a SQLite file, then again on a private PostgreSQL server. The schemathesis
# contract run (tests/api/test_contract.py, a few minutes) is part of the SQLite pass.
test-python: install system-deps
	$(PY) -m pytest
	scripts/with-postgres.sh $(PY) -m pytest -m "not contract"

bench: install system-deps
	$(PY) bench/sync_ingest.py
	$(PY) bench/measure_more.py
	$(PY) bench/sync_faults.py
	$(PY) bench/analysis.py
	$(PY) bench/load.py
	$(PY) bench/id_order.py
	$(PY) bench/report.py
	$(PY) bench/pwa_tap.py
	$(PY) bench/contract_fuzz.py

# Every chart kind and every report page of the demo caseload as PNGs in gallery/ (docs/graphs.md).
gallery: install system-deps
	$(PY) scripts/gallery.py --out gallery
