# Two commands do everything on a fresh machine with Python 3.11: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
SCALE ?=
SEED ?= 42
LANDING ?= $(CURDIR)/landing
WAREHOUSE ?= $(CURDIR)/warehouse

export PATH := $(BIN):$(PATH)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
export PEERWH_LANDING_DIR ?= $(LANDING)
export PEERWH_WAREHOUSE_DIR ?= $(WAREHOUSE)

.PHONY: run test test-fast dashboard ui lint bench venv chromium clean

# --compile-bytecode: every process (dbt, Dagster, Streamlit, each test's dbt run) then loads
# compiled modules, also where PYTHONDONTWRITEBYTECODE keeps Python from caching them itself
# (importing Great Expectations: 4.6 s from source, 1.7 s compiled).
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

venv: $(VENV)/.installed

$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME) && touch $@

## make run: environment, sample feeds, the whole warehouse; then says where to look.
run: venv $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/peerwh generate --out $(LANDING) --scale $(or $(SCALE),small) --seed $(SEED)
	$(BIN)/peerwh run --landing $(LANDING) --warehouse $(WAREHOUSE)
	@echo
	@echo "Done. Where to look:"
	@echo "  dashboard:       make dashboard    (http://localhost:8501; demo sign-in as state analyst,"
	@echo "                                     PEERWH_AUTH=users make dashboard for real roles)"
	@echo "  Dagster UI:      make ui           (http://localhost:3000)"
	@echo "  warehouse:       $(WAREHOUSE)/warehouse.duckdb"
	@echo "  snapshot:        $(WAREHOUSE)/serving/$$(cat $(WAREHOUSE)/serving/current)"
	@echo "  GX Data Docs:    $(WAREHOUSE)/gx/gx/uncommitted/data_docs/local_site/index.html"
	@echo "  dbt docs:        $(WAREHOUSE)/dbt_docs/index.html"
	@echo "  annual report:   $(WAREHOUSE)/reports/  (peerwh report --year YYYY for another year)"

## make test: environment, Debian chromium if missing, every test.
test: venv chromium
	$(BIN)/python -m pytest -q

## make test-fast: the unit tests only (no warehouse build, no browser), under two minutes.
test-fast: venv
	$(BIN)/python -m pytest -q -m unit

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

## make dashboard: demo mode unless PEERWH_AUTH=users (then sign in from PEERWH_USERS_FILE).
dashboard: venv
	PEERWH_AUTH=$${PEERWH_AUTH:-none} $(BIN)/peerwh dashboard --warehouse $(WAREHOUSE)

ui: venv $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dg dev

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd dbt_project && $(BIN)/sqlfluff lint models

## make bench SCALE=medium|large: timings of every stage and of every dashboard page, in one run.
## SCREENSHOTS=1 also refreshes the page screenshots the docs link to (dashboards/screenshots/).
bench: venv chromium
	$(BIN)/python tests/bench/run_bench.py --scale $(or $(SCALE),medium) \
	  $(if $(SCREENSHOTS),--screenshots $(CURDIR)/dashboards/screenshots)

clean:
	rm -rf $(WAREHOUSE) $(LANDING) dbt_project/target
