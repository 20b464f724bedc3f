# Two commands: `make run` starts the platform with demo data, `make test` runs the checks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed

.PHONY: install run test lint format messages schema settings-table bench

# pip's and the build backend's lines go to .venv/install.log, shown only if the install fails.
$(STAMP): pyproject.toml requirements.lock
	@echo "Installing the tested versions into $(VENV) (the first time takes a few minutes)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@{ $(BIN)/python -m pip install --quiet --upgrade pip && \
	   $(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"; \
	 } > $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

install: $(STAMP)

# Migrate, load the territory and demo data, then serve with one task worker beside it and
# the procedures' sweep (due waits, overdue tasks), the purge of week-old SIUSS bulk files and
# of the app's expired Idempotency-Keys queued every minute, as the systemd timers do in
# production.
# The worker waits out a locked SQLite database (task_worker); if it stops all the same, the
# loop starts it again, and stopping `make run` stops both.
run: install
	@echo "Preparing the database (the first time takes a minute)..."
	@$(MANAGE) migrate --noinput --verbosity 0
	@$(MANAGE) setup_demo
	@(trap 'kill $$pid 2>/dev/null; exit 0' INT TERM; \
	 while :; do $(MANAGE) task_worker --no-reload & pid=$$!; wait $$pid; sleep 2; done) & worker=$$!; \
	(while sleep 60; do $(MANAGE) workflow_sweep --enqueue >/dev/null; $(MANAGE) siuss_bulk_purge --enqueue >/dev/null; $(MANAGE) sync_keys_purge --enqueue >/dev/null; done) & sweeper=$$!; \
	trap 'kill $$worker $$sweeper 2>/dev/null' EXIT INT TERM; \
	DJANGO_RUNSERVER_HIDE_WARNING=true $(MANAGE) runserver 127.0.0.1:8000

# One test process per core; tests are shared out one by one, except the modules marked
# xdist_group (one nginx, one seeded charter), which stay in one process.
PYTEST_PARALLEL := -n auto --dist loadgroup

test: install lint
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract and compile translations (needs GNU gettext); the compiled .mo files are committed.
messages: install
	$(MANAGE) makemessages -l it -l en --ignore=.venv --ignore=var --ignore=bench --ignore=build
	$(MANAGE) compilemessages --ignore=.venv

# The committed OpenAPI schema of /api/v1/ (a test fails when it is stale).
schema: install
	$(MANAGE) spectacular --lang en --validate --fail-on-warn --file api/openapi.yaml

# The README's configuration table, generated from siso_platform/settings/environment.py.
settings-table: install
	$(BIN)/python -m siso_platform.settings.environment

bench: install
	$(BIN)/python bench/bench_tax_code.py
	$(BIN)/python bench/bench_forms.py
	$(BIN)/python bench/bench_imports.py
	$(BIN)/python bench/bench_screening.py
	$(BIN)/python bench/bench_api.py
