# jia-teach: every target makes the .venv it needs and installs what it uses.
# Nothing here reaches beyond the package registries (PyPI, npm, Debian).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMPS := $(VENV)/.stamps
# make lab PORT=9000 / make present PRESENT_PORT=9001 when the default port is taken.
PORT   ?= 8888
PRESENT_PORT ?= 8866
# make lab opens a browser where there is a screen to show it on; OPEN_BROWSER=no never does.
OPEN_BROWSER ?= $(if $(or $(DISPLAY),$(WAYLAND_DISPLAY),$(filter Darwin,$(shell uname -s))),yes,no)
# make slides PRESENTER="Dr A. Name" DATE="10 December 2026" VENUE="Children's Hospital"
# (or the same keys in slides.toml: presenter = "...", date = "...", venue = "...").
PRESENTER ?=
DATE ?=
VENUE ?=
SLIDES_CONFIG ?= slides.toml

.DEFAULT_GOAL := help
.PHONY: lab-extension help lab test lint format unit jstest nbval notebooks book present slides browser bench clean

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
# One environment for the lab and the suite: `make lab` after `make test` installs nothing.
ENV_TEST  := $(STAMPS)/test+book+present
ENV_LAB   := $(ENV_TEST)
ENV_BENCH := $(STAMPS)/test+bench

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# --- the two commands of the README ----------------------------------------
# The lab opens copies in workspace/ (git-ignored; tools.lab_workspace refreshes them from
# notebooks/ without overwriting a learner's edits), so autosave never touches the tracked
# notebooks. The JupyterLab command line is lab_workspace.lab_command (the tests use it too).
lab: $(ENV_LAB)  ## open the tutorials in JupyterLab (copies in workspace/; token on; URL printed)
	$(BIN)/python -m tools.lab_workspace --port=$(PORT) $(if $(filter no,$(OPEN_BROWSER)),--no-browser)

test: $(ENV_TEST) node_modules/.package-lock.json  ## lint, unit + property tests, nbval, book, slides, browser tests
	$(MAKE) lint
	bash tools/ensure-r.sh   # R's metafor: the live check of jia_teach.pool (tests/test_pool_metafor.py)
	JIA_REQUIRE_R=1 $(MAKE) unit
	$(MAKE) jstest    # the book's live calculators agree with jia_teach on 128,640 cases
	$(MAKE) nbval
	$(MAKE) slides    # the PDF and the handout; the browser tests check them
	$(MAKE) browser   # builds the book first

# The JupyterLab extension of tools/lab (widget names, values, focus indicator) is committed
# prebuilt; rebuild it after changing tools/lab/* or tools/web/widget_a11y.js (needs npm).
lab-extension: $(ENV_TEST)  ## rebuild the prebuilt lab extension in tools/lab/labextensions
	cd tools/lab && npm ci --no-audit --no-fund --loglevel=error
	cd tools/lab && node node_modules/@jupyterlab/builder/lib/build-labextension.js \
	    --core-path "$$(../../$(BIN)/python -c 'import jupyterlab, pathlib; print(pathlib.Path(jupyterlab.__file__).parent / "staging")')" .
	$(BIN)/python -m tools.lab_workspace --stamp-extension

# --- pieces of the suite -----------------------------------------------------
lint: $(ENV_TEST)  ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(ENV_TEST)  ## apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

unit: $(ENV_TEST)  ## unit, property and doctests (no notebooks, no browser)
	$(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/browser

# The browser calculators' rules (tools/web/live/rules.js) against jia_teach on every case of a
# generated agreement file (tools/live_agreement.py, 100,000 patients and more; about 30 s).
jstest: $(ENV_TEST)  ## the live calculators' JavaScript rules against jia_teach (node --test)
	$(BIN)/python -m tools.live_calculators data build/live/live-data.json
	$(BIN)/python -m tools.live_agreement build/live/agreement.json
	node --test tests/js/

nbval: $(ENV_TEST)  ## every tutorial against its stored outputs (strict)
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval notebooks \
	    --nbval-sanitize-with tests/nbval_sanitize.cfg -o addopts=""

notebooks: $(ENV_TEST)  ## re-execute every notebook in place (refresh stored outputs on purpose)
	$(BIN)/python -m tools.execute_notebooks notebooks/*.ipynb notebooks/research/*.ipynb

browser: book  ## browser tests of the built book and the live deck (installs Debian's chromium if missing)
	bash tools/ensure-chromium.sh
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/browser -o addopts=""

book: $(ENV_TEST) node_modules/.package-lock.json  ## build the Jupyter Book offline into book/_build/html
	$(BIN)/python -m tools.build_book

present: export JIA_PRESENTER := $(PRESENTER)
present: export JIA_DATE := $(DATE)
present: export JIA_VENUE := $(VENUE)
present: $(ENV_TEST) node_modules/.package-lock.json  ## serve the grand-rounds deck live with Voila on 127.0.0.1 (PRESENTER=, DATE=, VENUE=)
	$(BIN)/python -m tools.present --port $(PRESENT_PORT) notebooks/grand_rounds.ipynb \
	    --config "$(SLIDES_CONFIG)" --presenter "$$JIA_PRESENTER" --date "$$JIA_DATE" --venue "$$JIA_VENUE"

slides: export JIA_PRESENTER := $(PRESENTER)
slides: export JIA_DATE := $(DATE)
slides: export JIA_VENUE := $(VENUE)
slides: $(ENV_TEST) node_modules/.package-lock.json  ## offline reveal.js slideshow, PDF and 2-up handout (PRESENTER=, DATE=, VENUE=)
	bash tools/ensure-chromium.sh
	$(BIN)/python -m tools.export_slides notebooks/grand_rounds.ipynb --config "$(SLIDES_CONFIG)" \
	    --presenter "$$JIA_PRESENTER" --date "$$JIA_DATE" --venue "$$JIA_VENUE"

bench: $(ENV_BENCH)  ## benchmarks; writes benchmarks/results.json
	$(BIN)/python benchmarks/run.py

clean:  ## remove build outputs (keeps .venv and your workspace/ copies)
	rm -rf book/_build build .pytest_cache
