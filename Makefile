# Two entry points: `make lab` (JupyterLab over the sample data) and `make test`.
# `make docs` builds the documentation site into site/; `make package` tries the built wheel.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup lab dashboard session test lint typecheck unit docs package clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[notebook,dev,docs]'
	touch $(STAMP)

setup: $(STAMP)

# JupyterLab on notebooks/ (http://127.0.0.1:$(LAB_PORT)/, the token is printed); root may run it.
LAB_PORT ?= 8888
LAB_ARGS ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 \
		--ServerApp.port=$(LAB_PORT) $(ROOT_FLAG) $(LAB_ARGS)

# The action dashboard as a standalone web app on http://127.0.0.1:8866/ (Ctrl-C to stop), over
# any folder: `make dashboard DATA=path/to/postmortems AS_OF=YYYY-MM-DD` (AS_OF: today, or the
# sample's last day for the sample).
DASHBOARD_PORT ?= 8866
DATA ?= data/sample
AS_OF ?= $(if $(filter data/sample,$(DATA)),2026-10-31,)
dashboard: setup
	$(BIN)/python -m pmanalytics dashboard serve $(DATA) --port=$(DASHBOARD_PORT) \
		$(if $(AS_OF),--as-of=$(AS_OF),)

# A review with the team: one personal join link per person, printed (Ctrl-C to stop).
#   make session POSTMORTEM="reviews/PM2024-001 - Nodes.md" PARTICIPANTS=ana,bo MINUTES=45
SESSION_PORT ?= 8866
session: setup
	$(BIN)/pmanalytics session serve "$(POSTMORTEM)" --port=$(SESSION_PORT) \
		$(if $(PARTICIPANTS),--participants="$(PARTICIPANTS)") \
		$(if $(FACILITATOR),--facilitator="$(FACILITATOR)") $(if $(MINUTES),--minutes=$(MINUTES))

LINTED := pmanalytics tests benchmarks data docs/hooks.py .ci/check_package.py
lint: setup
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

typecheck: setup
	$(BIN)/mypy

# The thorough Hypothesis profile (tests/conftest.py); plain `pytest` runs the fast one.
unit: setup
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest

# Strict: a warning (a broken link, a missing page, a failing notebook) fails the build
# (not --quiet: it hides warnings from the strict check).
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# Build the sdist and wheel, install the wheel into a fresh virtualenv outside the tree, try it.
package: setup
	$(BIN)/python .ci/check_package.py

test: lint typecheck unit docs

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis site .cache/mkdocs-jupyter
