"""`python -m bench.statistics [URL]`: admins' statistics on the benchmark data (`python -m bench
generate`): each figure's statement timed (median of 5 runs) and explained, and the whole
`adminStatistics` query over HTTP on both read paths. For docs/admin-statistics.md.

Ranges: the 12 weeks ending with the current week (the default), and 104 weeks (the most).
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import httpx
from tortoise import Tortoise, connections

from mentorgraph.app import create_app
from mentorgraph.db import tortoise_config
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.admin import admin_statistics as figures
from mentorgraph.models.admin.statistics_weeks import WeekRange, week_range
from mentorgraph.models.sql import _fit
from mentorgraph.settings import Settings

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mg_bench_data"
RUNS = 5
FIGURES = {
    "requestsByStatus + matchRate": """requestsByStatus { week total byStatus { status count } }
  matchRate { week decided approved rate }""",
    "timeToFirstAnswer": "timeToFirstAnswer { week answered medianHours }",
    "activeMentorships": "activeMentorships { now weekly { week count } }",
    "silentMentorsFlagged": "silentMentorsFlagged { week count }",
}


def _query(*selections: str) -> str:
    return (
        "query($from: String, $to: String) { adminStatistics(fromWeek: $from, toWeek: $to) {\n  "
        + "\n  ".join(selections)
        + " } }"
    )


QUERY = _query(*FIGURES.values())


async def _median_ms(work: Callable[[], Awaitable[Any]]) -> float:
    await work()  # warm
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        await work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def _explain(weeks: WeekRange, figure: Callable[[str], str]) -> str:
    bounds = {"first": weeks.start(0), "end": weeks.start(weeks.count)}
    values: list[Any] = []

    def bind(token: re.Match[str]) -> str:
        values.append(bounds[token[1]])
        return "CAST(? AS timestamptz)"

    sql = re.sub(r"\{(first|end)\}", bind, figure("postgres"))
    sql = _fit(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", "postgres")
    rows = await connections.get("default").execute_query_dict(sql, values)
    return "\n".join(row["QUERY PLAN"] for row in rows)


def _settings(url: str, fast: bool = False) -> Settings:
    return Settings(
        database_url=url,
        data_dir=Path(tempfile.mkdtemp()),
        jwt_secret="bench-secret-bench-secret-bench-secret",
        fast_reads=fast,
    )


async def _http(
    url: str, admin: User, fast: bool, variables: dict[str, str], query: str = QUERY
) -> tuple[float, bool]:
    """The query's median time over HTTP, and whether the compiled statement answered it."""
    app = create_app(_settings(url, fast), manage_db=False)
    token = app.state.tokens.issue(admin)
    headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:

        async def ask() -> None:
            answer = await http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            assert answer.status_code == 200 and "errors" not in answer.json(), answer.text

        ms = await _median_ms(ask)
    return ms, fast and app.state.fast_reads.served > 0


async def main(url: str) -> None:
    # The server's own pool settings (JIT off, `mentorgraph/db.py`): without them PostgreSQL
    # JIT-compiled the compiled statement (estimated far above `jit_above_cost`) for 9 of its
    # 12 seconds, which no server does.
    await Tortoise.init(config=tortoise_config(url, _settings(url)), _enable_global_fallback=True)
    try:
        today = clock.now().astimezone(UTC).date()
        default = week_range(None, None, today)
        this_monday = default.start(default.count - 1).date()
        longest = WeekRange(this_monday - timedelta(weeks=103), 104)
        ranges = {"12 weeks": default, "104 weeks": longest}
        selects = {
            "requestsByStatus + matchRate": figures.by_status_sql,
            "timeToFirstAnswer": figures.first_answers_sql,
            "activeMentorships": figures.active_sql,
            "silentMentorsFlagged": figures.flagged_sql,
        }
        runs = {
            "requestsByStatus + matchRate": figures.requests_by_status,
            "timeToFirstAnswer": figures.first_answers,
            "activeMentorships": figures.active_mentorships,
            "silentMentorsFlagged": figures.silent_mentors_flagged,
        }
        admin = await User.filter(is_admin=True).order_by("id").first()
        assert admin is not None
        for label, weeks in ranges.items():
            print(f"## {label}: {weeks.name(0)} .. {weeks.name(weeks.count - 1)}\n")
            for name, run in runs.items():
                ms = await _median_ms(lambda run=run, weeks=weeks: run(weeks))  # type: ignore[misc]
                print(f"- {name}: {ms:.1f} ms")
            variables = {"from": weeks.name(0), "to": weeks.name(weeks.count - 1)}
            for fast in (False, True):
                ms, compiled = await _http(url, admin, fast, variables)
                path = "compiled statement" if compiled else "ordinary executor"
                if fast and not compiled:
                    path += " (fast reads on: left to the ordinary path)"
                print(f"- whole query over HTTP, {path}: {ms:.1f} ms")
            for name, selection in FIGURES.items():
                for fast in (False, True):
                    ms, compiled = await _http(url, admin, fast, variables, _query(selection))
                    path = "compiled statement" if compiled else "ordinary executor"
                    print(f"- {name} alone over HTTP, {path}: {ms:.1f} ms")
            print(f"\nload average: {' '.join(str(x) for x in os.getloadavg())}\n")
            for name, select in selects.items():
                print(f"### {name} ({label})\n\n```\n{await _explain(weeks, select)}\n```\n")
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL))
