# The README's two commands: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_CLIENTS ?= 300
PYTEST_ARGS ?=

.PHONY: demo test lint format bootstrap bench call screenshots translations clean

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[telephony,desktop,sync,dev]'
	touch $(STAMP)

bootstrap:
	./scripts/bootstrap-system

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
	DISPATCH_SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q tests/courier_sync/test_web_app.py

demo: $(STAMP) translations
	$(PY) -m dispatcher db upgrade
	$(PY) -m dispatcher seed-demo --clients $(DEMO_CLIENTS) --if-empty
	$(PY) -m app --demo

test: $(STAMP) bootstrap translations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Every benchmark, one JSON line each, into bench/out/<name>.json; figures go to bench/RESULTS.md.
BENCHES ?= lookup sip_pop sync
bench: $(STAMP) bootstrap
	mkdir -p bench/out
	set -e; for name in $(BENCHES); do $(PY) -m bench $$name | tee bench/out/$$name.json; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
