# The two commands a new user needs: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: serve test test-sqlite test-postgres clients lint typecheck schema migrations install clean bench bench-data \
	bench-postgraphile soak docs browser prometheus graphiql-assets lock env-example compose outcomes

# The run-time dependencies at requirements.lock's versions (as in the image); the test tools
# at pyproject.toml's pins.
$(INSTALLED): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e ".[test]"
	touch $@

install: $(INSTALLED)

## Migrate (embedded SQLite unless DATABASE_URL is set), load the demo data into an empty
## database (first run only), and serve on HOST:PORT (127.0.0.1:8000) with WORKERS processes.
serve: $(INSTALLED)
	$(BIN)/mentorgraph migrate
	$(BIN)/mentorgraph seed-demo --if-empty
	$(BIN)/mentorgraph serve

## Lint, type-check, then the whole suite on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
## The two runs go side by side (most of a run waits on server processes and sockets, and they
## share nothing: each has its own database, temporary folders and loopback ports); each run's
## output is printed whole when it ends, and either failing fails `make test`.
test: $(INSTALLED) lint typecheck browser prometheus clients compose
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: $(INSTALLED)
	TEST_DB=sqlite $(BIN)/pytest

test-postgres: $(INSTALLED)
	@if [ -n "$$TEST_DATABASE_URL" ]; then TEST_DB=postgres $(BIN)/pytest; \
	else echo "TEST_DATABASE_URL not set: skipped the PostgreSQL run"; fi

## The browser tests/api/test_graphiql_browser.py drives: Debian's Chromium (installed if missing).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

## The Prometheus server (and promtool) tests/ops/test_metrics.py scrapes /metrics and checks the
## dashboard with: Debian's package (installed if missing).
prometheus:
	@test -x /usr/bin/prometheus -a -x /usr/bin/promtool || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus)

## A validator for docker-compose.yml (tests/ops/test_deployment.py runs `config`, which needs no
## Docker engine): the compose plugin if present, else Debian's docker-compose (installed if missing).
compose:
	@docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose)

## Re-resolve requirements.lock (the image's exact run-time packages) from pyproject.toml.
lock: $(INSTALLED)
	$(BIN)/python scripts/lock_requirements.py

## Rewrite docs/lifecycle.md, docs/read-rules.md and docs/error-codes.md from the code (a test
## fails while one is stale).
docs: $(INSTALLED)
	$(BIN)/python -m mentorgraph.reference_docs

## Rewrite .env.example from mentorgraph/settings.py (a test fails while it is stale).
env-example: $(INSTALLED)
	$(BIN)/python scripts/env_example.py

## Vendor GraphiQL's pinned builds (scripts/graphiql/package-lock.json) into
## mentorgraph/graphiql/static with their hashes and licences; GRAPHIQL_ARGS=--update-lock
## after changing versions in scripts/graphiql/package.json.
GRAPHIQL_ARGS ?=
graphiql-assets: $(INSTALLED)
	$(BIN)/python scripts/refresh_graphiql.py $(GRAPHIQL_ARGS)

## The JavaScript client suites' pinned npm packages (tests/js, tests/clients/*), from their
## lockfiles, when missing or older than the lockfile. Needs Node.js 20+ and npm (.ci/run installs them).
CLIENT_DIRS := tests/js $(wildcard tests/clients/*)
clients:
	@command -v node >/dev/null && command -v npm >/dev/null || \
	  { echo "make test needs Node.js 20+ and npm for the client suites (.ci/run installs them)"; exit 1; }
	@for dir in $(CLIENT_DIRS); do \
	  [ $$dir/node_modules/.package-lock.json -nt $$dir/package-lock.json ] || \
	  (cd $$dir && npm ci --no-audit --no-fund) || exit 1; \
	done

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(INSTALLED)
	$(BIN)/mypy

## Speed against PostGraphile 5 and a bare SQL endpoint (not part of `make test`): PostgreSQL
## at BENCH_DATABASE_URL (a database named mg_bench_*, recreated), wrk (installed from Debian if missing).
## BENCH_SCALE=1 is 10,000 mentors; BENCH_ARGS go to `python -m bench run`. Writes docs/benchmarks.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mg_bench_data
BENCH_SCALE ?= 1
BENCH_ARGS ?=
bench: $(INSTALLED) bench-postgraphile
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench --database-url $(BENCH_DATABASE_URL) generate --scale $(BENCH_SCALE)
	$(BIN)/python -m bench --database-url $(BENCH_DATABASE_URL) run $(BENCH_ARGS)

bench-postgraphile: bench/postgraphile/node_modules/.installed
bench/postgraphile/node_modules/.installed: bench/postgraphile/package.json bench/postgraphile/package-lock.json
	cd bench/postgraphile && npm ci --no-audit --no-fund
	touch $@

## Reliability under abuse (not part of `make test`): SOAK_SECONDS of mixed load with cancelled
## mutations, slow readers, a PostgreSQL restart and a killed worker against 2 workers on a
## throw-away PostgreSQL cluster of its own (server binaries from Debian's postgresql package),
## then the invariants in SQL. SOAK_ARGS=--short tries it in 30 s. Writes docs/reliability.md.
SOAK_SECONDS ?= 180
SOAK_ARGS ?=
soak: $(INSTALLED)
	$(BIN)/python -m bench.soak --seconds $(SOAK_SECONDS) $(SOAK_ARGS)

## The request process's outcomes, simulated (not part of `make test`): 60 days of synthetic
## mentors and mentees through the real rules, sweep, clock and outbox on a throw-away SQLite
## database; writes docs/outcomes.md and docs/outcomes/*.png. The rules' thresholds are the
## settings (e.g. `INACTIVE_EXPIRIES=1 make outcomes`); SIMULATE_ARGS go to `mentorgraph simulate`.
SIMULATE_ARGS ?=
outcomes: $(INSTALLED)
	$(BIN)/python -m mentorgraph simulate --write-docs $(SIMULATE_ARGS)

## Re-export the SDL snapshot after changing the schema.
schema: $(INSTALLED)
	$(BIN)/python -c "from mentorgraph.schema import build_schema; from mentorgraph.schema.build import SDL_PATH; \
	SDL_PATH.write_text(build_schema().as_str() + '\n')"

## Write a migration for model changes.
migrations: $(INSTALLED)
	DATABASE_URL=sqlite:///tmp/mentorgraph-makemigrations.sqlite3 $(BIN)/tortoise makemigrations

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
