PYTHON ?= python3.12
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: demo test test-fast lint format migrations-check messages compilemessages serve clean

# One command from a fresh clone to a running demo county on http://127.0.0.1:8000
demo: $(VENV)/.installed compilemessages
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

# The whole suite (unit, view, import, API and browser tests) on the embedded default.
test: $(VENV)/.installed compilemessages
	$(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: $(VENV)/.installed compilemessages
	$(PY) -m pytest -q -m "not browser" $(PYTEST_ARGS)

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

compilemessages: $(VENV)/.installed
	$(MANAGE) compilemessages --ignore=.venv -v0

messages: $(VENV)/.installed
	$(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=bench --no-obsolete

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: $(VENV)/.installed
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .test-media
