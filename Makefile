# paceqi — set-up and the README commands. Every target creates .venv when it is absent.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PACEQI := $(VENV)/bin/paceqi
SEED   ?= 20140101
DATA   ?= data/synthetic
OUT    ?= reports
JOBS   ?= 2
# the PDSA store the demo cycles go into and the reports read: $PACEQI_DB when set (as for every
# paceqi command; the demo manifest says ${PACEQI_DB:-workspace/paceqi.db} too)
PDSA_DB = $(or $(PACEQI_DB),workspace/paceqi.db)
# make workshop: where Voilà listens (HOST=0.0.0.0 lets the room's laptops connect)
HOST   ?= 127.0.0.1
PORT   ?= 8866

.DEFAULT_GOAL := help
.PHONY: help reports test lint format typecheck lab notebooks bench clean pg workshop

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

# The venv's own pip (bundled with Python >= 3.11) installs everything here: no upgrade step.
$(VENV)/.ok-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "paceqi needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	@touch $@

# What `make reports` needs and nothing more (the notebooks extra, which includes the PDSA
# store; no Dask, no test tools). --no-compile: Python compiles only the modules a run imports,
# on first import, instead of all of site-packages. That relies on Python writing its byte-code:
# with PYTHONDONTWRITEBYTECODE set in the shell, every process (each report kernel too) would
# compile pandas, SciPy and SQLAlchemy from source again (about 3 s of CPU each), so the
# project's own recipes let Python keep the byte-code of .venv and paceqi.
unexport PYTHONDONTWRITEBYTECODE
$(VENV)/.ok-run: $(VENV)/.ok-python pyproject.toml
	$(PY) -m pip install -q --no-compile -e ".[notebooks]"
	@touch $@

# Dask distributed, for `paceqi batch --executor dask` / `--scheduler` (docs/batch.md)
$(VENV)/.ok-cluster: $(VENV)/.ok-run
	$(PY) -m pip install -q -e ".[cluster]"
	@touch $@

$(VENV)/.ok-test: $(VENV)/.ok-python pyproject.toml
	$(PY) -m pip install -q -e ".[test]"
	@touch $@ $(VENV)/.ok-run $(VENV)/.ok-cluster

$(VENV)/.ok-lab: $(VENV)/.ok-test
	$(PY) -m pip install -q -e ".[lab,test]"
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)"
	@touch $@

$(VENV)/.ok-workshop: $(VENV)/.ok-python pyproject.toml
	$(PY) -m pip install -q -e ".[workshop]"
	@touch $@

reports: $(VENV)/.ok-run  ## generate the synthetic demo data and run every demo report
	$(PACEQI) synth --out $(DATA) --seed $(SEED)
	$(PACEQI) pdsa import $(DATA)/pdsa/*.yaml --db '$(PDSA_DB)'
	$(PACEQI) batch parameters/batch/demo.yaml --out $(OUT) --jobs $(JOBS)
	@echo "Reports index: $(abspath $(OUT))/index.html"

test: $(VENV)/.ok-test  ## run the whole test suite (lint, format check and mypy included)
	$(VENV)/bin/ruff check paceqi tests benchmarks
	$(VENV)/bin/ruff format --check paceqi tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m pytest

typecheck: $(VENV)/.ok-test  ## mypy (strict for spc, measures, data, privacy; config in pyproject.toml)
	$(VENV)/bin/mypy

lint: $(VENV)/.ok-test  ## ruff lint and format check
	$(VENV)/bin/ruff check paceqi tests benchmarks
	$(VENV)/bin/ruff format --check paceqi tests benchmarks

format: $(VENV)/.ok-test  ## apply ruff formatting and safe fixes
	$(VENV)/bin/ruff check --fix paceqi tests benchmarks
	$(VENV)/bin/ruff format paceqi tests benchmarks

lab: $(VENV)/.ok-lab  ## JupyterLab with the project's kernel registered
	$(VENV)/bin/jupyter lab notebooks

workshop: $(VENV)/.ok-workshop  ## serve the six training exercises as web apps (Voilà), a seed per browser
	@echo "Workshop: http://$(HOST):$(PORT)/ (each browser tab gets its own kernel and seed; Ctrl-C stops)"
	$(VENV)/bin/voila notebooks/training --no-browser --port=$(PORT) --Voila.ip=$(HOST) \
	  --VoilaConfiguration.show_tracebacks=False

bench: $(VENV)/.ok-test  ## run the benchmarks in benchmarks/ (not part of make test)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

pg:  ## start a local PostgreSQL for the store tests (export PACEQI_TEST_PG_URL as printed)
	bash .ci/start-postgres.sh
	@echo 'export PACEQI_TEST_PG_URL=postgresql+psycopg://paceqi@127.0.0.1:54329/paceqi_test'

clean:  ## remove generated data, reports and caches (keeps .venv)
	rm -rf $(OUT) $(DATA) .pytest_cache .ruff_cache
