# Samsyn — two commands: `make run` and `make test`. Everything else is set-up they call.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install assets chromium migrate demo static lint format check-deploy clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed assets

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end assets come from the npm registry and are served by Samsyn itself (no CDN).
assets: node_modules/.installed
	mkdir -p src/samsyn/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js src/samsyn/static/vendor/htmx.min.js

# Debian's Chromium for the browser tests (never a downloaded browser).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

migrate: install
	mkdir -p var
	$(BIN)/samsyn migrate --noinput

demo: migrate
	$(BIN)/samsyn demo

# Static files for WhiteNoise (hashed, compressed names): `make run` serves the demo with
# debug off, as production does (docs/deploy.md).
static: install
	$(BIN)/samsyn collectstatic --noinput --verbosity 0

# The demo is plain HTTP on this machine: no HTTPS-only cookies or redirects.
run: export SAMSYN_HTTPS ?= 0
run: demo static
	@echo "Samsyn runs at http://$(HOST):$(PORT)/ with a job worker (stop both with Ctrl-C)"
	$(BIN)/samsyn runall $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/lint_views.py
	PYTHONPATH=scripts $(BIN)/lint-imports --no-cache
	$(BIN)/samsyn makemigrations --check --dry-run >/dev/null

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install chromium lint
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

check-deploy: install
	SAMSYN_DEBUG=0 SAMSYN_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  SAMSYN_AUDIT_KEYS=check:$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
	  $(BIN)/samsyn check --deploy --fail-level WARNING

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules var src/samsyn/static/vendor
