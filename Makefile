# Two entry points: `make lab` (JupyterLab over the sample data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup lab voila dashboard test lint typecheck unit browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[notebook,dev]'
	touch $(STAMP)

setup: $(STAMP)

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks

# The action dashboard as a standalone web app on http://127.0.0.1:8866/ (Ctrl-C to stop).
DASHBOARD_PORT ?= 8866
dashboard: setup
	cd notebooks && ../$(BIN)/voila 04-action-dashboard.ipynb --Voila.ip=127.0.0.1 \
		--port=$(DASHBOARD_PORT) --show_tracebacks=True

lint: setup
	$(BIN)/ruff check pmanalytics tests benchmarks data
	$(BIN)/ruff format --check pmanalytics tests benchmarks data

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/python -m pytest

test: lint typecheck unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
