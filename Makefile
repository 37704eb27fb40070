# The two commands of the README's quick start, and the checks behind them.
# Each target creates .venv and installs the project into it when needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format bench rules clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/arazzo run specs/knock-bulk.yml --inputs specs/knock-bulk.inputs.yaml --mock specs/knock-bulk.mock.yaml

test: $(STAMP) lint
	$(BIN)/python -m pytest -q -n auto

lint: $(STAMP)
	$(BIN)/ruff check arazzo_engine tests benchmarks
	$(BIN)/ruff format --check arazzo_engine tests benchmarks
	$(BIN)/mypy arazzo_engine

format: $(STAMP)
	$(BIN)/ruff format arazzo_engine tests benchmarks
	$(BIN)/ruff check --fix arazzo_engine tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_expressions.py
	$(BIN)/python benchmarks/bench_criteria.py
	$(BIN)/python benchmarks/bench_run.py
	$(BIN)/python benchmarks/bench_many.py
	$(BIN)/python benchmarks/bench_validate.py

rules: $(STAMP)
	$(BIN)/python -m arazzo_engine._rules > docs/rules.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
