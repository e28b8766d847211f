# Homeward: `make demo` runs the application with demonstration data, `make test` checks
# everything. All tools run from .venv explicitly; no activated environment is needed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Extra arguments: make test PYTEST_ARGS="-k cases -x", make bench BENCH_ARGS="..."
PYTEST_ARGS ?=
BENCH_ARGS ?=

# A working Python 3.12: python3.12 on PATH if it runs (a pyenv shim may not), otherwise the
# newest 3.12 under the pyenv root. Evaluated only when the virtual environment is created.
FIND_PYTHON312 = \
	if python3.12 --version >/dev/null 2>&1; then \
		python3.12 -c 'import sys; print(sys.executable)'; \
	else \
		root="$$(pyenv root 2>/dev/null || echo "$${PYENV_ROOT:-$$HOME/.pyenv}")"; \
		for p in $$(ls -d "$$root"/versions/3.12*/bin/python3.12 2>/dev/null | sort -V -r); do \
			if "$$p" --version >/dev/null 2>&1; then echo "$$p"; break; fi; \
		done; \
	fi

.PHONY: help venv demo test lint format bench bench-duplicates bench-imports clean messages

help:
	@echo "make demo      migrate, seed demonstration data and serve on http://127.0.0.1:8000/"
	@echo "make test      lint, migration check and the test suite on SQLite and PostgreSQL"
	@echo "make venv      create .venv and install requirements.lock"
	@echo "make lint      ruff format --check, ruff check, lint-imports"
	@echo "make format    ruff format and ruff check --fix"
	@echo "make bench     benchmark against a throwaway PostgreSQL cluster"
	@echo "make bench-duplicates  duplicate detection: 1,000,000 people, labelled pairs, brute force"
	@echo "make bench-imports     notification-list import: 50,000 rows on PostgreSQL"
	@echo "make messages  update and compile the French translations"
	@echo "make clean     remove var/ and caches (keeps .venv)"

$(PY):
	@py="$$($(FIND_PYTHON312))"; \
	if [ -z "$$py" ]; then \
		echo "error: no working Python 3.12 found (tried python3.12 on PATH and" >&2; \
		echo "       \$$(pyenv root)/versions/3.12*/bin/python3.12). Install Python 3.12." >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py"; \
	rm -f $(STAMP); \
	"$$py" -m venv --clear $(VENV)

# Reinstall whenever the lock file is newer than the last installation (or the virtual
# environment was just created).
$(STAMP): requirements.lock | $(PY)
	$(VENV)/bin/pip install --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

# Two steps so that a virtual environment recreated in the first one (which removes the stamp)
# is always followed by an installation in the second.
venv:
	@$(MAKE) --no-print-directory -q $(PY) || $(MAKE) --no-print-directory $(PY)
	@$(MAKE) --no-print-directory -q $(STAMP) || $(MAKE) --no-print-directory $(STAMP)

demo: export HOMEWARD_DEBUG := 1
demo: venv
	mkdir -p "$${HOMEWARD_DATA_DIR:-var}"
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@# The task worker (imports of notification lists) runs beside the server and stops with it.
	$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

test: venv
	bash scripts/test.sh $(PYTEST_ARGS)

lint: venv
	@status=0; \
	$(VENV)/bin/ruff format --check . || status=1; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/lint-imports || status=1; \
	exit $$status

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv
	bash scripts/bench.sh $(BENCH_ARGS)

# make bench-duplicates BENCH_ARGS="--people 100000" (arguments go to bench/duplicates/run.py)
bench-duplicates: venv
	bash scripts/bench_duplicates.sh $(BENCH_ARGS)

# make bench-imports BENCH_ARGS="--rows 5000 --xlsx" (arguments go to bench/imports.py)
bench-imports: venv
	bash scripts/bench_imports.sh $(BENCH_ARGS)

# Run from homeward/ so that only the project's own sources and catalogues are touched
# (not the translations of the packages inside .venv).
# French covers the whole interface; the Arabic catalogue holds the printed documents only
# (it is extracted from homeward/documents, see homeward/documents/labels.py).
messages: venv
	$(PY) manage.py makemessages -l fr --ignore=.venv --ignore=bench --no-obsolete
	cd homeward/documents && ../../$(PY) ../../manage.py makemessages -l ar --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv --ignore=bench

clean:
	rm -rf var .pytest_cache .ruff_cache staticfiles
	find . -path ./.venv -prune -o -type d -name __pycache__ -exec rm -rf {} +
