# The review's targets. `make book` and `make test` are the two commands in the README.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON_BASE ?= python3
VENV := .venv
PY := $(VENV)/bin/python
JB := $(VENV)/bin/jupyter-book
STAMP := $(VENV)/.installed
CFF_VENV := .venv-cff
CFF_STAMP := $(CFF_VENV)/.installed
BUILD ?= _build
JB_FLAGS := -W -n --keep-going

.PHONY: help sysdeps venv cff-venv chapters html pdf book test test-fast validate release release-build clean lock

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

# INSTALL=no builds with the environment in $(VENV) as it is and installs nothing into it
# (living-review verify, when the commit's pins are those installed where it runs).
INSTALL ?= yes
ifeq ($(INSTALL),no)
venv:
	@test -x $(PY) || { echo "INSTALL=no, but there is no environment at $(VENV)"; exit 1; }
else
venv: $(STAMP)  ## create .venv with the pinned requirements and the package (editable)
endif

# cffconvert pins jsonschema<4, which the book's tools cannot use: it gets its own environment.
$(CFF_STAMP): requirements-cff.txt
	rm -rf $(CFF_VENV) && $(PYTHON_BASE) -m venv $(CFF_VENV)
	$(CFF_VENV)/bin/pip install --quiet -r requirements-cff.txt
	touch $(CFF_STAMP)

cff-venv: $(CFF_STAMP)  ## separate environment with cffconvert, for the CITATION.cff schema test

chapters: venv  ## generate the per-drug chapters from their template (papermill)
	$(PY) -m living_review.book.chapters

# the maths renderer and its fonts, copied into the site so that it reads offline
MATHJAX := node_modules/mathjax/es5/tex-chtml.js
$(MATHJAX): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(MATHJAX)

validate: venv  ## validate data/ and stop on the first build step if it is invalid
	$(VENV)/bin/living-review validate data

# While a build runs, and after one that failed at any step (validation included),
# _build/INCOMPLETE says so: the pages in _build may then mix old and new results and must
# not be published or cited. The marker is written first; the data are validated before
# any chapter is generated or executed, so invalid data rewrite no ledger file.
html: venv $(MATHJAX)  ## validate data/, execute every chapter and build the HTML site into _build/html
	mkdir -p $(BUILD) && echo "HTML build started $$(date -u +%FT%TZ); not finished" > $(BUILD)/INCOMPLETE
	$(VENV)/bin/living-review validate data
	$(PY) -m living_review.book.chapters
	$(JB) build . --builder html --path-output . $(JB_FLAGS)
	$(PY) -m living_review.book.stale_images $(BUILD)/html
	rm -f $(BUILD)/INCOMPLETE

pdf: venv  ## validate data/ and build the PDF into _build/latex (after html, reuses its executed pages)
	mkdir -p $(BUILD) && echo "PDF build started $$(date -u +%FT%TZ); not finished" > $(BUILD)/INCOMPLETE
	$(VENV)/bin/living-review validate data
	$(PY) -m living_review.book.chapters
	$(JB) build . --builder pdflatex --path-output . $(JB_FLAGS)
	# the site's downloads get the new PDF (living_review.book.downloads)
	$(PY) -m living_review.book.downloads
	rm -f $(BUILD)/INCOMPLETE

book: sysdeps venv  ## set everything up, then build the HTML site and the PDF
	$(MAKE) html
	$(MAKE) pdf
	@echo "HTML: $(BUILD)/html/index.html"
	@echo "PDF:  $(BUILD)/latex/living-review.pdf"

# Tests run on every core (pytest-xdist), one test module per worker at a time, so that a
# module's shared fixtures are made once; the book built for the tests is built once per run.
TEST_JOBS ?= auto
test: sysdeps venv cff-venv  ## run the whole test suite (unit, reference and book-build tests)
	$(PY) -m pytest -n $(TEST_JOBS) --dist loadscope

test-fast: venv  ## unit tests only, without the book build
	$(PY) -m pytest -m "not slow" -n $(TEST_JOBS) --dist loadscope

# A release build is reproducible: every date in it (page footers, figure and PDF metadata,
# the archive's members) is the commit's date, for the whole build, in UTC and one locale;
# BLAS runs on one thread, so that no sum depends on thread scheduling. The BLAS kernel is
# never forced (OPENBLAS_CORETYPE): the one the CPU gets is recorded in environment.json.
RELEASE_ENV = SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct) FORCE_SOURCE_DATE=1 TZ=UTC LC_ALL=C.UTF-8 \
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
release-build: venv  ## build HTML and PDF from scratch as a release does (dates from the commit)
	$(MAKE) clean
	$(RELEASE_ENV) $(MAKE) html
	$(RELEASE_ENV) $(MAKE) pdf

# e.g. make release RELEASE_FLAGS="--scope reproduction --summary-only" (scopes: review.yml)
RELEASE_FLAGS ?=
release: venv  ## check, rebuild from scratch, write releases/<version>/ (summary.json, HTML+PDF archive, MANIFEST.tsv, environment.json, SHA256SUMS), tag v<version>
	$(VENV)/bin/living-review release --check $(RELEASE_FLAGS)
	$(MAKE) sysdeps
	$(MAKE) release-build
	$(RELEASE_ENV) $(VENV)/bin/living-review release --tag $(RELEASE_FLAGS)

lock:  ## re-resolve requirements.in into exact pins in requirements.txt
	rm -rf .lock-venv && $(PYTHON_BASE) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements.in
	{ echo "# Exact versions resolved and tested together (Python 3.11). Regenerate with 'make lock' after changing requirements.in."; \
	  .lock-venv/bin/pip freeze; } > requirements.txt
	rm -rf .lock-venv

clean:  ## remove build output (keeps .venv)
	rm -rf $(BUILD) notebooks/generated
