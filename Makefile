# Two commands set up a fresh machine: `make serve` and `make test`. Everything else is a detail.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export WRANGLER_SEND_METRICS := false
export CLOUDFLARE_CF_FETCH_ENABLED := false

.PHONY: setup serve build test verify bench mutation lint clean wheel

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

setup: $(STAMP)

serve: $(STAMP)  ## build and serve the site on http://127.0.0.1:8000
	$(BIN)/opsdocs serve --dev-addr 127.0.0.1:8000

build: $(STAMP)  ## strict build into site/
	$(BIN)/opsdocs build

test: $(STAMP)  ## the whole test suite (what CI runs)
	$(BIN)/pytest -q -ra

verify: $(STAMP)  ## check the docs against reality, write .opsdocs/report.json
	$(BIN)/opsdocs verify --require-isolation

wheel: $(STAMP)  ## the installable package in dist/ (carries the guides and the pinned mermaid)
	$(BIN)/python -m pip wheel --no-deps --quiet -w dist .

BENCH_STAMP := .venv-bench/.installed
$(BENCH_STAMP): benchmarks/baseline-requirements.txt
	test -x .venv-bench/bin/python || $(PY) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet -r benchmarks/baseline-requirements.txt
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)  ## benchmarks; the pytest-check-links baseline runs from .venv-bench
	$(BIN)/python benchmarks/run.py

mutation: $(STAMP)  ## mutation-test the safety classifier and the drift rules
	$(BIN)/mutmut run

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) .venv-bench node_modules site .opsdocs .wrangler test-output
