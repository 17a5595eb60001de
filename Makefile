# Brace: `make run` starts the demo, `make test` runs every check.
# Both work on a fresh clone: they create the virtualenv and install first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser code's linter and type checker, pinned in package-lock.json.
NODE_BIN := node_modules/.bin
NODE_STAMP := node_modules/.installed
VAR_DIRS := var/celery/queue var/celery/processed var/celery/results var/media var/cache

# Development defaults for `make run`; override any of them in the environment.
RUN_ENV := DEBUG=$${DEBUG:-1} PORT=$${PORT:-8000}

# pytest runs on a worker per core (pytest-xdist); tests that share an outside
# resource (Redis, Chromium, the OAuth provider process) are grouped onto one
# worker by tests/conftest.py. PYTEST_XDIST="-n 0" runs them all in one process.
PYTEST_XDIST ?= -n auto --dist loadgroup

.PHONY: install run test lint pytest pytest-database migrate seed clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# npm ci empties node_modules/ first, so the stamp goes with it.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

$(VAR_DIRS):
	mkdir -p $@

migrate: install | $(VAR_DIRS)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

seed: migrate
	$(RUN_ENV) $(BIN)/python manage.py seed_demo

run: seed
	@echo "Brace on http://127.0.0.1:$${PORT:-8000}/  (admin: /admin/, API docs: /api/docs/). Ctrl-C stops web, worker and beat."
	$(RUN_ENV) PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start --procfile Procfile

lint: install $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(NODE_BIN)/biome lint --error-on-warnings
	$(NODE_BIN)/tsc -p jsconfig.json

pytest: install | $(VAR_DIRS)
	$(BIN)/pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# Only the tests that use the database (marked `database` by tests/conftest.py),
# for a second run on another database. The `postgres` tests run afterwards in
# one process: they hold as many connections as PostgreSQL allows at once, so
# no other test may run beside them. Exit code 5, no test selected (as with
# PYTEST_ARGS=tests/runtime), is not a failure.
pytest-database: install | $(VAR_DIRS)
	$(BIN)/pytest $(PYTEST_XDIST) -m "database and not postgres" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/pytest -m postgres $(PYTEST_ARGS) || [ $$? -eq 5 ]

test: lint pytest

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
