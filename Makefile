# Retour: the two entry points are `make run` and `make test`; the rest are helpers.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PYTEST_ARGS ?=
# Two processes: the machines have two cores; browser and PostgreSQL tests are safe in parallel.
PYTEST_WORKERS ?= 2

.PHONY: run test install lint format migrations messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,redis]'
	touch $(STAMP) $@

install: $(STAMP)

## make run: install, migrate, load the demo store, serve web + worker (Ctrl-C stops both).
run: $(STAMP)
	@mkdir -p var
	DEBUG=$${DEBUG:-true} $(BIN)/retour migrate --noinput -v 0
	DEBUG=$${DEBUG:-true} $(BIN)/retour collectstatic --noinput -v 0
	DEBUG=$${DEBUG:-true} $(BIN)/retour demo
	DEBUG=$${DEBUG:-true} $(BIN)/retour run

## make test: install the test extras and run the whole suite.
test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations: $(STAMP)
	DEBUG=true $(BIN)/retour makemigrations --check --dry-run

# Each app keeps its own catalog (src/retour/<app>/locale), so work on one app never rewrites
# another's; `config` holds the project-wide strings. Extract per folder, then compile them all.
LANGUAGES := zh_Hans de fr es ja pt_BR
CATALOG_DIRS := $(patsubst %/locale,%,$(wildcard src/retour/*/locale))
messages: $(STAMP)
	set -e; for dir in $(CATALOG_DIRS); do \
	  (cd $$dir && DEBUG=true $(abspath $(BIN))/retour makemessages $(foreach l,$(LANGUAGES),-l $(l)) --no-obsolete --no-location -v 0); \
	done
	cd src/retour && DEBUG=true $(abspath $(BIN))/retour compilemessages -v 0

clean:
	rm -rf $(VENV) var .pytest_cache
