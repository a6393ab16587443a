# Two commands on a fresh machine: `make serve` and `make test`. Both create .venv when needed.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: serve test lint typecheck bench contracts schemathesis-long clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/dashscope-mock serve --profile dev

test: $(STAMP)
	$(BIN)/ruff check mockserver clients contracts tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2 tests contracts

lint: $(STAMP)
	$(BIN)/ruff check mockserver clients contracts tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# make contracts [CONTRACTS_TARGET=https://dashscope.aliyuncs.com/api/v1 ALLOW_SPEND=4]; the report: build/contracts/drift.md
CONTRACTS_TARGET ?= mock
contracts: $(STAMP)
	$(BIN)/pytest contracts --target $(CONTRACTS_TARGET) $(if $(ALLOW_SPEND),--allow-spend $(ALLOW_SPEND))

SCHEMATHESIS_MAX_EXAMPLES ?= 300
schemathesis-long: $(STAMP)
	SCHEMATHESIS_MAX_EXAMPLES=$(SCHEMATHESIS_MAX_EXAMPLES) $(BIN)/pytest -n 2 tests/test_schemathesis.py

# wrk comes from the distribution's packages; installed here when missing (sudo unless root)
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { S=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$S apt-get update -qq && $$S apt-get install -y -qq wrk; }
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info
