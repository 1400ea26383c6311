"""Every connection pages both ways (`first`/`after` and `last`/`before`), as the Relay cursor
connections spec says (issue 13, item 4), on both read paths.

The connections are found by walking the schema: a field whose type is named `*Connection`
must take the four arguments and have a case in `CASES` (its data and who may read it), so a
connection added without backward paging, or without a case here, fails this module. Each case
pages its whole list forward and backward and compares; on PostgreSQL every request also goes to
a server with the fast read path off and the answers must be identical, and the lists the fast
path answers (`FAST_PATH`) must be answered by it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from graphql import GraphQLObjectType, get_named_type
from starlette.applications import Starlette

from devkit.factories import make_mentor, make_mentorship, make_user, request_row
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import Favorite, User
from mentorgraph.models.directory.application_records import MentorApplication
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.notifications.email_preferences import NotificationKind
from mentorgraph.models.notifications.inbox import Notification
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.models.safety.safety_records import (
    AdminAuditEntry,
    AuditAction,
    MemberBlock,
    MemberReport,
    ReportCategory,
)
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.resolvers.pagination import MAX_PAGE_SIZE
from mentorgraph.schema import build_schema
from tests.utils.client import GraphQLClient, GraphQLResponse
from tests.utils.sql_counter import count_statements

POSTGRES = os.environ.get("TEST_DB", "sqlite") == "postgres"
PAGE_ARGUMENTS = {"first", "after", "last", "before"}
PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
LIST_SIZE = 5  # items in each case's list (4 for `unresponsiveMentors`)


@dataclass(frozen=True)
class Case:
    """How to read one connection: who reads it, the field (with its other arguments) and the
    user it hangs off (for `User` fields), and how many items it holds."""

    viewer: str
    field: str
    on_user: str | None = None
    size: int = LIST_SIZE


CASES = {
    "Query.mentors": Case("anonymous", "mentors(orderBy: NAME, {args})"),
    "Query.adminRequests": Case("admin", "adminRequests({args})", size=9),
    "Query.unresponsiveMentors": Case(
        "admin", "unresponsiveMentors(olderThanDays: 5, {args})", size=4
    ),
    "Query.availabilityChanges": Case("admin", "availabilityChanges({args})"),
    "Query.mentorApplications": Case("admin", "mentorApplications({args})"),
    "User.favoriteMentors": Case("mentee", "favoriteMentors({args})", on_user="mentee"),
    "User.sentRequests": Case("mentee", "sentRequests({args})", on_user="mentee"),
    "User.receivedRequests": Case("mentor", "receivedRequests({args})", on_user="mentor"),
    "User.mentorships": Case("admin", "mentorships({args})", on_user="mentor"),
    "Query.notifications": Case("mentee", "notifications(unreadOnly: false, {args})"),
    "Query.blockedMembers": Case("mentee", "blockedMembers({args})"),
    "Query.reports": Case("admin", "reports(status: OPEN, {args})"),
    "Query.adminAuditLog": Case("admin", "adminAuditLog({args})"),
    "Query.members": Case("admin", "members(role: MEMBER, {args})"),
}
# The connections the fast read path answers itself (`resolvers/fast_reads/`).
FAST_PATH = {"Query.mentors", "User.favoriteMentors", "User.sentRequests", "User.receivedRequests"}


def connection_fields() -> dict[str, set[str]]:
    """Every field of the schema whose type is a connection, with its argument names."""
    schema = build_schema()._schema
    found = {}
    for type_name, graphql_type in schema.type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, field in graphql_type.fields.items():
            if get_named_type(field.type).name.endswith("Connection"):
                found[f"{type_name}.{field_name}"] = set(field.args)
    return found


def test_every_connection_takes_the_four_arguments_and_has_a_case() -> None:
    found = connection_fields()
    assert found, "the walk found no connection"
    assert {name for name, args in found.items() if not args >= PAGE_ARGUMENTS} == set()
    assert set(found) == set(CASES), "a connection without a case here (or a stale case)"


def test_page_info_has_what_relay_requires() -> None:
    page_info = build_schema()._schema.type_map["PageInfo"]
    assert isinstance(page_info, GraphQLObjectType)
    fields = page_info.fields
    assert {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"} <= set(fields)
    assert str(fields["hasPreviousPage"].type) == "Boolean!"
    assert str(fields["startCursor"].type) == "String"


@dataclass
class World:
    users: dict[str, User | None]


@pytest.fixture
async def world(db: None) -> World:
    """A mentee who sent 5 requests (4 of them open for 10 days) and keeps 5 favourites; a mentor
    with 5 mentorships; 5 availability changes and 5 applications to mentor."""
    admin = await make_user(admin=True, name="Admin")
    mentors = [await make_mentor(name=f"Mentor {c}", capacity=10) for c in "EBDAC"]
    mentees = [await make_user(name=f"Mentee {i}") for i in range(5)]
    mentor, mentee = mentors[0], mentees[0]
    for other in mentees:  # the mentor's received requests and mentorships
        await make_mentorship(mentor=mentor, mentee=other)
    for other in mentors[1:]:  # the mentee's sent requests; the 4 mentors are unresponsive
        await request_row(
            mentee=mentee, mentor=other, status=RequestStatus.NEW, age=timedelta(days=10)
        )
    for other in mentors:
        await Favorite.create(user_id=mentee.id, mentor_id=other.id)
    for i, other in enumerate(mentors):
        await AvailabilityChange.create(
            mentor_id=other.id, available=i % 2 == 0, reason="test", occurred_at=clock.now()
        )
    for other in mentees:
        await MentorApplication.create(user_id=other.id, motivation="test", created_at=clock.now())
    # The mentee's notifications and blocks; reports about the mentors; the admin's actions.
    for other in mentors:
        await Notification.create(
            user_id=mentee.id, kind=NotificationKind.REQUEST_NEW, created_at=clock.now()
        )
        await MemberBlock.create(blocker_id=mentee.id, blocked_id=other.id, created_at=clock.now())
        await MemberReport.create(
            reporter_id=mentees[1].id,
            target_user_id=other.id,
            target_key=f"user:{other.id}",
            category=ReportCategory.SPAM,
            reason="test report",
            created_at=clock.now(),
        )
        await AdminAuditEntry.create(
            actor_id=admin.id,
            action=AuditAction.WARN_MEMBER,
            target_user_id=other.id,
            reason="test",
            occurred_at=clock.now(),
        )
    return World({"admin": admin, "mentor": mentor, "mentee": mentee, "anonymous": None})


class Reader:
    """Sends a case's query with page arguments; on PostgreSQL to both paths, which must agree."""

    def __init__(
        self, client: GraphQLClient, ordinary: GraphQLClient, app: Starlette, world: World
    ) -> None:
        self.client, self.ordinary, self.app, self.world = client, ordinary, app, world

    def query(self, case: Case) -> str:
        args = "first: $first, after: $after, last: $last, before: $before"
        field = f"{case.field.format(args=args)} {{ edges {{ cursor }} {PAGE_INFO} }}"
        if case.on_user is not None:
            user = self.world.users[case.on_user]
            assert user is not None
            field = (
                f'node(id: "{encode_global_id("User", user.id)}") {{ ... on User {{ {field} }} }}'
            )
        variables = "$first: Int, $after: String, $last: Int, $before: String"
        return f"query Page({variables}) {{ {field} }}"

    async def answer(self, case: Case, **variables: Any) -> GraphQLResponse:
        viewer = self.world.users[case.viewer]
        query = self.query(case)
        answer = await self.client.execute(query, variables, as_user=viewer)
        if POSTGRES:
            ordinary = await self.ordinary.execute(query, variables, as_user=viewer)
            assert (ordinary.status, ordinary.body) == (answer.status, answer.body)
        return answer

    async def page(self, case: Case, **variables: Any) -> tuple[list[str], dict[str, Any]]:
        """The page's cursors and its pageInfo."""
        answer = await self.answer(case, **variables)
        assert answer.status == 200 and not answer.errors, answer.body
        connection = answer.data.get("node", answer.data)
        connection = next(iter(connection.values()))
        return [edge["cursor"] for edge in connection["edges"]], connection["pageInfo"]


@pytest.fixture
def reader(
    client: GraphQLClient, ordinary_client: GraphQLClient, app: Starlette, world: World
) -> Reader:
    return Reader(client, ordinary_client, app, world)


def _served(app: Starlette) -> int:
    fast_reads = app.state.fast_reads
    return int(fast_reads.served) if fast_reads is not None else 0


@pytest.mark.parametrize("name", sorted(CASES))
async def test_paging_backward_meets_paging_forward(name: str, reader: Reader) -> None:
    case = CASES[name]
    served_before = _served(reader.app)

    # Forward, two at a time: hasPreviousPage stays false (this server's choice).
    forward: list[str] = []
    after = None
    while True:
        cursors, info = await reader.page(case, first=2, after=after)
        assert not info["hasPreviousPage"]
        assert (info["startCursor"], info["endCursor"]) == (cursors[0], cursors[-1])
        forward += cursors
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert len(forward) == len(set(forward)) == case.size

    # Backward from the end, two at a time: the same list; hasNextPage stays false.
    backward: list[str] = []
    before = None
    while True:
        cursors, info = await reader.page(case, last=2, before=before)
        assert not info["hasNextPage"]
        assert (info["startCursor"], info["endCursor"]) == (cursors[0], cursors[-1])
        assert len(cursors) == 2 or not info["hasPreviousPage"]
        backward = cursors + backward
        if not info["hasPreviousPage"]:
            break
        before = info["startCursor"]
    assert backward == forward

    # Between two cursors, either way; and the list's very end.
    inner = forward[1:-1]
    assert (await reader.page(case, first=10, after=forward[0], before=forward[-1]))[0] == inner
    assert (await reader.page(case, last=10, after=forward[0], before=forward[-1]))[0] == inner
    cursors, info = await reader.page(case, last=1, after=forward[0], before=forward[-1])
    assert cursors == [forward[-2]] and info["hasPreviousPage"]
    cursors, info = await reader.page(case, last=case.size)
    assert cursors == forward and not info["hasPreviousPage"]

    # Nothing before the first item: an empty page, null cursors.
    cursors, info = await reader.page(case, last=2, before=forward[0])
    assert cursors == []
    assert info == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }

    if POSTGRES and name in FAST_PATH:
        assert _served(reader.app) > served_before, "the fast path declined backward paging"


@pytest.mark.parametrize("name", sorted(CASES))
async def test_page_arguments_the_server_refuses(name: str, reader: Reader) -> None:
    case = CASES[name]
    for variables in (
        {"first": 2, "last": 2},
        {"last": MAX_PAGE_SIZE + 1},
        {"last": -1},
        {"last": 2, "before": "not-a-cursor"},
    ):
        answer = await reader.answer(case, **variables)
        assert answer.status == 200
        assert answer.error_codes == ["BAD_USER_INPUT"], (variables, answer.body)
        assert b"Traceback" not in answer.raw


async def test_last_counts_as_first_in_the_cost_limit(reader: Reader) -> None:
    """`last` bounds a list's size as `first` does: nested pages multiply the same way."""
    nested = "mentors(last: 100) { nodes { receivedRequests(last: 100) { nodes {"
    nested += " mentee { receivedRequests(last: 100) { nodes { id } } } } } } }"
    answer = await reader.client.execute(f"query Costly {{ {nested} }}")
    assert answer.error_codes == ["QUERY_TOO_COMPLEX"]
    forward = nested.replace("last:", "first:")
    same = await reader.client.execute(f"query Costly {{ {forward} }}")
    assert same.errors[0]["extensions"]["cost"] == answer.errors[0]["extensions"]["cost"]


async def test_a_backward_page_costs_the_statements_of_a_forward_one(
    ordinary_client: GraphQLClient, client: GraphQLClient, world: World
) -> None:
    """Nested request lists under a page of mentors stay one batched statement per list, paging
    backward as forward (ordinary path); the fast path answers either in one statement."""
    admin = world.users["admin"]
    query = (
        "query Nested { mentors(PAGE: 5) { nodes { name receivedRequests(PAGE: 3) { nodes {"
        " status mentee { name } } pageInfo { hasNextPage hasPreviousPage } } } } }"
    )
    counts = {}
    for name, reader in (("ordinary", ordinary_client), ("default", client)):
        for size in ("first", "last"):
            with count_statements() as statements:
                answer = await reader.execute(query.replace("PAGE", size), as_user=admin)
            assert not answer.errors, answer.body
            counts[(name, size)] = len(statements)
    assert counts[("ordinary", "last")] == counts[("ordinary", "first")]
    assert counts[("default", "last")] == counts[("default", "first")]
    if POSTGRES:
        assert counts[("default", "last")] == 1  # the fast path's statement (viewer included)
