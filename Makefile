# JSS developer commands. `make demo` and `make test` are the two a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DATABASE_URL_POSTGRES ?= postgres://postgres@127.0.0.1:5432/test
MESSAGES_FLAGS := --ignore=.venv --ignore=node_modules --ignore=static/vendor --ignore=var --no-obsolete --no-location
DEMO_HOST ?= 127.0.0.1
DEMO_PORT ?= 8000

.PHONY: demo test test-postgres test-fast check lint format messages assets install lock bench bench-linkage clean help

help:
	@echo "make demo           start JSS on SQLite with the Jeju demo network at http://$(DEMO_HOST):$(DEMO_PORT)/"
	@echo "make test           run the whole test suite on SQLite (browser tests included)"
	@echo "make test-postgres  the suite on PostgreSQL but the browser tests (DATABASE_URL, default $(DATABASE_URL_POSTGRES))"
	@echo "make check          ruff, mypy, makemigrations --check, translations, check --deploy"
	@echo "make messages       update the Korean catalogue after changing user-facing strings"
	@echo "make lock           re-resolve requirements.lock from pyproject.toml"

# --- installation -------------------------------------------------------------------------------
$(VENV)/installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "JSS needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

static/vendor/installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor
	mkdir -p static/vendor/krds static/vendor/htmx
	cp -r node_modules/krds-uiux/resources/css node_modules/krds-uiux/resources/fonts \
	      node_modules/krds-uiux/resources/img static/vendor/krds/
	# krds-uiux 1.1.0's component.css points its icons at ../../img/img/…: give it that path too.
	cp -r node_modules/krds-uiux/resources/img static/vendor/krds/img/img
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	touch $@

install: $(VENV)/installed
assets: static/vendor/installed

lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --extra bench --python-version 3.11 --generate-hashes -o requirements-bench.lock

# --- the demo -------------------------------------------------------------------------------------
var/secret_key:
	mkdir -p var
	umask 077; $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(64))' > $@

var/field_keys: $(VENV)/installed
	mkdir -p var
	umask 077; $(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' > $@

var/blind_index_key:
	mkdir -p var
	umask 077; $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

demo: install assets var/secret_key var/field_keys var/blind_index_key
	@export JSS_DEBUG=1 JSS_SECRET_KEY="$$(cat var/secret_key)" JSS_FIELD_KEYS="$$(cat var/field_keys)" \
	  JSS_BLIND_INDEX_KEY="$$(cat var/blind_index_key)"; set -e; \
	$(PY) manage.py migrate --no-input -v 0; \
	$(PY) manage.py load_regions data/regions/jeju.yaml; \
	$(PY) manage.py generate_demo --seed 2023; \
	echo; echo "JSS is starting at http://$(DEMO_HOST):$(DEMO_PORT)/  (Ctrl+C stops it)"; \
	exec $(PY) manage.py runserver --skip-checks $(DEMO_HOST):$(DEMO_PORT)

# --- tests and checks -----------------------------------------------------------------------------
test: install assets
	env -u DATABASE_URL $(PY) -m pytest -n auto --dist loadfile -q

# The browser tests run once, in `make test`: they test the pages, and every query behind them is tested on
# PostgreSQL by the rest of the suite (they would add about three minutes to CI).
test-postgres: install assets
	DATABASE_URL="$${DATABASE_URL:-$(DATABASE_URL_POSTGRES)}" $(PY) -m pytest -n auto --dist loadfile -q -m "not browser"

test-fast: install
	$(PY) -m pytest -q -m "not browser"

check: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	JSS_DEBUG=1 $(VENV)/bin/mypy .
	JSS_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	@command -v msgfmt >/dev/null || (echo "make check needs gettext (apt-get install gettext)" && false)
	JSS_DEBUG=1 $(PY) manage.py makemessages -l ko -l en $(MESSAGES_FLAGS) -v 0
	JSS_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	@if git diff -I '^"POT-Creation-Date' --quiet -- locale; then git checkout -- locale; else \
	  git diff -I '^"POT-Creation-Date' --stat -- locale; \
	  echo "locale/ is out of date: run 'make messages', translate, and commit the .po and .mo files"; false; fi
	JSS_SECRET_KEY="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	  JSS_FIELD_KEYS="$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	  JSS_BLIND_INDEX_KEY="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')" \
	  JSS_ALLOWED_HOSTS=jss.example.kr DATABASE_URL=sqlite:///:memory: \
	  $(PY) manage.py check --deploy --fail-level WARNING

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	JSS_DEBUG=1 $(PY) manage.py makemessages -l ko -l en $(MESSAGES_FLAGS)
	JSS_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

$(VENV)/bench-installed: requirements-bench.lock $(VENV)/installed
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-bench.lock
	touch $@

bench: $(VENV)/bench-installed
	@echo "Benchmarks live in bench/; docs/benchmarks.md gives each one's command and figures."

bench-linkage: $(VENV)/bench-installed
	$(PY) bench/linkage.py --records 100000

clean:
	rm -rf $(VENV) node_modules static/vendor var
