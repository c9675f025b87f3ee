# careersim: `make run` and `make test` set everything up on a fresh machine with Python 3.11.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast fuzz app lab bench docs clean tax-tables

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

## run the main job on the bundled default scenario and print its table
run: $(STAMP)
	$(VENV)/bin/careersim run default --seed 2026

## the whole test suite: library, CLI, notebooks, browser
test: $(STAMP)
	$(PY) -m pytest -q

## the test suite without notebooks and the browser
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not browser"

## the property tests with 20x their examples, new ones every run (CAREERSIM_FUZZ_SCALE=50 for more)
fuzz: $(STAMP)
	$(PY) -m pytest -q tests/test_properties.py --hypothesis-profile=fuzz

## the explorer notebook as a standalone web app (Voila) on http://127.0.0.1:8866 (APP_ARGS="--port 9000" etc.)
APP_ARGS ?= --no-browser
app: $(STAMP)
	$(VENV)/bin/careersim app explorer $(APP_ARGS)

## JupyterLab on the notebooks folder, on http://127.0.0.1:8888 (LAB_ARGS to change)
LAB_ARGS ?= --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port=8888
# (kernels keep freed memory for reuse: the malloc settings of careersim app's kernels,
# KERNEL_MALLOC_ENV in careersim/_app.py)
lab: $(STAMP)
	MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 $(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks $(LAB_ARGS)

## benchmarks: one JSON line per target
bench: $(STAMP)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/browser.py

## regenerate docs/scenarios.md from the parameter declarations
docs: $(STAMP)
	$(PY) -m careersim._docs > docs/scenarios.md

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis

## regenerate careersim/data/tax_tables_2026.* from PolicyEngine-US, installed in a calibration venv of its own (never .venv)
CALIB_VENV ?= .calib-venv
TAX_CALCULATOR ?= policyengine-us==2.68.0
tax-tables:
	@test -x $(CALIB_VENV)/bin/python || $(PYTHON) -m venv $(CALIB_VENV)
	$(CALIB_VENV)/bin/python -m pip install --quiet "$(TAX_CALCULATOR)"
	$(CALIB_VENV)/bin/python -m careersim._taxgen --out careersim/data
