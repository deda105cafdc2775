# qdp: `make demo` and `make test` each create .venv if missing and install only what changed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.qdp-installed
TEST_INSTALLED := $(VENV)/.qdp-test-installed

.PHONY: demo test lint typecheck bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel

# Re-installs only when pyproject.toml changed since the last install.
$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install -e .
	touch $@

$(TEST_INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install -e ".[test]"
	touch $@ $(INSTALLED)

demo: $(INSTALLED)
	$(VENV)/bin/qdp demo

test: $(TEST_INSTALLED)
	$(PY) -m pytest

# ruff (lint + format) and the import-layering contracts of pyproject.toml: seconds.
lint: $(TEST_INSTALLED)
	$(VENV)/bin/ruff check pipeline flows molecules surrogates tests benchmarks data
	$(VENV)/bin/ruff format --check pipeline flows molecules surrogates tests benchmarks data
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(TEST_INSTALLED)
	$(VENV)/bin/mypy molecules surrogates pipeline flows

bench: $(INSTALLED)
	$(PY) benchmarks/store.py

clean:
	rm -rf $(VENV) .qdp .pytest_cache .coverage
