# The README's two commands: `make demo` and `make test`. Everything else is for developers.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_CLIENTS ?= 300
PYTEST_ARGS ?=

.PHONY: demo test test-installer installer lint format bootstrap bootstrap-desktop bench call screenshots translations clean

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[telephony,desktop,sync,bundle,dev]'
	touch $(STAMP)

bootstrap:
	./scripts/bootstrap-system

# What the window needs on a real X display (Qt's xcb plugin libraries); reports, never fails.
bootstrap-desktop:
	./scripts/bootstrap-system desktop

# Qt translations: .ts sources are committed, .qm files are built here (fast, always fresh).
translations: $(STAMP)
	$(PY) -m app.i18n

# A real SIP call into the running demo workspace (`make demo`), from NUMBER as a PBX sends it.
# The default is the first demo client's number; an unknown number opens the new-client form.
NUMBER ?= 89106499401
DEMO_SIP_PORT ?= 5062
call: $(STAMP)
	$(PY) -m telephony dial sip:operator@127.0.0.1:$(DEMO_SIP_PORT) --from '$(NUMBER)' --hangup-after 30

# The workspace's main states as PNG files in docs/screenshots/ (offscreen, real SIP calls).
screenshots: $(STAMP) translations
	$(PY) -m app.screenshots docs/screenshots
	DISPATCH_SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q tests/courier_sync/test_web_app.py tests/courier_sync/test_portal_web.py

demo: $(STAMP) bootstrap-desktop translations
	$(PY) -m dispatcher db upgrade
	$(PY) -m dispatcher seed-demo --clients $(DEMO_CLIENTS) --if-empty
	$(PY) -m app --demo

# Under CI=true (.ci/run) this includes tests/installer/test_deb.py: it builds the bundle and
# the .deb, installs it with apt, rings the installed desk and removes it (a few minutes).
test: $(STAMP) bootstrap translations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

# The package test alone, outside CI (it installs and removes the dispatch-desk package).
test-installer: $(STAMP) bootstrap translations
	DISPATCH_TEST_INSTALLER=1 $(PY) -m pytest -v tests/installer $(PYTEST_ARGS)

# The desktop bundle (dist/bundle/dispatch-desk), dist/dispatch-desk_VERSION_amd64.deb and,
# with makensis and a Windows build in dist/windows/dispatch-desk, the Windows installer.
installer: $(STAMP) translations
	$(PY) installer/build.py all

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Every benchmark, one JSON line each, into bench/out/<name>.json; figures go to bench/RESULTS.md.
# The million-client SQLite file is seeded once in bench/out/db and shared.
# BENCH_LONG=1 runs the long sizes: 30 desks for 10 minutes, a 2,000-call soak (~1 h); without
# it the desks work 2 minutes and the soak is 200 calls, so `make bench` stays under 30 minutes
# once the million-client file exists (seeding it takes ~12 minutes the first time).
BENCH_DB ?= bench/out/db
BENCH_LONG ?=
DESKS_ARGS := $(if $(BENCH_LONG),,--minutes 2)
SOAK_ARGS := $(if $(BENCH_LONG),,--calls 200)
bench: $(STAMP) bootstrap translations
	mkdir -p bench/out
	$(PY) -m bench lookup --db-dir $(BENCH_DB) | tee bench/out/lookup.json
	$(PY) -m bench sip_pop | tee bench/out/sip_pop.json
	$(PY) -m bench sync | tee bench/out/sync.json
	$(PY) -m bench pop_to_screen --db-dir $(BENCH_DB) | tee bench/out/pop_to_screen.json
	$(PY) -m bench search --db-dir $(BENCH_DB) | tee bench/out/search.json
	$(PY) -m bench cold_start --db-dir $(BENCH_DB) | tee bench/out/cold_start.json
	$(PY) -m bench board --db-dir $(BENCH_DB) | tee bench/out/board.json
	$(PY) -m bench reports --db-dir $(BENCH_DB) | tee bench/out/reports.json
	$(PY) -m bench service | tee bench/out/service.json
	$(PY) -m bench portal | tee bench/out/portal.json
	$(PY) -m bench desks $(DESKS_ARGS) | tee bench/out/desks.json
	$(PY) -m bench soak --db-dir $(BENCH_DB) --clients 1000000 $(SOAK_ARGS) | tee bench/out/soak.json

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
