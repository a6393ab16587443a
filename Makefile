# Two commands on a fresh machine: `make serve` and `make test`. Both create .venv when needed.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: serve test redis-server nodejs lint typecheck bench soak contracts schemathesis-long lock clean

# pyproject.toml holds compatible ranges; constraints.txt the exact set every venv here (and CI) installs.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Re-resolve the newest versions the ranges allow, in a throwaway venv, and pin them in constraints.txt.
LOCK_VENV := build/lock-venv
lock:
	rm -rf $(LOCK_VENV)
	$(PY) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install -q --upgrade pip
	$(LOCK_VENV)/bin/pip install -q -e '.[dev]'
	{ echo "# Exact versions for pyproject.toml's ranges, all extras; written by 'make lock' (Python $$($(LOCK_VENV)/bin/python -c 'import platform; print(platform.python_version(), platform.system())'))."; \
	  echo "# Used as: pip install -c constraints.txt -e '.[dev]'  (the Makefile, CI and tests/test_wheel.py)."; \
	  $(LOCK_VENV)/bin/pip freeze --exclude-editable --all | grep -v '^pip=='; } > constraints.txt
	rm -rf $(LOCK_VENV)

serve: $(STAMP)
	$(BIN)/dashscope-mock serve --profile dev

# the Redis tests need a real redis-server (Debian's package); without one they fail, never skip
REDIS_SERVER := $(shell command -v redis-server 2>/dev/null)
redis-server:
ifeq ($(REDIS_SERVER),)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server
endif

# the interception tests drive curl and Node's fetch (tests/test_ingress_*.py); Debian's packages when missing
NODE_AND_CURL := $(shell command -v node >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 && echo yes)
nodejs:
ifeq ($(NODE_AND_CURL),)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs curl
endif

# the board's browser test drives Debian's Chromium (Playwright with executable_path; no browser download)
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	command -v apt-get >/dev/null && (apt-get update -q && apt-get install -y -q chromium) \
		|| echo "no apt-get: install Chromium yourself (CHROMIUM=/path); the browser test is skipped without it"

test: $(STAMP) redis-server nodejs $(CHROMIUM)
	$(BIN)/ruff check mockserver clients contracts tests bench openapi
	$(BIN)/mypy
	$(BIN)/pytest -n 2 tests contracts

lint: $(STAMP)
	$(BIN)/ruff check mockserver clients contracts tests bench openapi

typecheck: $(STAMP)
	$(BIN)/mypy

# make contracts [CONTRACTS_TARGET=https://dashscope.aliyuncs.com/api/v1 ALLOW_SPEND=4]; the report: build/contracts/drift.md
CONTRACTS_TARGET ?= mock
contracts: $(STAMP)
	$(BIN)/pytest contracts --target $(CONTRACTS_TARGET) $(if $(ALLOW_SPEND),--allow-spend $(ALLOW_SPEND))

SCHEMATHESIS_MAX_EXAMPLES ?= 300
schemathesis-long: $(STAMP)
	SCHEMATHESIS_MAX_EXAMPLES=$(SCHEMATHESIS_MAX_EXAMPLES) $(BIN)/pytest -n 2 tests/test_schemathesis.py

# wrk and valgrind (the request log's cost in instructions) come from the distribution's packages; installed
# here when missing (sudo unless root)
bench: $(STAMP) redis-server
	@command -v wrk >/dev/null 2>&1 && command -v valgrind >/dev/null 2>&1 || { S=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$S apt-get update -qq && $$S apt-get install -y -qq wrk valgrind; }
	$(BIN)/python -m bench

# kill -9 under load with the SQLite store (and Redis with SOAK_REDIS_URL), hostile input, slow clients (~2 min)
soak: $(STAMP) redis-server
	$(BIN)/python -m tests.soak.run

clean:
	rm -rf $(VENV) build *.egg-info
