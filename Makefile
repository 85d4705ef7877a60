# Two commands do everything on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test bench accuracy lint clean install screenshots

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/numcheck run examples/ --out reports/demo

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

accuracy: $(STAMP)
	$(BIN)/python bench/accuracy.py

bench: $(TEST_STAMP)
	$(BIN)/python bench/bench.py

screenshots: $(STAMP)
	$(BIN)/python bench/screenshots.py

lint: $(TEST_STAMP)
	$(BIN)/pip install --quiet ruff mypy
	$(BIN)/ruff check checker tests bench
	$(BIN)/mypy checker

clean:
	rm -rf $(VENV) reports/demo reports/latest
