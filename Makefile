# MPS Social: `make run` serves the demo portal, `make test` runs the suite.
# Both need only Python 3.11+ and make: everything else installs into .venv/.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: help install install-dev run migrate seed worker test screenshots bench check clean messages

help:
	@echo "make run        set up and serve http://$(HOST):$(PORT) with a Celery worker and beat (Ctrl-C stops all)"
	@echo "make test       install the test tools and run the whole suite"
	@echo "make screenshots  run the browser journeys and refresh the README's pictures"
	@echo "make bench      pages, load and jobs at district scale against their floors; writes bench/RESULTS.md"
	@echo "make check      Django's system checks"
	@echo "make messages   gather the strings to translate into locale/*/django.po, compile them (needs GNU gettext)"
	@echo "make clean      remove the virtual environment and local data (var/)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# The demo relaxes two rules so its logins work without an authenticator app (production
# refuses to start this way): revealing someone else's escrowed credentials needs no second
# factor (every credentials page says so), and privileged roles are not made to enrol one.
run worker: export ESCROW_REQUIRE_MFA ?= 0
run worker: export MFA_REQUIRED_FOR_PRIVILEGED ?= 0

run: migrate
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "Serving http://$(HOST):$(PORT)/ with a Celery worker and beat. Ctrl-C stops them all."
	@$(BIN)/celery -A mps_social worker --beat --loglevel=INFO --concurrency=2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: migrate
	$(BIN)/celery -A mps_social worker --beat --loglevel=INFO --concurrency=2

# The translations (README, "Translations"): gathers every marked string into the .po files of
# Spanish, Somali and Hmong (new ones empty, gone ones removed) and compiles the .mo files the
# portal serves. Needs GNU gettext (Debian: apt-get install gettext).
LANGUAGES := es so hmn
messages: install
	$(BIN)/python manage.py makemessages $(addprefix -l ,$(LANGUAGES)) --no-obsolete --add-location=file \
		--ignore=.venv --ignore=tests --ignore=bench --ignore=var --ignore=staticfiles
	$(BIN)/python manage.py compilemessages $(addprefix -l ,$(LANGUAGES)) --ignore=.venv

test: install-dev
	$(BIN)/python -m pytest

screenshots: install-dev
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -m browser

# The load test drives gunicorn with wrk, from Debian's packages (installed here when missing).
# BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/mps_social runs everything on PostgreSQL too.
bench: install
	@command -v wrk >/dev/null || apt-get install -y -q --no-install-recommends wrk \
		|| { apt-get update -q && apt-get install -y -q --no-install-recommends wrk; }
	$(BIN)/python -m bench $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))

check: install
	$(BIN)/python manage.py check

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
