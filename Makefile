# One-command set-up: every target creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# MNIST comes from $MNIST_DIR; on the build machines the shared copy sits beside the checkout.
MNIST_DIR ?= $(if $(wildcard ../shared/datasets/mnist/SHA256SUMS),$(abspath ../shared/datasets/mnist),)
export MNIST_DIR
export PIP_DISABLE_PIP_VERSION_CHECK := 1

STAMP := $(VENV)/.installed

.PHONY: install book test lab clean benchmark profile-build report-check lint pdf pdf-check

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; fi
	@touch $@

install: $(STAMP)

book: install  ## execute the chapters that changed (full profile) and build _build/html
	$(BIN)/python -m mlp_report.build.book --profile full

test: install  ## unit tests, quick-profile chapters, book build, browser checks (on 2 workers; the quick book is built once, from the start)
	$(BIN)/python -m pytest -n 2 --dist loadfile

# TeX for `make pdf`: Debian's packages, installed where the build's check finds something missing
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended \
  texlive-pictures fonts-freefont-otf latexmk
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

pdf: install  ## the whole book as one PDF from the executed chapters (after make book): _build/pdf/mlp-report.pdf
	@$(BIN)/python -m mlp_report.build.pdf --check-tex || { $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $(TEX_PACKAGES); }
	$(BIN)/python -m mlp_report.build.pdf

pdf-check: install  ## checks on the PDF (after make pdf): text, captions, glued values, fonts, page images
	@command -v pdftotext >/dev/null || { $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends poppler-utils; }
	$(BIN)/python -m pytest tests/report/test_pdf_full.py --full-report .cache/book/full --pdf _build/pdf/mlp-report.pdf

report-check: install  ## checks on the executed full-profile notebooks (after make book)
	$(BIN)/python -m pytest tests/report --full-report .cache/book/full

lab: install  ## JupyterLab on the paired text notebooks (jupytext.toml pairs chapters/*.md with .ipynb)
	@$(BIN)/python -c "import jupyterlab, jupyterlab_myst" 2>/dev/null || $(BIN)/python -m pip install -q -e ".[test,lab]"
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/chapters $(if $(filter 0,$(shell id -u)),--allow-root,)

benchmark: install  ## fit vs compiled-loop speed (see README, Performance)
	$(BIN)/python benchmarks/training_speed.py

profile-build: install  ## a cold full build in a temporary folder, timed per chapter (README, Performance); .cache/ untouched
	$(BIN)/python -m mlp_report.build.book --profile full --profile-build

lint: install  ## ruff on the package, tests, tools and the chapters' code cells
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/python tools/chapter_code.py lint

clean:  ## everything built: the HTML, the executed chapters, the results and the training-run cache
	rm -rf _build .cache artifacts .pytest_cache .ruff_cache
