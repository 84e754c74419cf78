# aix: every target that needs the virtual environment creates it first, so each works on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SITE   ?= sources
CORPUS ?= ../shared/corpus
BUILD  := build

.DEFAULT_GOAL := help
.PHONY: help setup check test lint bench clean html pdf docx sync handout

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
	$(BIN)/python tools/bench.py --corpus $(CORPUS)

docx: $(BIN)/aix ## Word snapshot of the sample for review and aix sync: build/<title>-<date>.docx
	$(BIN)/aix docx $(SITE) $(if $(OUT),-o $(OUT))

sync: $(BIN)/aix ## Word edits back into the sources, as a diff: make sync DOCX=file.docx [WRITE=1]
	@test -n "$(DOCX)" || { echo "make sync: say which snapshot, e.g. make sync DOCX=build/x.docx"; exit 2; }
	$(BIN)/aix sync $(DOCX) $(SITE) $(if $(WRITE),--write)

clean: ## Remove build output and caches
	rm -rf $(BUILD) .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -prune -exec rm -rf {} +
