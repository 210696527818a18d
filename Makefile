# One-command set-up: every target creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# MNIST comes from $MNIST_DIR; on the build machines the shared copy sits beside the checkout.
MNIST_DIR ?= $(if $(wildcard ../shared/datasets/mnist/SHA256SUMS),$(abspath ../shared/datasets/mnist),)
export MNIST_DIR
export PIP_DISABLE_PIP_VERSION_CHECK := 1

STAMP := $(VENV)/.installed

.PHONY: install book test lab preview clean benchmark benchmark-playground profile-build report-check lint pdf pdf-check publish

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip "setuptools>=77"   # the wheel of the book's downloads is built with it
	$(BIN)/python -m pip install -q -e ".[test]"
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; fi
	@# .venv sits inside this checkout, whose package.json says "type": "module" (the widget's JS is ES
	@# modules): without this, node runs JupyterLab's own CommonJS scripts as ES modules and crashes
	@echo '{"type": "commonjs"}' > $(VENV)/package.json
	@# kernels of this environment log errors only: papermill typed on the command line (which cannot pass
	@# --IPKernelApp.log_level, as the book does) then prints no "running over TCP without encryption" warning
	@mkdir -p $(VENV)/etc/ipython && echo '{"IPKernelApp": {"log_level": "ERROR"}}' > $(VENV)/etc/ipython/ipython_kernel_config.json
	@touch $@

install: $(STAMP)

book: install  ## execute the chapters that changed (full profile) and build _build/html
	$(BIN)/python -m mlp_report.build.book --profile full

test: install  ## unit tests, quick-profile chapters, book build, browser checks (on 2 workers; the quick book is built once, from the start; tests/conftest.py orders the files)
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

# make lab PROFILE=quick LAB_ARGS="--no-browser --port 8899": chapters run in Lab use that profile
# (MLP_REPORT_PROFILE, honoured by each chapter's first cell when papermill injected nothing), without
# an edit of the chapter. .jupyter/labconfig holds this repository's Lab defaults (autosave off).
PROFILE  ?=
LAB_ARGS ?=
LAB_ENV  := TF_CPP_MIN_LOG_LEVEL=3 JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))" \
  $(if $(PROFILE),MLP_REPORT_PROFILE=$(PROFILE))

lab: install  ## JupyterLab on the paired text notebooks (jupytext.toml pairs chapters/*.md with .ipynb)
	@$(BIN)/python -c "import jupyterlab, jupyterlab_myst" 2>/dev/null || $(BIN)/python -m pip install -q -e ".[test,lab]"
	$(LAB_ENV) $(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/chapters \
	  $(if $(filter 0,$(shell id -u)),--allow-root,) $(LAB_ARGS)

# make preview [PROFILE=quick] [PREVIEW_ARGS="--port 8001 --open-browser"]
PREVIEW_ARGS ?=
preview: install  ## the book served on http://127.0.0.1:8000, rebuilt (only what changed) on every save
	@$(BIN)/python -c "import sphinx_autobuild" 2>/dev/null || $(BIN)/python -m pip install -q -e ".[test,lab]"
	$(BIN)/python -m mlp_report.build.preview $(if $(PROFILE),--profile $(PROFILE)) $(PREVIEW_ARGS)

benchmark: install  ## fit vs compiled-loop speed (see README, Performance)
	$(BIN)/python benchmarks/training_speed.py

benchmark-playground: install  ## the widget's frames per second against TF Playground's build (see README)
	$(BIN)/python benchmarks/playground_fps.py

profile-build: install  ## a cold full build in a temporary folder, timed per chapter (README, Performance); .cache/ untouched
	$(BIN)/python -m mlp_report.build.book --profile full --profile-build

lint: install  ## ruff on the package, tests, tools and the chapters' code cells; the GitHub workflow against GitHub's schema
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/python tools/chapter_code.py lint
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/book.yml

# Where `make publish` pushes the gh-pages branch: a remote's name or a repository's path or URL
REMOTE ?= origin
HTML   ?= _build/html

publish: install  ## push the built book (after make book; with the PDF after make pdf) to REMOTE's gh-pages branch
	@test -f $(HTML)/index.html || { echo "error: no book in $(HTML): run make book first" >&2; exit 1; }
	$(BIN)/ghp-import --no-jekyll --push --force --remote $(REMOTE) --branch gh-pages \
	  --message "Publish the book built from $$(git rev-parse --short HEAD 2>/dev/null || echo an unknown commit)" $(HTML)

clean:  ## everything built: the HTML, the executed chapters, the results and the training-run cache
	rm -rf _build .cache artifacts .pytest_cache .ruff_cache
