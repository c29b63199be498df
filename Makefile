# Set-up is two commands on a fresh clone (Python 3.11, pip, Node/npm):
#   make serve   install the pinned dependencies, build, serve on http://127.0.0.1:8000
#   make test    the whole suite: unit tests, doctests, every doc fence, the strict
#                build and the browser tests, timed against one clean build
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
KATEX := node_modules/katex/dist/katex.min.js
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
export NO_MKDOCS_2_WARNING := 1
# Builds are reproducible: the only date in the site (the sitemap's lastmod) is the last
# commit's, so two builds of one commit are byte-identical on any day.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)

.PHONY: install serve build pdf lint test bench browser lock clean

install: $(INSTALLED) $(KATEX)

# The lock pins every package with its hashes; mvc itself is installed editable (as the
# distribution multivariate-calculus-ml; a .venv made before the rename also held it as
# "mvc", which goes).
$(INSTALLED): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes --no-deps -r requirements.lock
	$(PIP) uninstall --yes mvc 2>/dev/null || true
	$(PIP) install --no-deps --no-build-isolation --editable .
	touch $@

# KaTeX, served by the site itself (docs/hooks/katex.py), pinned by package-lock.json.
$(KATEX): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Rebuilds on every save, only the edited pages (--dirty), with fences and labs from a
# cache under .cache/ while their code and all they read are unchanged; a change to
# anything pages share renders them all again (docs/hooks/exec_cache.py, serve.py). An
# edit to a chapter shows in seconds. `make build` and `make test` never use the cache.
serve: install
	MVC_EXEC_CACHE=.cache/exec $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload --dirty

build: install
	$(BIN)/mkdocs build --strict

# The whole course as one PDF, site/course.pdf, printed by the headless Chromium.
pdf: build browser
	$(BIN)/python tools/print_pdf.py site site/course.pdf

# The browser tests drive Debian's chromium (Playwright cannot download its own here),
# or the browser named by $CHROMIUM (GitHub's runners use their Google Chrome).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@test -n "$$CHROMIUM" || command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# Style and types, in seconds, before anything slow: ruff's rules and formatting
# (pyproject.toml) on the whole tree, mypy on mvc.
FORMATTED := .
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check $(FORMATTED)
	$(BIN)/mypy

# One clean build, timed, then pytest on every core against that build; prints how many
# builds' time the whole run took (tools/test_run.py). Pass pytest options with ARGS=.
test: lint install browser
	$(BIN)/python tools/test_run.py $(ARGS)

# Re-pin after changing the dependencies in pyproject.toml.
# The benchmarks (not part of make test) run in their own environment with the peers
# (JAX, numdifftools) from requirements-bench.lock, and write mvc/data/benchmarks.json,
# which ships with the package so the Benchmarks page's code runs for a reader too.
BENCH := .venv-bench
$(BENCH)/.installed: requirements-bench.lock pyproject.toml
	$(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip --quiet --disable-pip-version-check install --require-hashes --no-deps -r requirements-bench.lock
	$(BENCH)/bin/python -m pip --quiet --disable-pip-version-check install --no-deps --no-build-isolation --editable .
	touch $@

bench: $(BENCH)/.installed $(KATEX) browser
	$(BENCH)/bin/python tools/bench.py

COMPILE := .venv-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --strip-extras
# One extra names another (test needs "multivariate-calculus-ml[docs]"), so pip-compile
# also pins the project itself, as an unhashed file:// path of this clone. The install
# above adds it editable instead: that entry and pip-compile's warning about it go.
UNPIN_SELF := sed -i -e '/^\# WARNING: pip install will require the following package/d' \
	  -e '/^\# Consider using a hashable URL/d' -e '/^multivariate-calculus-ml @ /{N;d;}'
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet pip-tools
	$(COMPILE) --extra test -o requirements.lock pyproject.toml
	$(UNPIN_SELF) requirements.lock
	cp requirements.lock requirements-bench.lock
	$(COMPILE) --extra test --extra bench -o requirements-bench.lock pyproject.toml
	$(UNPIN_SELF) requirements-bench.lock
	rm -rf .venv-lock

clean:
	rm -rf site .pytest_cache .hypothesis test-artifacts .cache
