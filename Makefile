# The commands a new user needs: `make demo` and `make test`. Each sets up .venv the first time.
PYTHON ?= python3
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo lab test test-all lint bench sample clean

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV): pandas, matplotlib, papermill, nbconvert, JupyterLab and the test tools (a minute or two, once)."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar off -e '.[test]' | { grep -v '^Requirement already satisfied' || test $$? = 1; }
	touch $(STAMP)

# Render the sample agency's latest month into reports/ (index.html and one page per client), and its
# backtest into reports/backtest/.
demo: $(STAMP)
	$(BIN)/relhealth validate
	$(BIN)/relhealth report --out reports
	$(BIN)/relhealth backtest --out reports

# Open the report notebooks in JupyterLab.
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# The fast tests (well under two minutes), one process per core (pytest-xdist); test-all adds the slow
# ones, one at a time (they start kernels and pools of their own and time what they stop): the browser,
# faults in a batch, the wheel in a fresh virtual environment.
test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" -n auto

test-all: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" -n auto
	$(BIN)/python -m pytest -q -m slow

lint: $(STAMP)
	$(BIN)/ruff check .

# Costs against floors measured in the same run (docs/performance.md); several minutes at the default scale.
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Regenerate the bundled sample agency from its seeded generator (the CSVs are committed).
sample: $(STAMP)
	$(BIN)/python -m tools.sample data/sample

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
