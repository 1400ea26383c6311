"""Going quiet (`models/requests/silent_mentors._quiet`) includes the silence rule holding now: a
mentor the next sweep would set unavailable is never suggested, recommended or spotlit, on either
read path. The simulation found the gap: a mentor whose only sign was a request withdrawn unread
(no request waiting, none expired) was suggested in a release email, then flagged by the same
sweep before the mentee read it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import orjson
import pytest
from tortoise import connections

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts import sessions
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.models.requests.silent_mentors import quiet_mentors, quiet_sql, silences
from mentorgraph.models.requests.suggestions import suggest_mentors
from mentorgraph.models.sweep import sweep
from mentorgraph.settings import Settings
from tests.utils.app_pair import AppPair, app_pair
from tests.utils.rules import rules

DAY = timedelta(days=1)
# Pinned whatever the defaults: one sign, six days unseen.
RULES = {
    "silent_signals": 1,
    "silent_idle_days": 6,
    "silent_reminder_grace_days": 1,
    "silent_withdrawn_after_days": 0,
    "inactive_expiries": 2,
}


async def _scene() -> tuple[User, dict[str, User]]:
    """A seeker (tag python) and mentors: one who answers, one never seen whose request was
    withdrawn unread (the rule holds, and nothing else of going quiet does: no request waits,
    none expired), one who read theirs before it was withdrawn (seen: never silent)."""
    seeker = await make_user(name="seeker", tags=["python"])
    mentors = {
        name: await make_mentor(name=name, tags=["python"])
        for name in ("answers", "withdrawn unread", "read it")
    }
    for name in ("withdrawn unread", "read it"):
        mentor, mentee = mentors[name], await make_user()
        request = await make_request(mentee=mentee, mentor=mentor)
        clock.advance(DAY)
        if name == "read it":
            await lifecycle.transition(request.id, RequestStatus.VIEWED, actor=mentor)
        await lifecycle.transition(request.id, RequestStatus.CANCELLED, actor=mentee)
    return seeker, mentors


async def test_a_mentor_the_rule_holds_for_is_going_quiet_and_never_suggested(db: None) -> None:
    with rules(**RULES):
        seeker, mentors = await _scene()
        ids = [m.id for m in mentors.values()]
        conn = connections.get("default")
        asked = await make_mentor(name="asked", tags=["python"])
        for day in range(8):
            clock.advance(DAY)
            judged = set(await silences(conn, ids, clock.now()))
            quiet = await quiet_mentors(conn, ids, clock.now())
            # Every mentor the rule holds for is going quiet, on every day.
            assert judged <= quiet, day
            suggested = {m.name for m in await suggest_mentors(conn, seeker, excluding=asked.id)}
            assert judged == quiet == {mentors["withdrawn unread"].id}, day
            assert suggested == {"answers", "read it"}, day
        # The sweep agrees: it sets that mentor, and only them, unavailable.
        assert (await sweep()).ladder.set_unavailable == 1
        assert not (await User.get(id=mentors["withdrawn unread"].id)).available


pg_only = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="the fast read path runs on PostgreSQL only",
)

RECOMMENDED = """query($first: Int!) { viewer { recommendedMentors(first: $first) {
  score mentor { name } } } }"""


@pytest.fixture
async def apps(settings: Settings, db: None) -> AsyncIterator[AppPair]:
    async with app_pair(settings) as pair:
        yield pair


async def _recommended(apps: AppPair, client: Any, seeker: User) -> tuple[int, Any]:
    token = apps.fast_app.state.tokens.issue(seeker)
    response = await client.post(
        "/graphql",
        json={"query": RECOMMENDED, "variables": {"first": 10}},
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.status_code, orjson.loads(response.content)


@pg_only
async def test_the_compiled_path_leaves_out_the_same_mentors(apps: AppPair) -> None:
    with rules(**RULES):
        seeker, _ = await _scene()
        fast_reads = apps.fast_app.state.fast_reads
        for day in range(8):
            clock.advance(DAY)
            served = fast_reads.served
            fast = await _recommended(apps, apps.fast.http, seeker)
            ordinary = await _recommended(apps, apps.ordinary.http, seeker)
            assert fast == ordinary, day
            assert fast_reads.served == served + 1 and fast_reads.failed == 0
            names = {r["mentor"]["name"] for r in fast[1]["data"]["viewer"]["recommendedMentors"]}
            assert names == {"answers", "read it"}, day


async def test_a_mentor_seen_since_their_request_expired_is_not_going_quiet(db: None) -> None:
    """An expiry keeps a mentor out of suggestions until they are back (`_back`): a sign-in
    counts as being back, as a view or an answer does, as for the silence rule itself."""
    with rules(**RULES):
        mentor = await make_mentor(name="expired", tags=["python"])
        request = await make_request(mentee=await make_user(), mentor=mentor)
        clock.advance(DAY)
        await lifecycle.transition(request.id, RequestStatus.EXPIRED, actor=None)
        conn = connections.get("default")
        clock.advance(DAY)
        assert await quiet_mentors(conn, [mentor.id], clock.now()) == {mentor.id}
        await sessions.start(mentor, address="127.0.0.1", user_agent="test")
        clock.advance(DAY)
        assert await quiet_mentors(conn, [mentor.id], clock.now()) == set()


@pg_only
async def test_going_quiet_reads_when_a_mentor_was_back_once(db: None) -> None:
    """`_back` (the latest sign-in among other moments) is computed once per mentor and shared
    by the expiry test and the silence rule: PostgreSQL's plan reads `sessions` once, where
    pulling the subquery up copied it into each of its uses (six sessions scans a mentor)."""
    mentor = await make_mentor(name="mentor")
    values: list[Any] = [mentor.id, clock.now()]

    def param(value: Any) -> str:
        values.append(value)
        return f"${len(values)}"

    predicate = quiet_sql("u", "$2::timestamptz", param)
    rows = await connections.get("default").execute_query_dict(
        f"EXPLAIN SELECT u.id FROM users u WHERE u.id = $1 AND {predicate}", values
    )
    plan = "\n".join(row["QUERY PLAN"] for row in rows)
    assert plan.count(" on sessions ") == 1, plan
