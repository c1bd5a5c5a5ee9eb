# partybuild: everyday commands. `make run` and `make test` are all a newcomer needs.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --disable-pip-version-check --no-input --quiet
# Dependencies are reinstalled only when pyproject.toml changes: the stamps carry its hash.
DEPS_HASH := $(shell sha256sum pyproject.toml | cut -c1-16)
RUN_STAMP := $(VENV)/.installed-run-$(DEPS_HASH)
TEST_STAMP := $(VENV)/.installed-test-$(DEPS_HASH)

# As root (CI, containers) apt-get runs directly; otherwise through sudo.
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: help run test test-postgres test-e2e e2e-deps lint bench load messages clean

help:
	@echo "make run            install, migrate, load the demo city and serve on http://$(HOST):$(PORT)/"
	@echo "make test           run the test suite on SQLite"
	@echo "make test-postgres  run the same suite on a throwaway PostgreSQL server"
	@echo "make test-e2e       run the browser journeys of tests/e2e (installs chromium first)"
	@echo "make lint           ruff check and the import-layers contract (lint-imports)"
	@echo "make bench          run every bench/bench_*.py"
	@echo "make load           serve the demo city with gunicorn and load the main pages with wrk"
	@echo "make messages       update locale/en and compile the .mo files"
	@echo "make clean          remove the virtualenv and the local data in var/"

$(PY):
	@python=$$(scripts/find-python.sh); \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

$(RUN_STAMP): | $(PY)
	@echo "Installing partybuild into $(VENV) (pyproject.toml changed or first run)"
	$(PIP) -e .
	@rm -f $(VENV)/.installed-run-*
	@touch $@

$(TEST_STAMP): | $(PY)
	@echo "Installing partybuild with its test tools into $(VENV)"
	$(PIP) -e '.[test]'
	@rm -f $(VENV)/.installed-test-*
	@touch $@

run: $(RUN_STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo
	@echo "partybuild is served on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo
	$(PY) manage.py runserver $(HOST):$(PORT)

# DATABASE_URL is dropped so that `make test` always means SQLite, whatever the shell exports.
test: $(TEST_STAMP)
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: $(TEST_STAMP)
	scripts/test-postgres.sh $(PY) -m pytest $(PYTEST_ARGS)

e2e-deps:
	scripts/install-e2e-deps.sh

test-e2e: $(TEST_STAMP) e2e-deps
	env -u DATABASE_URL PARTYBUILD_E2E_REQUIRED=1 $(PY) -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

# The layers contract lives in pyproject.toml ([tool.importlinter]).
lint: $(TEST_STAMP)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

bench: $(TEST_STAMP)
	@shopt -s nullglob; benches=(bench/bench_*.py); \
	if [ $${#benches[@]} -eq 0 ]; then echo "No benchmarks in bench/."; exit 0; fi; \
	failed=0; \
	for bench in "$${benches[@]}"; do \
		echo "== $$bench"; \
		PYTHONPATH=$(CURDIR) $(PY) "$$bench" || { echo "FAILED: $$bench"; failed=1; }; \
	done; \
	exit $$failed

load: $(RUN_STAMP)
	bench/load.sh

messages: $(RUN_STAMP)
	@command -v msgfmt >/dev/null || { $(APT) update && $(APT) install -y --no-install-recommends gettext; }
	@mkdir -p locale
	$(PY) manage.py makemessages -l en --add-location file --no-obsolete --ignore 'var/*'
	$(PY) manage.py compilemessages -l en -l zh_Hans --ignore '.venv' --ignore 'var'

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
