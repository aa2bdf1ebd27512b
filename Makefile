# paceqi — set-up and the README commands. Every target creates .venv when it is absent.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PACEQI := $(VENV)/bin/paceqi
SEED   ?= 20140101
DATA   ?= data/synthetic
OUT    ?= reports
JOBS   ?= 2

.DEFAULT_GOAL := help
.PHONY: help reports test lint format typecheck lab notebooks bench clean pg

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

$(VENV)/.ok-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "paceqi needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	@touch $@

$(VENV)/.ok-run: $(VENV)/.ok-python pyproject.toml
	$(PY) -m pip install -q -e ".[cluster]"
	@touch $@

$(VENV)/.ok-test: $(VENV)/.ok-python pyproject.toml
	$(PY) -m pip install -q -e ".[test]"
	@touch $@ $(VENV)/.ok-run

$(VENV)/.ok-lab: $(VENV)/.ok-test
	$(PY) -m pip install -q -e ".[lab,test]"
	$(PY) -m ipykernel install --sys-prefix --name paceqi --display-name "Python (paceqi)"
	@touch $@

reports: $(VENV)/.ok-run  ## generate the synthetic demo data and run every demo report
	$(PACEQI) synth --out $(DATA) --seed $(SEED)
	$(PACEQI) pdsa import $(DATA)/pdsa/*.yaml --db workspace/paceqi.db
	$(PACEQI) batch parameters/batch/demo.yaml --out $(OUT) --jobs $(JOBS)
	@echo "Reports index: $(abspath $(OUT))/index.html"

test: $(VENV)/.ok-test  ## run the whole test suite (lint and format check included)
	$(VENV)/bin/ruff check paceqi tests benchmarks
	$(VENV)/bin/ruff format --check paceqi tests benchmarks
	$(PY) -m pytest

lint: $(VENV)/.ok-test  ## ruff lint and format check
	$(VENV)/bin/ruff check paceqi tests benchmarks
	$(VENV)/bin/ruff format --check paceqi tests benchmarks

format: $(VENV)/.ok-test  ## apply ruff formatting and safe fixes
	$(VENV)/bin/ruff check --fix paceqi tests benchmarks
	$(VENV)/bin/ruff format paceqi tests benchmarks

lab: $(VENV)/.ok-lab  ## JupyterLab with the project's kernel registered
	$(VENV)/bin/jupyter lab notebooks

bench: $(VENV)/.ok-test  ## run the benchmarks in benchmarks/ (not part of make test)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

pg:  ## start a local PostgreSQL for the store tests (export PACEQI_TEST_PG_URL as printed)
	bash .ci/start-postgres.sh
	@echo 'export PACEQI_TEST_PG_URL=postgresql+psycopg://paceqi@127.0.0.1:54329/paceqi_test'

clean:  ## remove generated data, reports and caches (keeps .venv)
	rm -rf $(OUT) $(DATA) .pytest_cache .ruff_cache
