# Two entry points: `make lab` (JupyterLab over the sample data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup lab dashboard test lint typecheck unit clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[notebook,dev]'
	touch $(STAMP)

setup: $(STAMP)

# JupyterLab on notebooks/ (http://127.0.0.1:$(LAB_PORT)/, the token is printed); root may run it.
LAB_PORT ?= 8888
LAB_ARGS ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 \
		--ServerApp.port=$(LAB_PORT) $(ROOT_FLAG) $(LAB_ARGS)

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
