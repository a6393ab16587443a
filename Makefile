# Two commands on a fresh machine: `make serve` and `make test`. Both create .venv when needed.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: serve test redis-server system-deps check-system-deps test-deps docs lint typecheck bench soak contracts \
	schemathesis-long lock clean

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

# the Redis tests need a real redis-server (Debian's package); `make bench` installs it here when missing
REDIS_SERVER := $(shell command -v redis-server 2>/dev/null)
redis-server:
ifeq ($(REDIS_SERVER),)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server
endif

# System packages some suites need, as Debian-package:executable pairs (tests/system_packages.py knows the same):
# redis-server for the Redis store, Chromium for the board's browser test (Playwright with executable_path; no
# browser download), Node and curl for the interception tests (tests/test_ingress_*.py). `make test` installs the
# missing ones only as root with CI set (.ci/run); anyone else runs
# without them and those tests are skipped, each naming its package. REQUIRE_SYSTEM_DEPS=1 turns the skips into
# failures.
CHROMIUM ?= /usr/bin/chromium
SYSTEM_PACKAGES := redis-server:redis-server chromium:$(CHROMIUM) nodejs:node curl:curl
missing_packages = $(foreach p,$(SYSTEM_PACKAGES),$(if $(shell command -v $(word 2,$(subst :, ,$(p))) 2>/dev/null),,$(word 1,$(subst :, ,$(p)))))

system-deps:
	@M="$(strip $(missing_packages))"; [ -z "$$M" ] || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$M; }

check-system-deps:
	@M="$(strip $(missing_packages))"; [ -z "$$M" ] || { echo "missing system packages: $$M (make system-deps as root)"; exit 1; }

TEST_SYSTEM_DEPS := $(if $(and $(CI),$(filter 0,$(shell id -u))),system-deps)

# four workers on two cores: many tests wait on servers and subprocesses, so two workers kept the CPU half idle
# (pytest 161 s with -n 2, 115 s with -n 4, 108 s when idle workers steal queued tests, on this 2-core machine)
test: $(STAMP) $(TEST_SYSTEM_DEPS)
	$(BIN)/ruff check mockserver clients contracts tests bench openapi
	$(BIN)/mypy
	$(BIN)/pytest -n 4 --dist worksteal tests contracts

# The published ranges at both ends: lowest-direct and highest resolutions, each in a venv under build/deps (~3 min)
test-deps: $(STAMP)
	$(BIN)/python -m tests.deps.run

# The documentation site into build/site (make test checks it with tests/test_docs_site.py)
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

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
