# Two entry points for a fresh machine:
#   make run   - virtualenv, install (with a CJK font from apt when missing), demo database if missing, serve on http://127.0.0.1:5000
#   make test  - virtualenv, install with test tools, lint and type checks, PostgreSQL+PostGIS, the whole suite
#   make lint  - ruff (lint + format) and mypy only; `make test` fails first if they do
VENV     ?= .venv
PY       := $(VENV)/bin/python
DIMING   := $(VENV)/bin/diming
HOST     ?= 127.0.0.1
PORT     ?= 5000
WORKERS  ?= 2
PYTEST_ARGS ?=

.PHONY: run test lint venv install install-test demo clean check-api

$(VENV)/.created:
	"$$(tests/support/find_python.sh)" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(PY) -m pip install -q -e .
	tests/support/ensure_cjk_font.sh
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.created
install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(DIMING) db upgrade
	$(DIMING) demo --if-empty

run: demo
	$(DIMING) serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

test: install-test lint lint-imports
	tests/support/ensure_browser.sh
	DIMING_TEST_PG_URL="$$(tests/support/ensure_postgis.sh)" $(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

# The one-way dependency rule (docs/architecture.md; contracts in pyproject.toml).
lint-imports: install-test
	$(VENV)/bin/lint-imports

# A deeper schemathesis run (25 examples per operation, against a served demo database) than the
# short in-process one that `make test` runs (tests/test_fuzz_api.py); schemathesis is in the test extra.
check-api: install-test
	$(PY) benchmarks/check_openapi.py --schemathesis $(VENV)/bin/schemathesis

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
