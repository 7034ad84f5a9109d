# Two commands for a new user: `make demo` and `make test`. Both set up .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test sample clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/relhealth validate data/sample
	$(BIN)/relhealth score data/sample

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Regenerate the bundled sample agency from its seeded generator (the CSVs are committed).
sample: $(STAMP)
	$(BIN)/python -m relhealth.sample data/sample

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
