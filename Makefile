# The README's two commands are `make run` and `make test`; the rest are their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.9.5
UV := .tools/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite's second pass. Django creates (and drops) the test_mash_survey database itself.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/mash_survey
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help prerequisites install static run test lint format typecheck check-deploy \
        test-sqlite test-postgres bench backup restore clean

help:
	@echo "make run     install everything, set up the SQLite database with the register and demo data, serve on http://$(HOST):$(PORT)/"
	@echo "make test    lint, type check, deploy check, and the whole test suite on SQLite and on PostgreSQL"
	@echo "Parts: install, static, lint, format, typecheck, check-deploy, test-sqlite, test-postgres, bench, clean"
	@echo "make backup [DIR=var/backups]    back up the database and MEDIA_ROOT (docs/operations.md)"
	@echo "make restore FILE=<backup> [YES=1]    restore one, asking first unless YES=1"

prerequisites:
	@PYTHON=$(PYTHON) scripts/check-prerequisites

$(UV): | prerequisites
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python $(PYTHON)
	@touch $@

node_modules/.installed: package.json package-lock.json | prerequisites
	npm ci --no-audit --no-fund
	@touch $@

static/build/application.css: static/scss/application.scss node_modules/.installed
	npm run -s build:css

# The static files as served with DEBUG off (WhiteNoise serves them from var/staticfiles);
# with DEBUG on, `runserver` serves them from where they are.
var/staticfiles/staticfiles.json: static/build/application.css $(wildcard static/js/* static/css/*) \
                                  node_modules/.installed $(VENV)/.installed
	SECRET_KEY=collectstatic-only $(BIN)/python manage.py collectstatic --noinput --verbosity 0

static: var/staticfiles/staticfiles.json

install: $(VENV)/.installed node_modules/.installed static/build/application.css

# Local development settings with fresh secrets, written once; never used in production.
.env: | $(VENV)/.installed
	@$(BIN)/python scripts/write-dev-env .env

run: install .env
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_register
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py create_demo_users
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(VENV)/.installed
	$(BIN)/mypy .

# `manage.py check --deploy` with production settings and throwaway secrets: must report nothing.
# The database is migrated first, as a deployed one is: the check draws the API schema, whose
# filters list the values the tables hold.
CHECK_DEPLOY_ENV = DEBUG=false \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	ALLOWED_HOSTS=mash-survey.example.org \
	DATABASE_URL=sqlite:///$(CURDIR)/var/check-deploy.sqlite3
check-deploy: install
	@mkdir -p var; rm -f var/check-deploy.sqlite3*
	$(CHECK_DEPLOY_ENV) $(BIN)/python manage.py migrate --noinput --verbosity 0
	$(CHECK_DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

# Each pass's lines start with its database's name: `make test` runs the two side by side.
test-sqlite: install
	@mkdir -p var; rm -f var/junit-sqlite.xml
	set -o pipefail; DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 \
	  $(BIN)/pytest --junitxml=var/junit-sqlite.xml 2>&1 | sed -u 's/^/sqlite | /'

# Runs when a PostgreSQL server answers at POSTGRES_URL; in CI (CI=true) a missing server fails.
test-postgres: install
	@rm -f var/junit-postgres.xml
	@if $(BIN)/python scripts/postgres-answers "$(POSTGRES_URL)"; then \
	  echo "PostgreSQL pass: $(POSTGRES_URL)"; \
	  set -o pipefail; DATABASE_URL="$(POSTGRES_URL)" \
	    $(BIN)/pytest --junitxml=var/junit-postgres.xml 2>&1 | sed -u 's/^/postgres | /'; \
	elif [ -n "$${CI:-}" ]; then \
	  echo "PostgreSQL does not answer at $(POSTGRES_URL): the CI run needs both database passes." >&2; exit 1; \
	else \
	  echo "WARNING: PostgreSQL does not answer at $(POSTGRES_URL); its pass was not run. Start it, or set POSTGRES_URL." >&2; \
	fi

# The two database passes run at the same time, a core each. They share only Redis: a test
# that uses it keeps apart from the other pass (its own Redis database, or fresh keys).
test: lint typecheck check-deploy
	@$(MAKE) --no-print-directory -j2 test-sqlite test-postgres

# Figures side by side with their targets (README, "Speed"; docs/performance.md). load.py and
# explain.py use PostgreSQL when it answers (BENCH_DATABASE_URL; a throwaway database), the
# others a throwaway SQLite database (and media folder) under var/, removed after.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mash_bench
export BENCH_DATABASE_URL
bench: install
	$(BIN)/python bench/load.py
	@if $(BIN)/python scripts/postgres-answers "$(BENCH_DATABASE_URL)"; then \
	  DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python bench/explain.py; \
	  DATABASE_URL="$(BENCH_DATABASE_URL)" $(BIN)/python bench/exports.py; \
	else \
	  echo "PostgreSQL does not answer at $(BENCH_DATABASE_URL): explain and exports run on SQLite."; \
	  $(BIN)/python bench/explain.py; $(BIN)/python bench/exports.py; \
	fi
	$(BIN)/python bench/run.py
	$(BIN)/python bench/editions.py
	$(BIN)/python bench/search.py

# Backups (docs/operations.md): the database and every file under MEDIA_ROOT, in one archive
# with its checksum beside it. A restore asks before it replaces anything; YES=1 answers yes.
DIR ?= var/backups
backup: $(VENV)/.installed
	$(BIN)/python manage.py backup --dir "$(DIR)"

restore: $(VENV)/.installed
	@if [ -z "$(FILE)" ]; then \
	  echo "Name the backup to restore: make restore FILE=var/backups/<name>.tar.gz" >&2; exit 2; \
	fi
	$(BIN)/python manage.py restore "$(FILE)" $(if $(filter 1 yes true,$(YES)),--yes)

clean:
	rm -rf .tools $(VENV) node_modules static/build var/staticfiles .mypy_cache .ruff_cache .pytest_cache
