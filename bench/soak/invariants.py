"""The rules that must hold after the soak, checked in SQL on its database (models/ states them:
`request_guards` for the limits, `lifecycle` and `events` for one event per status change)."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

__all__ = ["Check", "check_database", "check_sessions", "visible_event_ids"]

OPEN = "('NEW', 'VIEWED')"

# name -> a query whose rows are the violations.
DATA_RULES = {
    "mentee above the open-request limit": f"""
        SELECT mentee_id, count(*) FROM mentorship_requests WHERE status IN {OPEN}
        GROUP BY mentee_id HAVING count(*) > $1""",
    "mentor above capacity": """
        SELECT r.mentor_id, count(*), u.capacity FROM mentorship_requests r
        JOIN users u ON u.id = r.mentor_id WHERE r.status = 'APPROVED'
        GROUP BY r.mentor_id, u.capacity HAVING count(*) > u.capacity""",
    "more than one open request per (mentee, mentor)": """
        SELECT mentee_id, mentor_id, count(*) FROM mentorship_requests
        WHERE status IN ('NEW', 'VIEWED', 'APPROVED')
        GROUP BY mentee_id, mentor_id HAVING count(*) > 1""",
    # The events of each request, in id order, are one chain: NULL -> NEW first, each
    # `from_status` the previous `to_status`, the last `to_status` the request's status.
    "event chain broken (a change without its event, or an event without its change)": """
        WITH chain AS (
          SELECT e.request_id, e.id, e.from_status, e.to_status,
                 lag(e.to_status) OVER (PARTITION BY e.request_id ORDER BY e.id) AS previous,
                 row_number() OVER (PARTITION BY e.request_id ORDER BY e.id DESC) AS from_end
          FROM request_events e)
        SELECT request_id, id FROM chain
        WHERE from_status IS DISTINCT FROM previous
           OR (previous IS NULL AND to_status <> 'NEW')
        UNION ALL
        SELECT c.request_id, c.id FROM chain c JOIN mentorship_requests r ON r.id = c.request_id
        WHERE c.from_end = 1 AND c.to_status <> r.status
        UNION ALL
        SELECT r.id, NULL FROM mentorship_requests r
        WHERE NOT EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = r.id)""",
}


@dataclass(frozen=True)
class Check:
    name: str
    violations: int
    example: str = ""


async def check_database(url: str, max_open_requests: int) -> list[Check]:
    conn = await asyncpg.connect(url)
    try:
        checks = []
        for name, query in DATA_RULES.items():
            rows = await (
                conn.fetch(query, max_open_requests) if "$1" in query else conn.fetch(query)
            )
            checks.append(Check(name, len(rows), str(dict(rows[0])) if rows else ""))
        return checks
    finally:
        await conn.close()


async def visible_event_ids(url: str, user_id: int, is_admin: bool) -> list[int]:
    """The events a subscriber may see: of requests where they are mentor or mentee (all for
    an admin), as `mentorshipRequestEvents` documents it."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            """SELECT e.id FROM request_events e JOIN mentorship_requests r ON r.id = e.request_id
               WHERE $2 OR r.mentee_id = $1 OR r.mentor_id = $1 ORDER BY e.id""",
            user_id,
            is_admin,
        )
        return [row["id"] for row in rows]
    finally:
        await conn.close()


@dataclass(frozen=True)
class Sessions:
    connections: int
    idle_in_transaction: int
    oldest_idle_in_transaction_seconds: float
    states: dict[str, int]
    # The last statement of each session left idle in a transaction, by count.
    stuck_queries: dict[str, int]


async def check_sessions(url: str) -> Sessions:
    """The server's sessions on the soak database (ours excluded); "idle in transaction"
    counts those idle so for more than 5 s."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            """SELECT coalesce(state, '?') AS state, query,
                      extract(epoch FROM now() - state_change) AS age
               FROM pg_stat_activity
               WHERE datname = current_database() AND pid <> pg_backend_pid()
                 AND backend_type = 'client backend'"""
        )
    finally:
        await conn.close()
    states: dict[str, int] = {}
    for row in rows:
        states[row["state"]] = states.get(row["state"], 0) + 1
    stuck = [r for r in rows if r["state"].startswith("idle in transaction") and r["age"] > 5]
    queries: dict[str, int] = {}
    for row in stuck:
        text = " ".join(row["query"].split())[:100]
        queries[text] = queries.get(text, 0) + 1
    oldest = max((float(r["age"]) for r in stuck), default=0.0)
    return Sessions(len(rows), len(stuck), oldest, states, queries)
