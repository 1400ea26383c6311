"""`python -m bench generate | run` — see bench/README.md; `make bench` does both."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from dataclasses import asdict
from pathlib import Path

from bench.generate import Plan, generate
from bench.report import render, write_section
from bench.run import Options, run
from bench.servers import POSTGRAPHILE, SERVERS
from bench.shapes import SHAPES

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mg_bench_data"
RESULTS = Path(__file__).resolve().parent / "results"

NOTES = """"mentorgraph" is the server as deployed: on PostgreSQL, queries the fast read path
supports are answered by one statement that builds the JSON (`resolvers/fast_reads/`);
"mentorgraph-ordinary" is the same server with `FAST_READS=false`, every query through
Strawberry's executor.
Each server ran as one process (uvicorn with one worker; one Node process), all on the same
database at once, measured interleaved: per shape, each server in turn under the same wrk load
(one client thread, the connections, warm-up and duration in the command) while the others
idle, for the rounds in the command, the order reversed every other round; req/s is over all
rounds, p50 their mean, p99 the worst. SQL/op counts statements seen by a counting proxy in front of
PostgreSQL (extended-protocol executions plus simple queries) over 10 operations after a warm-up;
"reset" is the pool's `RESET ALL`-style round trip after each release. "same data": the answers
equal the first server's, ignoring ids and cursors (each server encodes its own). "load avg":
the machine's 1/5/15-minute load when the shape's run started (2 cores, shared with other
engineers' test runs)."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="recreate the database and fill it")
    gen.add_argument("--scale", type=float, default=1.0, help="1 = 10,000 mentors")
    gen.add_argument("--requests", type=int, help="requests (default 200,000 x scale)")
    go = commands.add_parser("run", help="measure every server on the existing data")
    go.add_argument("--shapes", default=",".join(str(n) for n in SHAPES))
    go.add_argument(
        "--servers",
        default=",".join(kind.name for kind in SERVERS),
        help="which servers to run, in this order",
    )
    go.add_argument("--connections", type=int, default=16)
    go.add_argument("--warmup", type=float, default=3)
    go.add_argument("--seconds", type=float, default=8)
    go.add_argument(
        "--rounds", type=int, default=2, help="interleaved rounds per shape (order reversed)"
    )
    go.add_argument("--no-doc", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args(argv)

    if args.command == "generate":
        plan = Plan.at_scale(args.scale, args.requests)
        print(f"Generating {plan} into {args.database_url}", file=sys.stderr)
        generate(args.database_url, plan)
        return
    options = Options(
        database_url=args.database_url,
        shapes=tuple(int(n) for n in args.shapes.split(",")),
        servers=tuple(args.servers.split(",")),
        connections=args.connections,
        warmup=args.warmup,
        seconds=args.seconds,
        rounds=args.rounds,
        logs=RESULTS / "logs",
    )
    results = run(options, log=lambda line: print(line, file=sys.stderr, flush=True))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps([asdict(r) for r in results], indent=1))
    data = asyncio_counts(args.database_url)
    section = render(
        results,
        command="python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv),
        data=data,
        node=str(POSTGRAPHILE / "node_modules" / "node" / "bin" / "node"),
        notes=NOTES,
    )
    print(section)
    if not args.no_doc:
        write_section(section)


def asyncio_counts(url: str) -> str:
    import asyncio

    import asyncpg

    async def counts() -> str:
        conn = await asyncpg.connect(url)
        try:
            parts = []
            for label, sql in [
                ("mentors", "SELECT count(*) FROM users WHERE is_mentor"),
                ("other users", "SELECT count(*) FROM users WHERE NOT is_mentor"),
                ("requests", "SELECT count(*) FROM mentorship_requests"),
                ("request events", "SELECT count(*) FROM request_events"),
            ]:
                parts.append(f"{await conn.fetchval(sql):,} {label}")
            return ", ".join(parts) + " (`python -m bench generate`)"
        finally:
            await conn.close()

    return asyncio.run(counts())


if __name__ == "__main__":
    main()
