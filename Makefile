# Quick start: `make serve` and `make test` on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install serve test browser office index bench stress clean bytecode

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench,workers]'
	$(MAKE) -s bytecode
	touch $(STAMP)

# Compiled bytecode of the project's own modules: every `bulletins` process otherwise
# compiles them again where PYTHONDONTWRITEBYTECODE is set (~0.1 s of each `add`).
bytecode:
	@$(PY) -m compileall -q archive indexer webui bulletins bench >/dev/null

# Debian's Chromium for the browser tests (the machine has no other route to a browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "chromium not found and cannot install it: browser tests will be skipped"; fi; }

# Debian's LibreOffice (reads .doc/.wps; makes the test PDFs) and CJK fonts, like `browser`.
office:
	@command -v soffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian libreoffice-writer-nogui and fonts-noto-cjk (reads .doc/.wps)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      libreoffice-writer-nogui fonts-noto-cjk >/dev/null; \
	  else echo "soffice not found and cannot install it: .doc/.wps are rejected, their tests skipped"; fi; }

index: $(STAMP)
	$(BIN)/bulletins index

serve: $(STAMP) office
	$(BIN)/bulletins index
	$(BIN)/bulletins serve --host $(HOST) --port $(PORT)

test: $(STAMP) browser office
	$(PY) -m pytest -q

bench: $(STAMP) bytecode
	$(PY) -m bench.run

stress: $(STAMP) browser
	$(PY) -m pytest -q -s -m stress --run-stress tests

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
