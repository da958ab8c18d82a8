# lagesbild — the two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_HOME := .tools
UV := $(UV_HOME)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format generate clean system-deps server serve serve-reports stop

# YEAR=2024 make run adds that year's edition beside the others; KOMMUN=Lund make run another municipality.
run: $(STAMP)
	$(BIN)/lagesbild run $(if $(KOMMUN),--kommun "$(KOMMUN)") $(if $(YEAR),--year $(YEAR))

# `make run` starts a local Prefect server on first use (127.0.0.1, data in .prefect/) and reuses it.
stop: $(STAMP)
	$(BIN)/lagesbild stop-server

# The report site (reports/out/) on http://127.0.0.1:8000/ until stopped.
serve-reports: $(STAMP)
	$(BIN)/lagesbild serve-reports

test: $(STAMP) system-deps
	$(BIN)/pytest

# The Prefect server and UI (http://127.0.0.1:4200), data in .prefect/. Leave it running; then `make serve`.
server: $(STAMP)
	PREFECT_HOME=$(CURDIR)/.prefect $(BIN)/prefect server start

# Serves the monthly refresh and the yearly lägesbild (Europe/Stockholm) to that server until stopped.
# KOMMUN=Lund make serve schedules another municipality.
serve: $(STAMP)
	PREFECT_HOME=$(CURDIR)/.prefect PREFECT_API_URL=$${PREFECT_API_URL:-http://127.0.0.1:4200/api} \
	  $(BIN)/python -m flows.pipeline.deploy "$${KOMMUN:-Malmö}"

lint: $(STAMP)
	$(BIN)/ruff check flows tests
	$(BIN)/ruff format --check flows tests

format: $(STAMP)
	$(BIN)/ruff format flows tests
	$(BIN)/ruff check --fix flows tests

# Rewrites the synthetic demo files in data/raw/ (deterministic: same seed, same bytes).
generate: $(STAMP)
	$(BIN)/lagesbild generate

$(UV):
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install --quiet uv==0.13.9

$(STAMP): $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) UV_COMPILE_BYTECODE=1 $(UV) sync --frozen --python $(PYTHON)
	touch $(STAMP)

# pdftotext (poppler-utils) lets the tests read the text of the generated PDFs; Debian's chromium is the
# browser the accessibility test drives (axe-core, 1 280 and 390 px).
SYSTEM_PACKAGES := $(if $(shell command -v pdftotext),,poppler-utils) $(if $(shell command -v chromium),,chromium)
system-deps:
	@if [ -n "$(strip $(SYSTEM_PACKAGES))" ]; then \
	  echo "installing $(strip $(SYSTEM_PACKAGES))"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	fi

clean:
	-$(BIN)/lagesbild stop-server 2>/dev/null
	rm -rf $(VENV) $(UV_HOME) reports/out data/curated/*.duckdb data/curated/*.parquet .prefect

# Benchmarks on generated national-scale data and whole runs on the bundled data (nothing is committed);
# prints rows/s, seconds and memory. `make bench BATCH="Skåne län"` times a county instead of all 290.
bench: $(STAMP)
	$(BIN)/python -m flows.bench
	$(BIN)/python -m flows.bench_runs "$(or $(BATCH),all)"
