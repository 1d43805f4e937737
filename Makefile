# The README's two commands: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_CLIENTS ?= 300
PYTEST_ARGS ?=

.PHONY: demo test lint format bootstrap bench call clean

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[telephony,desktop,sync,dev]'
	touch $(STAMP)

bootstrap:
	./scripts/bootstrap-system

demo: $(STAMP)
	$(PY) -m dispatcher db upgrade
	$(PY) -m dispatcher seed-demo --clients $(DEMO_CLIENTS) --if-empty
	$(PY) -m dispatcher demo

test: $(STAMP) bootstrap
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
