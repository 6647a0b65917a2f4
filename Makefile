# Paritrana: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the test suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: setup run test e2e demo lint messages clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_regions
	$(PY) manage.py seed_demo

# The web server, one job worker, and the hourly round of reminders, stopped together by Ctrl+C. The demo
# shows the site's own error pages, as users meet them; DJANGO_DEBUG=1 make run gives Django's technical ones.
run: export DJANGO_DEBUG ?= 0
run: demo
	@echo "Paritrana on http://$(HOST)/ (sign in with a demo account above; Ctrl+C stops)"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py db_worker --interval 1 & \
	(while true; do $(PY) manage.py send_reminders >/dev/null; $(PY) manage.py purge_uploads >/dev/null; sleep 3600; done) & \
	$(PY) manage.py runserver --insecure $(HOST)

test: setup
	$(PY) -m pytest -q -m "not e2e"

e2e: setup
	$(PY) -m pytest -q -m e2e tests/e2e

lint: setup
	$(VENV)/bin/ruff check .

# Needs GNU gettext (msgfmt); the compiled .mo files are committed so `run` and `test` do not.
messages: setup
	$(PY) manage.py makemessages -l id -l en --no-location --ignore=.venv
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
