# Every developer verb of Shenbao.  Needs only Python 3.11 and pip; uv is installed on first use.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
RUN := $(UV) run --frozen
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install messages-compile migrate demo serve worker test lint fmt typecheck messages bench bench-assignment bench-selection clean

help:
	@echo "make demo   - install, migrate, load the seed calls and demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - ruff, mypy, import contracts, makemigrations --check, the pytest suite"
	@echo "make lint | fmt | typecheck | messages | bench | bench-assignment | bench-selection | clean"

install:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check "uv>=0.6" || $(PYTHON) -m pip install --user --quiet --disable-pip-version-check "uv>=0.6"
	@# Bytecode is compiled once here: environments with PYTHONDONTWRITEBYTECODE would recompile every import in every process.
	$(UV) sync --frozen --quiet --compile-bytecode
	$(RUN) python -m compileall -q src
	$(RUN) python scripts/compile_messages.py

migrate: install
	$(RUN) python manage.py migrate --noinput

demo: migrate
	$(RUN) python manage.py load_demo
	@echo ""
	@echo "Shenbao is starting on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@$(RUN) python manage.py db_worker --interval 2 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT; \
	$(RUN) python manage.py runserver $(HOST):$(PORT)

serve: install
	@$(RUN) python manage.py db_worker --interval 2 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT; \
	$(RUN) python manage.py runserver $(HOST):$(PORT)

# The task worker alone (mail, reminders, deadline jobs); `make demo` and `make serve` start one.
# Every few minutes from cron: `manage.py open_due_calls` (a published call opens when its time comes).
# The daily jobs run from cron, not from the worker: `manage.py send_review_reminders`,
# `send_agreement_reminders --link-base URL` and `forfeit_overdue_agreements` (e.g. at 08:00 Beijing time).
worker: install
	$(RUN) python manage.py db_worker

lint: install
	$(RUN) ruff check src tests bench scripts
	$(RUN) ruff format --check src tests bench scripts
	$(RUN) lint-imports

typecheck: install
	$(RUN) mypy

fmt: install
	$(RUN) ruff check --fix src tests bench scripts
	$(RUN) ruff format src tests bench scripts

test: lint typecheck
	$(RUN) python manage.py makemigrations --check --dry-run
	$(RUN) pytest $(PYTEST_ARGS)

# Needs GNU gettext (xgettext): refreshes locale/zh_Hans/LC_MESSAGES/django.po from the sources.
messages: install
	$(RUN) python manage.py makemessages --locale zh_Hans --ignore ".venv/*" --ignore "tests/*" --no-obsolete
	$(RUN) python scripts/compile_messages.py

# Page and loader timings (SQLite), the deadline rush against gunicorn + PostgreSQL, the
# reviewer-assignment solver, and assignment end to end (20,000 × 5,000 through the service on PostgreSQL).
bench: install
	$(RUN) python bench/run.py
	$(RUN) python bench/deadline_rush.py
	$(RUN) python bench/assignment.py
	$(RUN) python bench/assignment_e2e.py
	$(RUN) python bench/review_aggregation.py
	$(RUN) python bench/guide_import.py
	$(RUN) python bench/guide_corpus.py
	$(RUN) python bench/guide_ceiling.py
	$(RUN) python bench/selection.py
	$(RUN) python bench/selection_e2e.py
	$(RUN) python bench/object_storage.py
	$(RUN) python bench/ranking_page.py

# Reviewer assignment (pure, no database): S/M/L/XL synthetic instances, LP check, fair mode,
# text affinity; JSON in bench/results/assignment.json.  SIZES=S,M to run a subset.
SIZES ?= S,M,L,XL
bench-assignment: install
	$(RUN) python bench/assignment.py --sizes $(SIZES)

# Selection optimiser (pure, no database): seed-003-shaped call at 20,000 and 100,000
# applications, HiGHS check on a small one; JSON in bench/results/selection.json.
SELECTION_SIZES ?= 20000,100000
bench-selection: install
	$(RUN) python bench/selection.py --sizes $(SELECTION_SIZES)

clean:
	rm -rf .venv var db.sqlite3 .pytest_cache .mypy_cache .ruff_cache
	find locale -name '*.mo' -delete
