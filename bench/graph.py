"""The mentorship graph at the 100,000-mentor scale: statements per operation and latency.

    TEST_DATABASE_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres \
        /work/main/.venv/bin/python bench/graph.py [--runs 30] [--regenerate]

Creates (once) the database `mg_graph_bench`, migrates it and writes a bounded synthetic graph
with set-based SQL: 100,000 mentors and 50,000 members, three tags and one or two languages
each, about 300,000 mentorships (APPROVED or COMPLETED; one mentor is a hub with 2,000 more)
and 100,000 other requests. Mentors
also mentor other mentors, so the graph has chains and cycles. Ids come from a fixed formula,
so every run sees the same graph. Then it runs each operation through the real ASGI app
in-process (HTTP via httpx, one event loop, like one worker), counting the SQL statements
Tortoise sends and timing each run, and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg
import httpx

from mentorgraph.app import create_app
from mentorgraph.db import close_db, init_db, migrate_db
from mentorgraph.models.accounts.users import User
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.settings import Settings

DB_NAME = "mg_graph_bench"
MENTORS = 100_000
MEMBERS = 50_000
EDGES = 300_000
OTHER_REQUESTS = 100_000
TAGS = 200
HUB = 2_000

# Users 1..MENTORS are mentors, then MEMBERS members, then one admin. Edge k joins a mentor
# picked by hashing k (PostgreSQL's hashtext: pseudo-random, the same on every run) to a member
# for two edges in three, else to another mentor (chains and cycles through mentors). Mentor 1
# is a hub with HUB more mentees: the worst case for a walk.
GENERATE = f"""
INSERT INTO users (id, email, password_hash, name, title, bio, country, is_mentor, is_admin,
                   available, capacity, created_at, updated_at)
SELECT g, 'u' || g || '@bench.example', 'x', 'User ' || g, '', '',
       (ARRAY['DE','FR','US','GB','IN','BR','NG','JP'])[1 + g % 8],
       g <= {MENTORS}, g = {MENTORS + MEMBERS + 1}, g % 5 <> 0, 3 + g % 4,
       now() - (g % 1000) * interval '1 hour', now()
FROM generate_series(1, {MENTORS + MEMBERS + 1}) g;
SELECT setval(pg_get_serial_sequence('users', 'id'), {MENTORS + MEMBERS + 1});

INSERT INTO user_tags (user_id, tag, position)
SELECT g, 'tag' || ((g * 31 + p * 17) % {TAGS}), p
FROM generate_series(1, {MENTORS + MEMBERS}) g, generate_series(0, 2) p
ON CONFLICT DO NOTHING;

INSERT INTO user_languages (user_id, language, position)
SELECT g, (ARRAY['en','de','fr','es','pt','ja','hi','yo'])[1 + (g + p * 3) % 8], p
FROM generate_series(1, {MENTORS + MEMBERS}) g, generate_series(0, 1) p
WHERE p = 0 OR g % 2 = 0
ON CONFLICT DO NOTHING;

INSERT INTO mentorship_requests (mentor_id, mentee_id, status, message, background,
    expectation, created_at, updated_at, viewed_at, responded_at)
SELECT m, e, s, 'bench', 'bench', 'bench', t, t + interval '2 days', t + interval '1 day',
       t + interval '1 day'
FROM (
    SELECT abs(hashtext('m' || k)) % {MENTORS} + 1 AS m,
           CASE WHEN k % 3 = 2 THEN abs(hashtext('c' || k)) % {MENTORS} + 1
                ELSE {MENTORS} + abs(hashtext('e' || k)) % {MEMBERS} + 1 END AS e,
           CASE WHEN k % 4 = 0 THEN 'APPROVED' ELSE 'COMPLETED' END AS s,
           now() - (k % 400) * interval '1 day' AS t
    FROM generate_series(1, {EDGES}) k
    UNION ALL
    -- The hub: mentor 1 completed mentorships with {HUB} members.
    SELECT 1, {MENTORS} + k, 'COMPLETED', now() - (k % 400) * interval '1 day'
    FROM generate_series(1, {HUB}) k
) edges
WHERE m <> e
ON CONFLICT DO NOTHING;

INSERT INTO mentorship_requests (mentor_id, mentee_id, status, message, background,
    expectation, created_at, updated_at)
SELECT (k * 7877) % {MENTORS} + 1, {MENTORS} + (k * 7873) % {MEMBERS} + 1,
       (ARRAY['DECLINED','CANCELLED','EXPIRED'])[1 + k % 3], 'bench', 'bench', 'bench',
       now() - (k % 300) * interval '1 day', now()
FROM generate_series(1::bigint, {OTHER_REQUESTS}) k;

INSERT INTO mentorship_feedback (request_id, author_id, subject_id, author_role, rating,
    created_at)
SELECT id, mentee_id, mentor_id, 'MENTEE', 3 + id % 3, updated_at
FROM mentorship_requests WHERE status = 'COMPLETED' AND id % 2 = 0;
ANALYZE;
"""

GRAPH = """
query($root: ID!, $depth: Int!, $first: Int!) {
  mentorshipGraph(rootId: $root, depth: $depth, first: $first) {
    nodes { id name mentoredCount lineageSize wasMenteeHere }
    edges { mentor { id } mentee { id } status since until }
    truncated
  }
}"""

AGGREGATES = """
query { mentors(first: 20) { nodes { id name mentoredCount lineageSize wasMenteeHere
  rating { average count } } } }"""

RECOMMENDED = """
query { viewer { recommendedMentors(first: 10) { score mentor { id name } reasons { kind } } } }"""

SPOTLIGHT = "query { spotlightMentors(first: 5) { id name rating { average } } }"


class Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if not record.getMessage().startswith(("Created connection", "Closed connection")):
            self.count += 1


async def prepare(admin_url: str, url: str, regenerate: bool) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DB_NAME)
        if exists and regenerate:
            await conn.execute(f"DROP DATABASE {DB_NAME}")
            exists = False
        if not exists:
            await conn.execute(f"CREATE DATABASE {DB_NAME}")
    finally:
        await conn.close()
    await migrate_db(url)
    data = await asyncpg.connect(url)
    try:
        if not await data.fetchval("SELECT count(*) FROM users"):
            started = time.perf_counter()
            await data.execute(GENERATE)
            print(f"generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        counts = await data.fetchrow(
            "SELECT (SELECT count(*) FROM users WHERE is_mentor) AS mentors,"
            " (SELECT count(*) FROM users) AS users,"
            " (SELECT count(*) FROM mentorship_requests"
            "   WHERE status IN ('APPROVED', 'COMPLETED')) AS edges,"
            " (SELECT count(*) FROM mentorship_requests) AS requests"
        )
        print(dict(counts), file=sys.stderr)
    finally:
        await data.close()


async def measure(
    http: httpx.AsyncClient,
    log: Statements,
    query: str,
    variables: dict[str, Any],
    token: str,
    runs: int,
) -> tuple[int, float, float, str]:
    headers = {"Authorization": f"Bearer {token}"}
    timings, statements, body = [], set(), {}
    for i in range(runs + 3):
        before = log.count
        started = time.perf_counter()
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        elapsed = time.perf_counter() - started
        body = response.json()
        assert "errors" not in body, body
        if i >= 3:  # warm-up runs fill the parser and validation caches
            timings.append(elapsed * 1000)
            statements.add(log.count - before)
    assert len(statements) == 1, statements
    timings.sort()
    graph = body["data"].get("mentorshipGraph")
    size = f"{len(graph['nodes'])} / {len(graph['edges'])}" if graph else ""
    p95 = timings[int(len(timings) * 0.95) - 1]
    return statements.pop(), statistics.median(timings), p95, size


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    admin_url = os.environ.get(
        "TEST_DATABASE_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
    )
    url = admin_url.rsplit("/", 1)[0] + f"/{DB_NAME}"
    await prepare(admin_url, url, args.regenerate)

    settings = Settings(
        database_url=url,
        data_dir=Path(tempfile.mkdtemp()),
        jwt_secret="bench-secret-bench-secret-bench-secret",
    )
    app = create_app(settings, manage_db=False)
    await init_db(url)
    log = Statements()
    logger = logging.getLogger("tortoise.db_client")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(log)
    logger.propagate = False
    try:
        admin = await User.get(id=MENTORS + MEMBERS + 1)
        hub = await User.get(id=1)
        typical = await User.get(id=4242)
        member = await User.get(id=MENTORS + 4242)
        tokens = app.state.tokens
        rows = []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            cases = [
                (
                    f"{root} root, depth {depth}, first {first}, as {who}",
                    root_user,
                    viewer,
                    depth,
                    first,
                )
                for root, root_user in (("a typical", typical), ("the hub", hub))
                for depth in (1, 2, 3)
                for first in (20, 100)
                for who, viewer in (("admin", admin),)
            ]
            cases += [("a typical root, depth 3, first 100, as the root", typical, typical, 3, 100)]
            for name, root_user, viewer, depth, first in cases:
                variables = {
                    "root": encode_global_id("User", root_user.id),
                    "depth": depth,
                    "first": first,
                }
                result = await measure(http, log, GRAPH, variables, tokens.issue(viewer), args.runs)
                rows.append((f"mentorshipGraph: {name}", *result))
            for name, query, viewer in (
                (
                    "mentors(first: 20) with mentoredCount, lineageSize, wasMenteeHere, rating",
                    AGGREGATES,
                    member,
                ),
                ("viewer.recommendedMentors(first: 10), a member", RECOMMENDED, member),
                ("spotlightMentors(first: 5)", SPOTLIGHT, member),
            ):
                result = await measure(http, log, query, {}, tokens.issue(viewer), args.runs)
                rows.append((name, *result))
        print("| operation | nodes / edges | statements | median ms | p95 ms |")
        print("| --- | --- | --- | --- | --- |")
        for name, statements, median, p95, size in rows:
            print(f"| {name} | {size} | {statements} | {median:.1f} | {p95:.1f} |")
    finally:
        await close_db()


if __name__ == "__main__":
    asyncio.run(main())
