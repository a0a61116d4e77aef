# Quick start: `make serve` and `make test` on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install serve test browser office directory database index bench stress clean bytecode demo messages

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench,workers]'
	$(MAKE) -s bytecode
	touch $(STAMP)
	$(MAKE) -s $(MO)

# The CLI's message catalogue (bulletins/i18n.py): the .po is kept in git, the .mo is made here
# (without it the CLI compiles the .po in memory). `make messages` extracts the strings again
# (from bulletins/ and the settings table's help) and merges them into the .po.
PO := bulletins/locale/zh_CN/LC_MESSAGES/bulletins.po
MO := $(PO:.po=.mo)
$(MO): $(PO)
	$(BIN)/pybabel -q compile -i $(PO) -o $(MO)
messages: $(STAMP)
	mkdir -p var
	$(BIN)/pybabel -q extract -k Setting:4 --sort-by-file --add-location=file -o var/bulletins.pot bulletins indexer/present/settings.py
	$(BIN)/pybabel -q update -i var/bulletins.pot -l zh_CN -o $(PO) -w 100
	$(MAKE) -s $(MO)

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

# Debian's OpenLDAP server and client tools: the LDAP sign-in tests start their own slapd
# (its own config folder, a loopback port) and load it with ldapadd, like `browser`.
directory:
	@{ command -v slapd >/dev/null 2>&1 || test -x /usr/sbin/slapd; } && command -v ldapadd >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian slapd and ldap-utils for the LDAP tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd ldap-utils >/dev/null; \
	  else echo "slapd/ldapadd not found and cannot install them: LDAP tests will be skipped"; fi; }

# Debian's MariaDB server with the Mroonga and Spider plugins: the conformance suite of the
# search backends (tests/test_backend_conformance.py) starts its own mariadbd instances (their
# own data folders, loopback ports) and stops them by PID, like `directory`.
database:
	@{ command -v mariadbd >/dev/null 2>&1 || test -x /usr/sbin/mariadbd; } && \
	  test -e /usr/lib/mysql/plugin/ha_mroonga.so && test -e /usr/lib/mysql/plugin/ha_spider.so || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian mariadb-server, mariadb-plugin-mroonga and mariadb-plugin-spider for the backend tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      mariadb-server mariadb-plugin-mroonga mariadb-plugin-spider >/dev/null; \
	  else echo "mariadbd (with Mroonga and Spider) not found and cannot install it: MariaDB backend tests will be skipped"; fi; }

index: $(STAMP)
	$(BIN)/bulletins index

serve: $(STAMP) office
	$(BIN)/bulletins index
	$(BIN)/bulletins serve --host $(HOST) --port $(PORT)

# A realistic first look: the 《新闻联播》 archive (1,423 issues, ~20,000 articles) where
# ../shared has it, read in place; otherwise the real public documents the project ships
# (tests/public: gov.cn 公文, OFD 公文, a 简报) with corpus/. Its own index, var/demo/.
XINWEN ?= ../shared/corpora/xinwen-lianbo
DEMO := var/demo
demo: $(STAMP) office
	@if [ -d "$(XINWEN)" ]; then echo "demo: the 《新闻联播》 archive in $(XINWEN)"; corpus="$(XINWEN)"; \
	  index="$(DEMO)/index-xinwen"; \
	else echo "demo: $(XINWEN) not found: the public documents in tests/public and corpus/"; \
	  corpus="$(DEMO)/corpus"; index="$(DEMO)/index-public"; rm -rf "$$corpus"; mkdir -p "$$corpus"; \
	  cp corpus/* tests/public/gov-cn-* tests/public/qingcheng-* tests/public/ofdrw-n-pifu.ofd \
	     tests/public/ofdrw-testPathFillOpacity-han.ofd "$$corpus"/; fi; \
	$(BIN)/bulletins index --corpus "$$corpus" --index "$$index" && \
	$(BIN)/bulletins serve --corpus "$$corpus" --index "$$index" --host $(HOST) --port $(PORT)

test: $(STAMP) browser office
test: $(STAMP) browser office directory database
	$(PY) -m pytest -q

bench: $(STAMP) bytecode
	$(PY) -m bench.run

# The long runs, the fuzzing of every reader among them (FUZZ_SECONDS per format, tests/test_fuzz_readers.py).
FUZZ_SECONDS ?= 60
stress: $(STAMP) browser
	BULLETINS_FUZZ_SECONDS=$(FUZZ_SECONDS) $(PY) -m pytest -q -s -m stress --run-stress tests

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
