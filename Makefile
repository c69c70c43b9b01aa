# The review's targets. `make book` and `make test` are the two commands in the README.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_BASE ?= python3
VENV := .venv
PY := $(VENV)/bin/python
JB := $(VENV)/bin/jupyter-book
STAMP := $(VENV)/.installed
BUILD ?= _build
JB_FLAGS := -W -n --keep-going

.PHONY: help sysdeps venv chapters html pdf book test test-fast validate release clean lock

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

sysdeps:  ## install the Debian packages (TeX, poppler, Chromium, R metafor) that are missing
	bash scripts/install-system-deps.sh

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)  ## create .venv with the pinned requirements and the package (editable)

chapters: $(STAMP)  ## generate the per-drug chapters from their template (papermill)
	$(PY) -m living_review.chapters

validate: $(STAMP)  ## validate data/ and stop on the first build step if it is invalid
	$(VENV)/bin/living-review validate data

html: chapters validate  ## execute every chapter and build the HTML site into _build/html
	$(JB) build . --builder html --path-output . $(JB_FLAGS)

pdf: chapters validate  ## build the PDF into _build/latex (after html, reuses its executed pages)
	$(JB) build . --builder pdflatex --path-output . $(JB_FLAGS)

book: sysdeps venv  ## set everything up, then build the HTML site and the PDF
	$(MAKE) html
	$(MAKE) pdf
	@echo "HTML: $(BUILD)/html/index.html"
	@echo "PDF:  $(BUILD)/latex/living-review.pdf"

test: sysdeps venv  ## run the whole test suite (unit, reference and book-build tests)
	$(PY) -m pytest

test-fast: venv  ## unit tests only, without the book build
	$(PY) -m pytest -m "not slow"

lock:  ## re-resolve requirements.in into exact pins in requirements.txt
	rm -rf .lock-venv && $(PYTHON_BASE) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements.in
	{ echo "# Exact versions resolved and tested together (Python 3.11). Regenerate with 'make lock' after changing requirements.in."; \
	  .lock-venv/bin/pip freeze; } > requirements.txt
	rm -rf .lock-venv

clean:  ## remove build output (keeps .venv)
	rm -rf $(BUILD) notebooks/generated
