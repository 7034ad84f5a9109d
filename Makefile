# Two commands for a new user: `make demo` and `make test`. Both set up .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo lab test sample bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Render the sample agency's latest month into reports/ (index.html and one page per client).
demo: $(STAMP)
	$(BIN)/relhealth validate data/sample
	$(BIN)/relhealth report data/sample --out reports

# Open the report notebooks in JupyterLab.
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Costs against floors measured in the same run (docs/performance.md); several minutes at the default scale.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Regenerate the bundled sample agency from its seeded generator (the CSVs are committed).
sample: $(STAMP)
	$(BIN)/python -m relhealth.sample data/sample

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
