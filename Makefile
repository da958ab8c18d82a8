# lagesbild — the two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_HOME := .tools
UV := $(UV_HOME)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format generate clean system-deps server serve

run: $(STAMP)
	$(BIN)/lagesbild run

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
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --python $(PYTHON)
	touch $(STAMP)

# pdftotext (poppler-utils) lets the tests read the text of the generated PDFs.
system-deps:
	@command -v pdftotext >/dev/null || { \
	  echo "installing poppler-utils (pdftotext)"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq poppler-utils >/dev/null; fi; }

clean:
	rm -rf $(VENV) $(UV_HOME) reports/out data/curated/*.duckdb data/curated/*.parquet .prefect

# Benchmarks on generated national-scale data (nothing is committed); prints rows/s, seconds and memory.
bench: $(STAMP)
	$(BIN)/python -m flows.bench
