# mokmin: the two set-up commands (see README) and the checks they rely on.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: start check test lint typecheck install bench clean

$(STAMP): pyproject.toml scripts/install.sh
	PYTHON=$(PYTHON) VENV=$(VENV) sh scripts/install.sh
	touch $(STAMP)

install: $(STAMP)

## start: install, migrate an SQLite database under var/, load the demo organisation and serve on :8000
start: $(STAMP)
	$(BIN)/mokmin db upgrade
	$(BIN)/mokmin demo load
	$(BIN)/mokmin serve

## check: everything CI runs - lint, types and the whole test suite (SQLite and PostgreSQL, browser)
check: lint typecheck test

lint: $(STAMP)
	$(BIN)/ruff check mokmin tests bench
	$(BIN)/ruff format --check mokmin tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
