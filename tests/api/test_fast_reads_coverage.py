"""The fast read path answers the graph, mentorships, feedback, admins' views and `node`/`nodes`
of every node type, exactly as the ordinary executor does (issue 12).

A table of operations over the varied world (`tests/utils/world.py`, plus mentor applications and
availability changes), each sent as every viewer to two apps on the same database, the fast path
off and on: status and body must be identical, no fast statement may fail, and the fast path must
serve every one the ordinary path answers cleanly (admins' views: for admins only; anyone else is
refused there, and the fast path declines).
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from tortoise import connections

from bench.run import comparable
from bench.shapes import SHAPES
from mentorgraph.models import clock
from mentorgraph.models.directory.application_records import ApplicationStatus, MentorApplication
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.requests.feedback import MentorshipFeedback
from mentorgraph.models.requests.reminders import RequestReminder
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.settings import Settings
from tests.utils.app_pair import AppPair, app_pair
from tests.utils.differences import Difference, compare, report
from tests.utils.world import World, build_world

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="the fast read path serves PostgreSQL only; on SQLite both apps are the same path",
)

USER = """fragment Person on User { id name isMentor email mentoredCount lineageSize
  channels { type handle } }"""
REQUEST = """fragment Req on MentorshipRequest { id status createdAt respondedAt
  mentee { name } mentor { name email }
  feedback { rating authorRole createdAt comment author { name } }
  history { id toStatus note actor { name } } }"""
MENTORSHIP = """fragment Edge on Mentorship { status since until mentor { id } mentee { id name }
  request { id status feedback { rating comment } } }"""


# An operation: its query, its variables, and DECLINED when the fast path leaves it to the
# ordinary path by design even where that answers cleanly.
Case = tuple[Any, ...]
DECLINED = "declined"


@dataclass(frozen=True)
class Ids:
    users: list[str]
    requests: list[str]
    events: list[str]
    applications: list[str]
    with_feedback: list[str]
    mentor: str
    mentee: str


def _graph(ids: Ids) -> list[tuple[str, dict[str, Any]]]:
    query = f"""query($root: ID!, $depth: Int!, $first: Int!) {{
      mentorshipGraph(rootId: $root, depth: $depth, first: $first) {{
        truncated root {{ ...Person }} nodes {{ ...Person }} edges {{ ...Edge }} }} }}
      {USER} {MENTORSHIP}"""
    cases = []
    for root in (ids.mentor, ids.mentee, ids.users[0], ids.users[-1]):
        for depth, first in ((1, 50), (2, 3), (3, 100)):
            cases.append((query, {"root": root, "depth": depth, "first": first}))
    cases.append((query, {"root": encode_global_id("User", 999_999), "depth": 1, "first": 5}))
    cases.append(
        (
            f'{{ g: mentorshipGraph(rootId: "{ids.mentee}") {{ __typename nodes {{ id }} }}'
            f' h: mentorshipGraph(rootId: "{ids.mentor}", depth: 2) {{ edges {{ status }} }} }}',
            {},
        )
    )
    return cases


def _mentorships(ids: Ids) -> list[tuple[str, dict[str, Any]]]:
    query = f"""query($id: ID!, $role: MentorshipRole, $status: [MentorshipStatus!],
        $first: Int, $after: String, $last: Int) {{
      node(id: $id) {{ ... on User {{ name
        mentorships(role: $role, status: $status, first: $first, after: $after, last: $last) {{
          totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
          edges {{ cursor node {{ ...Edge }} }} nodes {{ status }} }} }} }} }}
      {MENTORSHIP}"""
    cases: list[tuple[str, dict[str, Any]]] = []
    for user in (ids.mentor, ids.mentee, ids.users[3]):
        cases += [
            (query, {"id": user}),
            (query, {"id": user, "role": "MENTOR", "first": 2}),
            (query, {"id": user, "role": "MENTEE", "status": ["COMPLETED"]}),
            (query, {"id": user, "status": ["ACTIVE", "ACTIVE"], "last": 1}),
        ]
    viewer = f"""{{ viewer {{ mentorships(first: 3) {{ nodes {{ ...Edge }} }} }} }} {MENTORSHIP}"""
    return [*cases, (viewer, {})]


def _nodes(ids: Ids) -> list[tuple[str, dict[str, Any]]]:
    any_node = f"""query($id: ID!) {{ node(id: $id) {{ __typename id ...Person ...Req
        ... on RequestEvent {{ cursor fromStatus toStatus occurredAt note actor {{ name }}
          request {{ id status }} }}
        ... on MentorApplication {{ motivation verdict: status decisionReason createdAt decidedAt
          applicant {{ ...Person }} }} }} }} {USER} {REQUEST}"""
    cases: list[tuple[str, dict[str, Any]]] = [
        (any_node, {"id": i})
        for i in [
            *ids.users[:3],
            *ids.requests[:6],
            *ids.with_feedback,
            *ids.events[:6],
            *ids.applications,
            encode_global_id("RequestEvent", 2**31 + 5),
            encode_global_id("Nothing", 3),
        ]
    ]
    many = f"""query($ids: [ID!]!) {{ nodes(ids: $ids) {{ __typename id
        ... on User {{ name }} ...Req ... on RequestEvent {{ toStatus }}
        ... on MentorApplication {{ verdict: status applicant {{ name }} }} }} }} {REQUEST}"""
    mixed = [
        ids.users[1],
        ids.requests[0],
        ids.events[0],
        *ids.applications,
        ids.with_feedback[0],
        encode_global_id("Nothing", 1),
        ids.users[1],
    ]
    return [*cases, (many, {"ids": mixed}), (many, {"ids": []})]


def _admin(ids: Ids) -> list[tuple[str, dict[str, Any]]]:
    requests = f"""query($filter: AdminRequestFilter, $first: Int, $last: Int, $after: String) {{
      adminRequests(filter: $filter, first: $first, last: $last, after: $after) {{
        totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
        edges {{ cursor node {{ ...Req }} }} }} }} {REQUEST}"""
    silent = """query($days: Float, $first: Int, $last: Int) {
      unresponsiveMentors(olderThanDays: $days, first: $first, last: $last) { totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { waitingRequests oldestRequestAt oldestRequestAgeDays
          remindersSent lastRespondedAt responseRate mentor { name } } } } }"""
    applications = """query($status: ApplicationStatus, $first: Int) {
      mentorApplications(status: $status, first: $first) { totalCount
        nodes { id status motivation applicant { name email } }
        pageInfo { hasNextPage endCursor } } }"""
    changes = """query($mentorId: ID, $last: Int) {
      availabilityChanges(mentorId: $mentorId, last: $last) { totalCount
        edges { cursor node { available reason occurredAt mentor { name } actor { name } } }
        pageInfo { hasPreviousPage startCursor } } }"""
    return [
        (requests, {"first": 5}),
        (requests, {"filter": {"status": "APPROVED"}, "last": 3}),
        (requests, {"filter": {"mentorId": ids.mentor}}),
        (requests, {"filter": {"menteeId": ids.mentee, "status": "COMPLETED"}}),
        (requests, {"filter": {"olderThanDays": 3}, "first": 4}),
        (requests, {"filter": {"olderThanDays": 0.5, "status": "NEW"}}),
        (requests, {"filter": {"olderThanDays": 5000}}),  # refused there, declined here
        (silent, {}),
        (silent, {"days": 1.5, "first": 2}),
        (silent, {"days": 0, "last": 3}),
        (silent, {"days": -1}),  # refused there, declined here
        (applications, {}),
        (applications, {"status": "PENDING", "first": 1}),
        (changes, {}),
        (changes, {"mentorId": ids.mentor, "last": 1}),
    ]


def _spotlight(ids: Ids) -> list[tuple[str, dict[str, Any]]]:
    query = f"""query($first: Int!) {{ spotlightMentors(first: $first) {{ ...Person
        rating {{ average count }} responsiveness {{ responseRate lastActiveAt }} }} }} {USER}"""
    return [(query, {"first": n}) for n in (1, 3, 20, 21)]


def _recommendations(ids: Ids) -> list[Case]:
    query = f"""query($id: ID!, $first: Int!) {{ node(id: $id) {{ ... on User {{
        recommendedMentors(first: $first) {{ __typename score
          reasons {{ kind points detail }} why: reasons {{ detail __typename }}
          mentor {{ ...Person responsiveness {{ responseRate medianResponseHours }} }}
          again: mentor {{ id }} }} }} }} }} {USER}"""
    viewer = """{ viewer { name recommendedMentors { score mentor { name } } } }"""
    cases: list[Case] = [(query, {"id": user, "first": 50}) for user in ids.users[:5]]
    cases += [(query, {"id": ids.mentee, "first": n}) for n in (1, 2)]
    # Refused to the user themself, null for everyone else there: declined here for anyone
    # (the statement is shared by every signed-in viewer).
    cases += [(query, {"id": ids.mentee, "first": n}, DECLINED) for n in (0, 51)]
    return [*cases, (viewer, {})]


@pytest.fixture
async def world(db: None) -> World:
    return await build_world()


@pytest.fixture
async def ids(world: World) -> Ids:
    viewers = world.viewers
    member, mentee, mentor, admin = (viewers[n] for n in ("member", "mentee", "mentor", "admin"))
    assert member is not None and mentee is not None and mentor is not None and admin is not None
    now = clock.now()
    applications = [
        await MentorApplication.create(
            user=member, motivation="I would like to help. " * 3, created_at=now
        ),
        await MentorApplication.create(
            user=mentee,
            motivation="Teaching is how I learn best. " * 2,
            status=ApplicationStatus.REJECTED,
            decision_reason="Not yet.",
            reviewer=admin,
            created_at=now,
            decided_at=now,
        ),
    ]
    await AvailabilityChange.create(
        mentor=mentor, available=False, reason="Silent.", actor=None, occurred_at=now
    )
    await AvailabilityChange.create(
        mentor=mentor, available=True, reason="Back.", actor=admin, occurred_at=now
    )
    waiting = await MentorshipRequest.filter(status__in=OPEN_STATUSES).order_by("id").limit(6)
    for number, request in enumerate(waiting):
        await RequestReminder.create(request=request, number=1 + number % 2, sent_at=now)
    events = await RequestEvent.all().order_by("id").values_list("id", flat=True)
    rated = await MentorshipFeedback.all().order_by("id").values_list("request_id", flat=True)
    return Ids(
        users=[encode_global_id("User", pk) for pk in world.user_ids],
        requests=[encode_global_id("MentorshipRequest", pk) for pk in world.request_ids],
        events=[encode_global_id("RequestEvent", int(pk)) for pk in events[::7]],  # type: ignore[call-overload]
        applications=[encode_global_id("MentorApplication", a.id) for a in applications],
        with_feedback=[
            encode_global_id("MentorshipRequest", int(pk))  # type: ignore[call-overload]
            for pk in dict.fromkeys(rated)
        ][:4],
        mentor=encode_global_id("User", mentor.id),
        mentee=encode_global_id("User", mentee.id),
    )


@pytest.fixture
async def apps(settings: Settings, db: None) -> AsyncIterator[AppPair]:
    async with app_pair(settings) as pair:
        yield pair


@pytest.mark.parametrize(
    "area", ["graph", "mentorships", "nodes", "admin", "spotlight", "recommendations"]
)
async def test_fast_path_answers_as_the_ordinary_path(
    area: str, world: World, ids: Ids, apps: AppPair
) -> None:
    operations: dict[str, Callable[[Ids], list[Case]]] = {
        "graph": _graph,
        "mentorships": _mentorships,
        "nodes": _nodes,
        "admin": _admin,
        "spotlight": _spotlight,
        "recommendations": _recommendations,
    }
    state = apps.fast_app.state.fast_reads
    differences: list[Difference] = []
    unserved: list[tuple[str, str, dict[str, Any]]] = []
    clean = 0
    for query, variables, *declined in operations[area](ids):
        for viewer_name, viewer in [*world.viewers.items(), ("gone", world.gone)]:
            ordinary = await apps.ordinary.execute(query, variables, as_user=viewer)
            served, failed = state.served, state.failed
            fast = await apps.fast.execute(query, variables, as_user=viewer)
            assert state.failed == failed, f"fast statement failed: {viewer_name} {query}"
            if not compare(ordinary, fast):
                differences.append(Difference(viewer_name, query, variables, ordinary, fast))
            if ordinary.status == 200 and not ordinary.errors:
                clean += 1
                if state.served == served and not declined:
                    unserved.append((viewer_name, query, variables))
    assert not differences, report(differences)
    assert clean, "no operation answered cleanly: the table tests nothing"
    assert not unserved, f"{len(unserved)} answered on the ordinary path; first: {unserved[0]}"


async def test_what_follows_the_clock_is_renewed_for_each_run(
    world: World, ids: Ids, apps: AppPair
) -> None:
    """A cached statement runs again later: `olderThanDays`' cutoff, the spotlight's week and
    30 days, the age in days of a waiting request are computed for each run, not when the
    statement was compiled."""
    admin = world.viewers["admin"]
    older = """{ adminRequests(filter: {olderThanDays: 2}, first: 100) { totalCount } }"""
    spotlight = "{ spotlightMentors(first: 20) { id } }"
    silent = """{ unresponsiveMentors(olderThanDays: 2, first: 100) { totalCount
      nodes { oldestRequestAgeDays waitingRequests } } }"""
    answers: dict[str, set[bytes]] = {older: set(), spotlight: set(), silent: set()}
    for _ in range(4):
        for query in (older, spotlight, silent):
            ordinary = await apps.ordinary.execute(query, as_user=admin)
            fast = await apps.fast.execute(query, as_user=admin)
            assert compare(ordinary, fast), (query, ordinary.body, fast.body)
            answers[query].add(fast.raw)
        clock.advance(timedelta(days=4))
    # The clock moved the answers: a statement frozen at its first run would have failed above.
    assert all(len(seen) > 1 for seen in answers.values())


async def test_the_bench_shapes_of_part_b_are_answered_compiled(
    world: World, ids: Ids, apps: AppPair
) -> None:
    """`bench/shapes.py` 7 and 8 as the bench sends them: compiled, equal to the ordinary path,
    and shape 7's bare statement answers the same data (what `bench.run` checks before it
    measures)."""
    admin, mentee = world.viewers["admin"], world.viewers["mentee"]
    assert admin is not None and mentee is not None
    graph, recommended = SHAPES[7], SHAPES[8]
    mentor = world.viewers["mentor"]
    assert mentor is not None
    root = mentor.id
    for query, variables, viewer in (
        (graph.ours.query, {"id": encode_global_id("User", root)}, admin),
        (recommended.ours.query, {}, mentee),
    ):
        state = apps.fast_app.state.fast_reads
        served = state.served
        ordinary = await apps.ordinary.execute(query, variables, as_user=viewer)
        fast = await apps.fast.execute(query, variables, as_user=viewer)
        assert ordinary.status == 200 and not ordinary.errors, ordinary.body
        assert compare(ordinary, fast) and state.served == served + 1
    assert graph.bare_sql is not None
    bare = await connections.get("default").execute_query_dict(
        graph.bare_sql.replace("$1::int", f"{root}::int").replace("= $1", f"= {root}")
    )
    ours = await apps.fast.execute(
        graph.ours.query, {"id": encode_global_id("User", root)}, as_user=admin
    )
    bare_data = json.loads(bare[0]["json_build_object"])["data"]
    assert comparable(list(bare_data.values())) == comparable(list(ours.data.values()))
    assert ours.data["mentorshipGraph"]["edges"], "a graph with no edges tests little"
