# ASTN developer commands. `make run` and `make test` work on a fresh machine
# with Python 3.11/3.12 and Node: they create .venv, install, and start the
# embedded Postgres + Redis under var/ (unless DATABASE_URL / REDIS_URL are set).

# The first interpreter that actually runs and is 3.11 or 3.12 (pyenv shims may exist but fail).
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12)))' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# mypy's Django plugin loads settings; it needs the database URL, not a running server.
MYPY := ASTN_DEVSERVICES_AUTOSTART=0 $(VENV)/bin/mypy

.PHONY: run test lint typecheck format install assets services-stop clean-var bench prod-smoke fuzz test-at help

# mypy checks the typed layers (STYLE.md): services, selectors and tasks of every app.
TYPED := $(shell find astn orgs events attendance engagement communities crm \
	\( -name 'services.py' -o -name 'selectors*.py' -o -name 'tasks.py' -o -path '*/services/*.py' \
	-o -path '*/selectors/*.py' \) \
	-not -path '*/migrations/*' 2>/dev/null | sort)

help:
	@echo "make run    - start web + worker + beat with demo data on http://127.0.0.1:8000/"
	@echo "make test   - lint, then the whole test suite (browser journeys included)"
	@echo "make lint   - ruff check + ruff format --check + mypy on services/selectors/tasks"
	@echo "make bench  - the benchmarks in bench/ (each prints its figure on its last line)"
	@echo "make prod-smoke - production process shape: Postgres+Redis on TCP, gunicorn, 2 workers, beat"
	@echo "make test-at WHEN='2027-03-28 00:59' - the suite on a faked clock (needs faketime)"
	@echo "make fuzz   - hostile input against a running 'make run' (BASE=..., FUZZ_ARGS='--quick --as member'); changes its data"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "ASTN needs Python 3.11 or 3.12 on PATH"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

var/vendor/.stamp: package.json package-lock.json scripts/vendor_assets.sh
	npm ci --no-audit --no-fund --loglevel=error
	bash scripts/vendor_assets.sh
	touch var/vendor/.stamp

assets: var/vendor/.stamp

run: install assets
	$(PY) -m astn.devrun

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MYPY) $(TYPED)

typecheck: install
	$(MYPY) $(TYPED)

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install assets lint
	$(PY) -m astn.devservices exec -- $(VENV)/bin/pytest $(PYTEST_ARGS)

bench: install
	$(PY) -m astn.devservices exec -- $(PY) bench/notifications.py
	$(PY) bench/matching.py
	$(PY) -m astn.devservices exec -- $(PY) bench/imports.py
	$(PY) -m astn.devservices exec -- $(PY) bench/events_list.py
	$(PY) -m astn.devservices exec -- $(PY) bench/engagement.py
	$(PY) -m astn.devservices exec -- $(PY) bench/directory.py
	$(PY) -m astn.devservices exec -- $(PY) bench/insights.py

# Needs Debian's redis-server (`.ci/run` installs it); starts and stops everything itself.
prod-smoke: install assets
	$(PY) scripts/prod_smoke.py

# Against a running `make run` (a throw-away database: the forms it posts change data).
BASE ?= http://127.0.0.1:8000
FUZZ_ARGS ?=
fuzz: install
	$(PY) scripts/fuzz_pages.py --base $(BASE) $(FUZZ_ARGS)

test-at: install assets
	scripts/test_at.sh "$(WHEN)" $(PYTEST_ARGS)

services-stop: install
	$(PY) -m astn.devservices stop

clean-var: services-stop
	rm -rf var
