# jia-teach: every target makes the .venv it needs and installs what it uses.
# Nothing here reaches beyond the package registries (PyPI, npm, Debian).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMPS := $(VENV)/.stamps
PORT   ?= 8888
PRESENT_PORT ?= 8866

.DEFAULT_GOAL := help
.PHONY: help lab test lint format unit nbval notebooks book present slides browser bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# --- environments -----------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(STAMPS)/%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(subst +,$(comma),$*)]"
	@mkdir -p $(STAMPS) && touch $@

comma := ,
ENV_LAB   := $(STAMPS)/test
ENV_TEST  := $(STAMPS)/test+book+present
ENV_BENCH := $(STAMPS)/test+bench

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# --- the two commands of the README ----------------------------------------
lab: $(ENV_LAB)  ## open the tutorials in JupyterLab (token kept on; the URL is printed)
	$(BIN)/jupyter lab --notebook-dir=notebooks --no-browser --port=$(PORT) \
	    --ServerApp.ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root) \
	    --LabApp.news_url=None --LabApp.extension_manager=readonly \
	    --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

test: $(ENV_TEST) node_modules/.package-lock.json  ## lint, unit + property tests, nbval, book, browser tests
	$(MAKE) lint
	$(MAKE) unit
	$(MAKE) nbval
	$(MAKE) browser   # builds the book first

# --- pieces of the suite -----------------------------------------------------
lint: $(ENV_TEST)  ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(ENV_TEST)  ## apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

unit: $(ENV_TEST)  ## unit, property and doctests (no notebooks, no browser)
	$(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/browser

nbval: $(ENV_TEST)  ## every tutorial against its stored outputs (strict)
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval notebooks \
	    --nbval-sanitize-with tests/nbval_sanitize.cfg -o addopts=""

notebooks: $(ENV_TEST)  ## re-execute every notebook in place (refresh stored outputs on purpose)
	$(BIN)/python tools/execute_notebooks.py notebooks/*.ipynb notebooks/research/*.ipynb

browser: book  ## browser tests of the built book and the live deck (installs Debian's chromium if missing)
	bash tools/ensure-chromium.sh
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/browser -o addopts=""

book: $(ENV_TEST) node_modules/.package-lock.json  ## build the Jupyter Book offline into book/_build/html
	$(BIN)/python tools/build_book.py

present: $(ENV_TEST) node_modules/.package-lock.json  ## serve the grand-rounds deck live with Voila on 127.0.0.1
	$(BIN)/python tools/present.py --port $(PRESENT_PORT) notebooks/grand_rounds.ipynb

slides: $(ENV_TEST) node_modules/.package-lock.json  ## offline reveal.js slideshow + PDF handout
	bash tools/ensure-chromium.sh
	$(BIN)/python tools/export_slides.py notebooks/grand_rounds.ipynb

bench: $(ENV_BENCH)  ## benchmarks; writes benchmarks/results.json
	$(BIN)/python benchmarks/run.py

clean:  ## remove build outputs (keeps .venv)
	rm -rf book/_build build .pytest_cache
