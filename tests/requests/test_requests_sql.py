"""On PostgreSQL, reads of many requests seek an index where a busy mentor (or the whole audit
trail) would otherwise be read and sorted: see "EXPLAIN at 100,000 mentors" in
docs/benchmarks.md for the same plans at that scale."""

from __future__ import annotations

from tortoise import connections

from mentorgraph.models.admin.admin_views import filtered_requests
from mentorgraph.models.graph.lineage import lineage_of
from mentorgraph.models.requests.ladder import set_silent_mentors_unavailable
from tests.utils.explain import index_named, plan_of, postgres_only, sent_statements, sql_of

pytestmark = postgres_only

TEXT = "'I would like to learn how to design resilient GraphQL APIs from you.'"


async def _fill(users: int, requests: str, events: str = "") -> None:
    """`users` users (the first thousand mentors), then the requests (and events) the SELECTs
    give, each selecting from `generate_series(...) AS i`."""
    conn = connections.get("default")
    await conn.execute_script(
        f"""
        INSERT INTO users (email, password_hash, name, title, bio, is_mentor, is_admin,
                           available, capacity, created_at, updated_at)
        SELECT 'u' || i || '@example.org', 'x', 'User ' || i, '', '', i <= 1000, false,
               true, 3, now(), now()
        FROM generate_series(1, {users}) AS i;
        INSERT INTO mentorship_requests (mentor_id, mentee_id, status, message, background,
                                         expectation, created_at, updated_at) {requests};
        """
    )
    if events:
        await conn.execute_script(
            f"INSERT INTO request_events (request_id, from_status, to_status, occurred_at) {events}"
        )
    for table in ("users", "mentorship_requests", "request_events"):
        await conn.execute_script(f"VACUUM ANALYZE {table}")


async def test_a_mentors_requests_in_order_come_from_their_index(db: None) -> None:
    # Mentor 1's 200 requests are the newest of 60,000 (the share of the busiest mentor in the
    # benchmark): the admin's list of them, oldest first, would otherwise skip the 59,800 others
    # along the primary key, or read all 200 and sort them.
    await _fill(
        2_000,
        f"""SELECT CASE WHEN i > 59800 THEN 1 ELSE 2 + i % 999 END, 1001 + i % 999,
                   CASE WHEN i % 2 = 0 THEN 'DECLINED' ELSE 'EXPIRED' END,
                   {TEXT}, {TEXT}, {TEXT}, now(), now()
            FROM generate_series(1, 60000) AS i""",
    )
    index = await index_named("mentorship_requests USING btree (mentor_id, id)")
    plan = await plan_of(*sql_of(filtered_requests(mentor_id=1).order_by("id").limit(21)))
    assert index in plan, plan


async def test_the_lineage_walk_reads_the_graph_edges_index(db: None) -> None:
    # Mentor 1 took on 400 mentees; 60,000 other requests, a third of them edges. Without the
    # edges index each step of the walk hashes every edge of the graph.
    await _fill(
        30_000,
        f"""SELECT 1, 1000 + i, 'APPROVED', {TEXT}, {TEXT}, {TEXT}, now(), now()
            FROM generate_series(1, 400) AS i
            UNION ALL
            SELECT 2 + i % 999, 1001 + (i * 7919) % 29000,
                   CASE WHEN i % 3 = 0 THEN 'COMPLETED' ELSE 'DECLINED' END,
                   {TEXT}, {TEXT}, {TEXT}, now(), now()
            FROM generate_series(1, 60000) AS i""",
    )
    with sent_statements() as sent:
        [lineage] = await lineage_of([1])
    walk = next(statement for statement in sent if "RECURSIVE" in statement[0])
    plan = await plan_of(*walk)
    # Both the first step and each later one.
    assert plan.count("idx_mentorship_edges") == 2, plan
    assert lineage.mentored_count == 400


async def test_the_sweep_finds_recent_expiries_by_their_index(db: None) -> None:
    # 40,000 events of the audit trail; 1 in 100 an expiry, of which the last 60 days count.
    await _fill(
        2_000,
        f"""SELECT 1 + i % 1000, 1001 + i % 999, 'EXPIRED', {TEXT}, {TEXT}, {TEXT},
                   now(), now()
            FROM generate_series(1, 10000) AS i""",
        """SELECT 1 + i % 10000, 'NEW', CASE WHEN i % 100 = 0 THEN 'EXPIRED' ELSE 'VIEWED' END,
                  now() - (i % 400) * interval '1 day'
           FROM generate_series(1, 40000) AS i""",
    )
    index = await index_named(
        "USING btree (occurred_at, request_id) WHERE ((to_status)::text = 'EXPIRED'::text)"
    )
    with sent_statements() as sent:
        await set_silent_mentors_unavailable()
    plan = await plan_of(*sent[0])
    assert index in plan, plan
