# Attain: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: install run test test-fast lint format migrate demo clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

migrate: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://$(HOST)} $(BIN)/python manage.py seed_demo

# E-mails link to where `make run` serves (SITE_URL), unless SITE_URL is set.
run: demo
	DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://$(HOST)} $(BIN)/python manage.py runserver $(HOST)

# The suite runs on every core (pytest-xdist); PYTEST_WORKERS=0 runs it in one process. Tests are handed
# out one by one (--dist load): schemathesis gives its 46 cases one node id, which the per-file and
# per-group schedulers would count, and run, once.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL = -n $(PYTEST_WORKERS) --dist load

test: install
	DEBUG=$${DEBUG:-1} $(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# The suite without the browser tests and the tests that start real Celery workers.
test-fast: install
	DEBUG=$${DEBUG:-1} $(BIN)/pytest $(PYTEST_PARALLEL) -m "not browser and not workers" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
