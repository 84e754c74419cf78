# aix: every target that needs the virtual environment creates it first, so each works on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SITE   ?= sources
CORPUS ?= ../shared/corpus
BUILD  := build
PDF    ?= $(BUILD)/aix-sample.pdf
NAVIGATOR ?=
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help
.PHONY: help setup check test lint bench clean html pdf docx sync handout import

help: ## Show the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/aix: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

setup: $(BIN)/aix ## Create .venv with aix installed (editable) and check the system libraries
	@$(BIN)/python tools/doctor.py

check: $(BIN)/aix ## Check the sample sources: links, anchors, redirects, numbering, images
	$(BIN)/aix check $(SITE)

test: $(BIN)/aix ## Run the test suite
	$(BIN)/python -m pytest -q

lint: $(BIN)/aix ## ruff check and format check
	$(BIN)/ruff check converter tests tools
	$(BIN)/ruff format --check converter tests tools

bench: $(BIN)/aix ## Benchmarks on ../shared/corpus, with the peers measured in the same run
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium)
	$(BIN)/python tools/bench.py --corpus $(CORPUS)

import: $(BIN)/aix ## Word file into Markdown: make import DOCX=file.docx [OUT=build/import] [FORCE=1]
	@test -n "$(DOCX)" || { echo "make import: give DOCX=path/to/file.docx" >&2; exit 2; }
	$(BIN)/aix import "$(DOCX)" -o "$(or $(OUT),$(BUILD)/import)" $(if $(FORCE),--force)

html: $(BIN)/aix ## Build the sample document as one HTML page: build/html/index.html
	$(BIN)/aix html $(SITE) -o $(BUILD)/html

pdf: $(BIN)/aix ## Build the sample document's release PDF: build/aix-sample.pdf (PDF=, NAVIGATOR= to change)
	$(BIN)/aix pdf $(SITE) -o $(PDF) --cache-dir $(BUILD)/.cache $(if $(NAVIGATOR),--navigator $(NAVIGATOR))

handout: $(BIN)/aix ## A sample handout: build/handout.pdf (SELECT="go:promptinjection --with-controls")
	$(BIN)/aix handout $(SITE) $(or $(SELECT),go:promptinjection --with-controls) -o $(BUILD)/handout.pdf

docx: $(BIN)/aix ## Word snapshot of the sample for review and aix sync: build/<title>-<date>.docx
	$(BIN)/aix docx $(SITE) $(if $(OUT),-o $(OUT))

sync: $(BIN)/aix ## Word edits back into the sources, as a diff: make sync DOCX=file.docx [WRITE=1]
	@test -n "$(DOCX)" || { echo "make sync: say which snapshot, e.g. make sync DOCX=build/x.docx"; exit 2; }
	$(BIN)/aix sync $(DOCX) $(SITE) $(if $(WRITE),--write)

clean: ## Remove build output and caches
	rm -rf $(BUILD) .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -prune -exec rm -rf {} +
