"""`python -m bench.soak [--seconds 180 | --short] [--abuse ws,http,slow | none]
[--report docs/reliability.md]`.

Needs PostgreSQL's server binaries (`/usr/lib/postgresql/*/bin`): it runs its own throw-away
cluster, never the machine's. Exits 1 when an invariant is violated (a rule in SQL, a
subscriber's events, a transaction left open).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bench.servers import ROOT
from bench.soak.report import render
from bench.soak.run import ABUSE_KINDS, Plan, soak


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--seconds", type=float, default=180, help="duration (default 180)")
    parser.add_argument("--short", action="store_true", help="30 s, to try it out")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--report",
        type=Path,
        default=ROOT / "docs" / "reliability.md",
        help="where to write the report ('-': standard output only)",
    )
    parser.add_argument(
        "--abuse",
        default=",".join(sorted(ABUSE_KINDS)),
        help="the abuse to run, comma-separated: http, slow, ws; 'none' for a control run"
        " (default: all)",
    )
    args = parser.parse_args()
    kinds = frozenset(k for k in args.abuse.split(",") if k and k != "none")
    if kinds - ABUSE_KINDS:
        parser.error(f"unknown abuse: {', '.join(sorted(kinds - ABUSE_KINDS))}")
    plan = Plan(seconds=30 if args.short else args.seconds, workers=args.workers, abuse=kinds)
    result = asyncio.run(soak(plan))
    text = render(result)
    print(text)
    if str(args.report) != "-":
        args.report.write_text(text)
        print(f"written to {args.report}", file=sys.stderr)
    leaked = result.sessions.idle_in_transaction if result.sessions else 0
    violated = (
        leaked > 0
        or any(c.violations for c in result.checks)
        or any(s["missing"] or s["duplicates"] or s["unexpected"] for s in result.subscribers)
    )
    return 1 if violated else 0


if __name__ == "__main__":
    sys.exit(main())
