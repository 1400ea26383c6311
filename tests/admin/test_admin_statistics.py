"""`adminStatistics` over real HTTP: every figure against a Python computation over a fixture
world (weeks' edges included), admins only, and bounded input."""

from __future__ import annotations

import os
import random
import statistics
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from devkit.factories import make_mentor, make_user, request_row
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.admin.statistics_weeks import iso_week
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.requests.requests import (
    SYSTEM_DECLINE_REASONS,
    DeclineReason,
    MentorshipRequest,
    RequestStatus,
)
from mentorgraph.settings import Settings
from tests.utils.app_pair import app_pair
from tests.utils.client import GraphQLClient
from tests.utils.differences import compare

S = RequestStatus
# As in `tests.utils.world`: the seeded data as it was before ACCOUNT_CLOSED.
GENERATED_REASONS = [r for r in DeclineReason if r is not DeclineReason.ACCOUNT_CLOSED]
STATISTICS = """
query Statistics($from: String, $to: String) {
  adminStatistics(fromWeek: $from, toWeek: $to) {
    fromWeek toWeek
    requestsByStatus { week startsAt total byStatus { status count } }
    matchRate { week decided approved rate }
    timeToFirstAnswer { week answered medianHours }
    activeMentorships { now weekly { week count } }
    silentMentorsFlagged { week count }
  }
}
"""
# 2025-W02 starts on Monday 6 January 2025; the world spans ten weeks and some before and after.
MONDAY = datetime(2025, 1, 6, tzinfo=UTC)
WEEKS = 10
WEEK = timedelta(days=7)


def _week_of(moment: datetime) -> int | None:
    """The index in the range of the week `moment` falls in (None: outside)."""
    n = (moment - MONDAY) // WEEK
    return n if 0 <= n < WEEKS else None


async def _world(seed: int) -> None:
    rng = random.Random(seed)
    mentors = [await make_mentor() for _ in range(4)]
    mentees = [await make_user() for _ in range(6)]
    # One open or active request per pair (a unique index): others of the pair are closed.
    open_pairs: set[tuple[int, int]] = set()
    admin = await make_user(admin=True)
    for i in range(160):
        # From two weeks before the range to one after; some exactly on a week's edge.
        if i % 17 == 0:
            created = MONDAY + rng.randint(0, WEEKS) * WEEK
        else:
            created = MONDAY + timedelta(seconds=rng.uniform(-2, WEEKS + 1) * WEEK.total_seconds())
        status = rng.choice(list(S))
        mentor, mentee = rng.choice(mentors), rng.choice(mentees)
        if status in (S.NEW, S.VIEWED, S.APPROVED):
            if (mentor.id, mentee.id) in open_pairs:
                status = S.EXPIRED
            open_pairs.add((mentor.id, mentee.id))
        answered = None
        reason = None
        if status in (S.APPROVED, S.COMPLETED, S.DECLINED) or rng.random() < 0.05:
            answered = timedelta(
                seconds=rng.randint(60, 20 * 86400), microseconds=rng.randint(0, 999_999)
            )
        if status is S.DECLINED:
            reason = rng.choice(GENERATED_REASONS)
            if reason is DeclineReason.MENTOR_INACTIVE or rng.random() < 0.2:
                answered = None  # the system's or an admin's decline: no answer of the mentor
        request = await request_row(
            mentee=mentee,
            mentor=mentor,
            status=status,
            created_at=created,
            answered_after=answered,
            decline_reason=reason,
        )
        if status is S.COMPLETED and answered is not None:
            request.updated_at = created + answered + timedelta(days=rng.uniform(0, 40))
            await request.save(update_fields=["updated_at"])
    for i in range(30):
        at = MONDAY + timedelta(seconds=rng.uniform(-1, WEEKS + 1) * WEEK.total_seconds())
        if i % 9 == 0:
            at = MONDAY + rng.randint(0, WEEKS) * WEEK
        by_admin, available = rng.random() < 0.3, rng.random() < 0.3
        await AvailabilityChange.create(
            mentor_id=rng.choice(mentors).id,
            available=available,
            actor_id=admin.id if by_admin else None,
            reason="test",
            occurred_at=at,
        )


def _expected(rows: list[MentorshipRequest], changes: list[AvailabilityChange]) -> dict[str, Any]:
    by_status = [dict.fromkeys(S, 0) for _ in range(WEEKS)]
    hours: list[list[float]] = [[] for _ in range(WEEKS)]
    for r in rows:
        n = _week_of(r.created_at)
        if n is None:
            continue
        by_status[n][r.status] += 1
        if r.responded_at is not None and r.decline_reason not in SYSTEM_DECLINE_REASONS:
            hours[n].append((r.responded_at - r.created_at).total_seconds() / 3600)

    def active_at(end: datetime) -> int:
        return sum(
            1
            for r in rows
            if r.status in (S.APPROVED, S.COMPLETED)
            and r.responded_at is not None
            and r.responded_at < end
            and (r.status is S.APPROVED or r.updated_at >= end)
        )

    flagged = [0] * WEEKS
    for c in changes:
        n = _week_of(c.occurred_at)
        if n is not None and c.actor_id is None and not c.available:
            flagged[n] += 1
    matched = []
    for counts in by_status:
        approved = counts[S.APPROVED] + counts[S.COMPLETED]
        decided = approved + counts[S.DECLINED] + counts[S.EXPIRED]
        matched.append((decided, approved, round(approved / decided, 4) if decided else None))
    return {
        "by_status": by_status,
        "answers": [(len(h), round(statistics.median(h), 1) if h else None) for h in hours],
        "match": matched,
        "active_now": sum(1 for r in rows if r.status is S.APPROVED),
        "active": [active_at(MONDAY + (n + 1) * WEEK) for n in range(WEEKS)],
        "flagged": flagged,
    }


@pytest.mark.parametrize("seed", [1, 2])
async def test_every_figure_matches_a_python_computation(client: GraphQLClient, seed: int) -> None:
    await _world(seed)
    admin = await User.get(is_admin=True)
    first, last = iso_week(MONDAY.date()), iso_week((MONDAY + (WEEKS - 1) * WEEK).date())
    response = await client.execute(STATISTICS, {"from": first, "to": last}, as_user=admin)
    got = response.data["adminStatistics"]
    expected = _expected(await MentorshipRequest.all(), await AvailabilityChange.all())
    names = [iso_week((MONDAY + n * WEEK).date()) for n in range(WEEKS)]
    assert (got["fromWeek"], got["toWeek"]) == ("2025-W02", "2025-W11")
    assert [w["week"] for w in got["requestsByStatus"]] == names
    assert got["requestsByStatus"][0]["startsAt"] == "2025-01-06T00:00:00+00:00"
    assert [
        {S(c["status"]): c["count"] for c in w["byStatus"]} for w in got["requestsByStatus"]
    ] == expected["by_status"]
    assert [w["total"] for w in got["requestsByStatus"]] == [
        sum(c.values()) for c in expected["by_status"]
    ]
    assert [(w["decided"], w["approved"], w["rate"]) for w in got["matchRate"]] == expected["match"]
    assert [(w["answered"], w["medianHours"]) for w in got["timeToFirstAnswer"]] == expected[
        "answers"
    ]
    assert got["activeMentorships"]["now"] == expected["active_now"]
    assert [w["count"] for w in got["activeMentorships"]["weekly"]] == expected["active"]
    assert [w["count"] for w in got["silentMentorsFlagged"]] == expected["flagged"]
    # The world is not trivial: every figure has something to count.
    assert sum(map(sum, (c.values() for c in expected["by_status"]))) > 50
    assert any(n for n, _ in expected["answers"]) and any(expected["flagged"])
    assert any(expected["active"])


async def test_the_default_range_is_twelve_weeks_ending_this_week(client: GraphQLClient) -> None:
    admin = await make_user(admin=True)
    response = await client.execute(STATISTICS, {}, as_user=admin)
    got = response.data["adminStatistics"]
    today = clock.now().astimezone(UTC).date()
    assert got["toWeek"] == iso_week(today)
    assert got["fromWeek"] == iso_week(today - timedelta(weeks=11))
    assert len(got["silentMentorsFlagged"]) == 12
    assert all(w["count"] == 0 for w in got["silentMentorsFlagged"])
    assert got["timeToFirstAnswer"][0]["medianHours"] is None


@pytest.mark.parametrize("role", ["anonymous", "member", "mentor"])
async def test_only_admins_read_statistics(client: GraphQLClient, role: str) -> None:
    viewer = {"anonymous": None, "member": await make_user(), "mentor": await make_mentor()}[role]
    response = await client.execute(STATISTICS, {}, as_user=viewer)
    assert response.error_codes == ["UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN"]
    assert response.body.get("data") is None


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"from": "2024-W01", "to": "2026-W01"}, "fromWeek"),  # 106 weeks
        ({"from": "2026-W10", "to": "2026-W09"}, "fromWeek"),
        ({"to": "2026-W54"}, "toWeek"),
        ({"to": "2026-W00"}, "toWeek"),
        ({"to": "1999-W10"}, "toWeek"),
        ({"from": "2026-48"}, "fromWeek"),
        # Refused before any resolver by the server's bound on strings.
        ({"from": "x" * 100_000}, None),
        ({"from": "x" * 200}, "fromWeek"),
        ({"to": "2026-W1"}, "toWeek"),
    ],
)
async def test_bad_ranges_are_refused(
    client: GraphQLClient, variables: dict[str, str], field: str | None
) -> None:
    admin = await make_user(admin=True)
    response = await client.execute(STATISTICS, variables, as_user=admin)
    assert response.error_codes == ["BAD_USER_INPUT"]
    assert response.errors[0]["extensions"].get("field") == field
    assert "x" * 100 not in str(response.body)  # the value is not echoed
    assert response.body.get("data") is None


async def test_the_longest_range_is_answered(client: GraphQLClient) -> None:
    admin = await make_user(admin=True)
    # 2020 has 53 ISO weeks: 2020-W01 .. 2021-W51 is 104 weeks.
    response = await client.execute(
        STATISTICS, {"from": "2020-W01", "to": "2021-W51"}, as_user=admin
    )
    got = response.data["adminStatistics"]
    assert len(got["requestsByStatus"]) == 104
    assert got["requestsByStatus"][52]["week"] == "2020-W53"
    assert date.fromisoformat(got["requestsByStatus"][0]["startsAt"][:10]) == date(2019, 12, 30)


@pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres", reason="the fast read path is PostgreSQL's"
)
async def test_the_compiled_statement_answers_as_the_ordinary_path(
    settings: Settings, db: None
) -> None:
    await _world(3)
    admin = await User.get(is_admin=True)
    mentor = await make_mentor()
    # One scanning figure per operation is compiled (requestsByStatus and matchRate share
    # one); more are left to the ordinary path, which runs them concurrently.
    figures = [
        """requestsByStatus { week startsAt total byStatus { status count } }
        matchRate { week decided approved rate } silentMentorsFlagged { week count }""",
        "timeToFirstAnswer { week answered medianHours } fromWeek toWeek",
        "activeMentorships { now weekly { week count } }",
    ]
    one_figure = [
        f"query($from: String, $to: String) {{ adminStatistics(fromWeek: $from, toWeek: $to)"
        f" {{ {selection} }} }}"
        for selection in figures
    ]
    ranges: list[dict[str, str]] = [
        {"from": "2025-W02", "to": "2025-W11"},
        {"from": "2024-W50", "to": "2025-W14"},
        {},
    ]
    partial = """query($to: String) { adminStatistics(toWeek: $to) {
      toWeek matchRate { rate startsAt } requestsByStatus { byStatus { count } __typename } } }"""
    compiled = [
        *((query, variables, admin) for query in one_figure for variables in ranges),
        (partial, {"to": "2025-W05"}, admin),
        ('{ adminStatistics(toWeek: "2025-W05") { fromWeek } }', {}, admin),
        ("{ adminStatistics { __typename } }", {}, admin),
    ]
    ordinary_only = [
        *((STATISTICS, variables, admin) for variables in ranges),
        (one_figure[0], {"from": "2025-W02", "to": "2025-W11"}, mentor),
        (one_figure[1], {"from": "2025-W12", "to": "2025-W11"}, admin),
    ]
    async with app_pair(settings) as apps:
        for asked, answered in ((compiled, len(compiled)), (ordinary_only, 0)):
            served = apps.fast_app.state.fast_reads.served
            for query, variables, viewer in asked:
                ordinary = await apps.ordinary.execute(query, variables, as_user=viewer)
                fast = await apps.fast.execute(query, variables, as_user=viewer)
                assert compare(ordinary, fast), (variables, ordinary.body, fast.body)
            assert apps.fast_app.state.fast_reads.failed == 0
            # Every admin's valid range of one figure was answered by the compiled statement.
            assert apps.fast_app.state.fast_reads.served - served == answered
