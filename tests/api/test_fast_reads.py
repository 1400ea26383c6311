"""The fast read path: which operations it answers, in how many statements, and that it steps
aside for everything else. Equality with the ordinary path over generated queries and viewers
is `test_fast_reads_differential.py`."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import orjson
import pytest

from devkit.factories import make_mentor, make_user, request_row
from mentorgraph.models.accounts.users import ChannelType, User
from mentorgraph.models.requests.requests import DeclineReason, RequestStatus
from mentorgraph.resolvers.fast_reads.build import Build, Statement
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.schema import build_schema
from mentorgraph.settings import Settings
from tests.utils.app_pair import AppPair, app_pair
from tests.utils.sql_counter import count_statements

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="the fast read path runs on PostgreSQL only",
)

PROFILE = """id name title bio avatarUrl country isMentor available capacity createdAt email
  tags spokenLanguages isFavorite channels { type handle }
  responsiveness { responseRate medianResponseHours lastActiveAt openRequests activeMentees }"""


class Pair:
    """The same app twice, fast path on and off, spoken to over HTTP as the same viewer."""

    def __init__(self, apps: AppPair) -> None:
        self.fast_app, self.ordinary_app = apps.fast_app, apps.ordinary_app
        self.fast, self.ordinary = apps.fast.http, apps.ordinary.http

    async def both(
        self, query: str, variables: dict[str, Any] | None = None, viewer: User | None = None
    ) -> tuple[tuple[int, bytes], tuple[int, bytes]]:
        headers = {}
        if viewer is not None:
            headers["Authorization"] = f"Bearer {self.fast_app.state.tokens.issue(viewer)}"
        body = {"query": query, "variables": variables or {}}
        answers = []
        for client in (self.fast, self.ordinary):
            response = await client.post("/graphql", json=body, headers=headers)
            answers.append((response.status_code, orjson.dumps(orjson.loads(response.content))))
        return answers[0], answers[1]

    async def same(
        self, query: str, variables: dict[str, Any] | None = None, viewer: User | None = None
    ) -> Any:
        fast, ordinary = await self.both(query, variables, viewer)
        assert fast == ordinary
        return orjson.loads(fast[1])


@pytest.fixture
async def pair(settings: Settings, db: None) -> AsyncIterator[Pair]:
    async with app_pair(settings) as apps:
        yield Pair(apps)


async def _world() -> tuple[User, User, User]:
    mentor = await make_mentor(
        name='Zoë "Z" O\'Brien \\ 🚀',
        bio="line one\nline two\ttabbed",
        tags=["python", "go"],
        languages=["en", "de"],
        country="DE",
        channels=[(ChannelType.GITHUB, "zoe"), (ChannelType.EMAIL, "zoe@example.org")],
    )
    mentee = await make_user(name="Mentee")
    other = await make_mentor(name="Other", tags=["python"])
    for i in range(8):
        await request_row(
            mentee=await make_user(),
            mentor=mentor,
            status=RequestStatus.APPROVED if i == 0 else RequestStatus.EXPIRED,
            answered_after=None if i else timedelta(hours=3, seconds=1),
        )
    await request_row(mentee=mentee, mentor=mentor, status=RequestStatus.APPROVED)
    await request_row(
        mentee=mentee,
        mentor=other,
        status=RequestStatus.DECLINED,
        decline_reason=DeclineReason.NO_CAPACITY,
    )
    return mentor, mentee, other


async def test_a_profile_equals_the_ordinary_path_for_every_viewer(
    pair: Pair,
) -> None:
    mentor, mentee, other = await _world()
    query = f"query($id: ID!) {{ node(id: $id) {{ __typename ... on User {{ {PROFILE} }} }} }}"
    variables = {"id": encode_global_id("User", mentor.id)}
    for viewer in (None, mentee, mentor, other):
        served = pair.fast_app.state.fast_reads.served
        data = await pair.same(query, variables, viewer)
        assert pair.fast_app.state.fast_reads.served == served + 1
        assert data["data"]["node"]["name"] == mentor.name
    # The mentee whose request the mentor approved sees the channels; the other mentor not.
    revealed = await pair.same(query, variables, mentee)
    assert revealed["data"]["node"]["channels"] == [
        {"type": "GITHUB", "handle": "zoe"},
        {"type": "EMAIL", "handle": "zoe@example.org"},
    ]
    assert (await pair.same(query, variables, other))["data"]["node"]["channels"] is None
    assert revealed["data"]["node"]["responsiveness"]["responseRate"] == 0.125  # 1 of 8


async def test_the_overview_and_directory_shapes_equal_the_ordinary_path(pair: Pair) -> None:
    _, mentee, _ = await _world()
    overview = f"""{{ viewer {{ sentRequests(first: 5) {{ edges {{ cursor node {{ id status
      createdAt respondedAt declineReason mentor {{ {PROFILE} }} }} }}
      pageInfo {{ hasNextPage endCursor }} totalCount }} }} }}"""
    await pair.same(overview, viewer=mentee)
    for order in ("NEWEST", "NAME", "RESPONSIVENESS"):
        directory = f"""{{ mentors(first: 1, orderBy: {order}, filter: {{tags: ["python"]}}) {{
          edges {{ cursor node {{ {PROFILE} }} }} pageInfo {{ hasNextPage endCursor }}
          totalCount }} }}"""
        data = await pair.same(directory)
        after = data["data"]["mentors"]["pageInfo"]["endCursor"]
        await pair.same(directory.replace("first: 1", f'first: 1, after: "{after}"'))


async def test_it_steps_aside_for_what_it_does_not_answer(pair: Pair) -> None:
    _, mentee, _ = await _world()
    fast = pair.fast_app.state.fast_reads
    for query in (
        "{ mentors(first: 101) { nodes { id } } }",  # the ordinary path reports the error
        '{ mentors(after: "nonsense") { nodes { id } } }',
        "{ unresponsiveMentors { totalCount } }",  # a field it does not support
        '{ mentorshipGraph(rootId: "x") { truncated } }',  # a bad id: reported there
        'mutation { logIn(input: {email: "x@example.org", password: "y"}) { token } }',
        "{ nope }",  # does not validate
    ):
        declined = fast.declined
        await pair.same(query, viewer=mentee)
        assert fast.declined == declined + 1, query
    assert fast.failed == 0


async def test_statements_do_not_grow_with_the_page(pair: Pair) -> None:
    for _ in range(5):
        mentor, _, _ = await _world()
    transport = httpx.ASGITransport(pair.fast_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for first in (1, 10):
            query = f"{{ mentors(first: {first}, filter: {{availableOnly: false}}) {{ nodes {{"
            query += f" {PROFILE} receivedRequests {{ nodes {{ id mentee {{ name }} }} }} }} }} }}"
            with count_statements() as statements:
                response = await client.post("/graphql", json={"query": query})
            assert response.status_code == 200
            assert len(response.json()["data"]["mentors"]["nodes"]) == first
            assert len(statements) == 1
        # Signed in: the statement reads the viewer's row itself.
        headers = {"Authorization": f"Bearer {pair.fast_app.state.tokens.issue(mentor)}"}
        with count_statements() as statements:
            response = await client.post("/graphql", json={"query": query}, headers=headers)
        assert response.status_code == 200 and len(statements) == 1


async def test_a_token_of_a_deleted_account_is_refused_as_before(pair: Pair) -> None:
    _, mentee, _ = await _world()
    token = pair.fast_app.state.tokens.issue(mentee)
    await mentee.delete()
    for client in (pair.fast, pair.ordinary):
        response = await client.post(
            "/graphql",
            json={"query": "{ viewer { name } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert pair.fast_app.state.fast_reads.served == 0


def _broken_statement(*_: object) -> Statement:
    return Statement("SELECT no_such_column", [], False)  # PostgreSQL refuses it


def _broken_compiler(*_: object) -> Statement:
    raise KeyError("a bug in the compiler")


@pytest.mark.parametrize("broken", [_broken_statement, _broken_compiler])
async def test_a_fast_path_bug_falls_back_to_the_ordinary_path(
    pair: Pair,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    broken: Callable[..., Statement],
) -> None:
    from mentorgraph.resolvers.fast_reads import reader

    _, mentee, _ = await _world()
    monkeypatch.setattr(reader, "compile_operation", broken)
    data = await pair.same("{ viewer { name } }", viewer=mentee)
    assert data == {"data": {"viewer": {"name": "Mentee"}}}
    assert pair.fast_app.state.fast_reads.failed == 1
    assert "fast read failed" in caplog.text


async def test_a_reused_statement_reads_the_window_and_viewer_of_its_own_request(
    pair: Pair,
) -> None:
    from mentorgraph.models import clock

    mentor, mentee, other = await _world()
    query = "query($id: ID!) { node(id: $id) { ... on User { email channels { handle }"
    query += " responsiveness { responseRate medianResponseHours } } } }"
    variables = {"id": encode_global_id("User", mentor.id)}
    before = await pair.same(query, variables, mentee)
    assert before["data"]["node"]["responsiveness"]["responseRate"] == 0.125
    # The same text and variables again, for another viewer and 200 days later: the cached
    # statement must not answer with the first viewer's privileges or the old window.
    clock.advance(timedelta(days=200))
    after = await pair.same(query, variables, other)
    assert after["data"]["node"]["responsiveness"]["responseRate"] is None
    assert after["data"]["node"]["channels"] is None
    assert (await pair.same(query, variables, mentor))["data"]["node"]["email"] == mentor.email


MENTEE_OVERVIEW = """{ viewer {
  sentRequestCounts { new viewed approved declined cancelled expired completed open total }
  activeMentors { id name title channels { type handle } }
  sentRequests(status: [NEW, VIEWED, APPROVED], first: 20) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id status createdAt viewedAt menteeOpenRequestCount
            mentor { id name title tags available } } } } }"""
MENTOR_OVERVIEW = """{ viewer {
  receivedRequestCounts { new viewed approved open total }
  activeMentees { id name }
  receivedRequests(status: [NEW, VIEWED, APPROVED], first: 20) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id status message background expectation createdAt
            menteeOpenRequestCount menteeActiveMentorshipCount
            mentee { id name title country spokenLanguages }
            history { id cursor fromStatus toStatus occurredAt note actor { name }
                      request { status } } } } } }"""
BROWSE = """query Browse($after: String) {
  mentors(filter: {search: "o", tags: ["python"]}, orderBy: NAME, first: 1, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id name title country tags spokenLanguages available isFavorite } }
  mentorFacets(filter: {tags: ["python"]}) {
    tags { value count } countries { value count } spokenLanguages { value count } } }"""


async def test_the_readme_overviews_and_browsing_are_answered_here(pair: Pair) -> None:
    from tests.utils.client import GraphQLClient
    from tests.utils.lifecycle import act, create

    mentor, mentee, other = await _world()
    client = GraphQLClient(pair.ordinary, pair.ordinary_app.state.tokens)
    first = await create(client, mentee, other.id)
    second = await create(client, await make_user(name="Second"), mentor.id)
    for operation in ("markViewed", "approve"):
        response = await act(client, operation, _pk(first["request"]["id"]), other)
        assert not response.body.get("errors")
    await act(client, "markViewed", _pk(second["request"]["id"]), mentor)
    fast = pair.fast_app.state.fast_reads
    served = fast.served
    for query, viewer in (
        (MENTEE_OVERVIEW, mentee),
        (MENTOR_OVERVIEW, mentor),
        (MENTOR_OVERVIEW, other),
        (BROWSE, mentee),
        (BROWSE, None),
    ):
        data = await pair.same(query, viewer=viewer)
        assert "errors" not in data
    assert fast.served == served + 5
    history = (await pair.same(MENTOR_OVERVIEW, viewer=other))["data"]["viewer"]
    events = history["receivedRequests"]["nodes"][0]["history"]
    assert [e["toStatus"] for e in events] == ["NEW", "VIEWED", "APPROVED"]
    browse = await pair.same(BROWSE, viewer=mentee)
    after = browse["data"]["mentors"]["pageInfo"]["endCursor"]
    await pair.same(BROWSE, {"after": after}, mentee)


def _pk(global_id: str) -> int:
    from mentorgraph.resolvers.ids import decode_global_id

    return decode_global_id(global_id)[1]


async def test_a_get_request_is_answered_here_too(pair: Pair) -> None:
    mentor, _, _ = await _world()
    query = "query($id: ID!) { node(id: $id) { ... on User { name tags } } }"
    params = {
        "query": query,
        "variables": orjson.dumps({"id": encode_global_id("User", mentor.id)}).decode(),
    }
    answers = []
    for client in (pair.fast, pair.ordinary):
        response = await client.get("/graphql", params=params)
        answers.append((response.status_code, orjson.dumps(orjson.loads(response.content))))
    assert answers[0] == answers[1]
    assert orjson.loads(answers[0][1])["data"]["node"] == {
        "name": mentor.name,
        "tags": ["python", "go"],
    }
    assert pair.fast_app.state.fast_reads.served == 1


# The way Apollo and Relay clients write a directory page: named fragments (one on the `Node`
# interface), inline fragments, `@include`/`@skip` on variables and literals, aliases, variables
# of every kind the arguments take (ints, strings, ids, booleans, enums, enum lists, input
# objects), `__typename` everywhere.
CLIENT_SHAPES = """
query Directory($first: Int!, $after: String, $filter: MentorFilter, $order: MentorOrder,
    $withProfile: Boolean!, $withoutCounts: Boolean!, $statuses: [RequestStatus!],
    $node: ID!, $search: String) {
  __typename
  page: mentors(first: $first, after: $after, filter: $filter, orderBy: $order) {
    __typename
    edges { cursor node { ...Card ...Profile @include(if: $withProfile) } }
    pageInfo { hasNextPage endCursor }
    totalCount @skip(if: $withoutCounts)
  }
  same: mentors(first: 1, filter: {search: $search, availableOnly: false}) {
    nodes { ... on User { name @include(if: false) title @skip(if: false) } }
  }
  one: node(id: $node) { ...NodeId ... on User { alias: name ...Card } }
  viewer @include(if: $withProfile) {
    ...NodeId
    received: receivedRequests(first: 2, status: $statuses) {
      nodes { status mentee { ...Card } history @skip(if: $withoutCounts) { toStatus } }
    }
    sentRequestCounts @include(if: $withProfile) { open total }
  }
}
fragment NodeId on Node { __typename id }
fragment Card on User { id name avatarUrl tags isFavorite }
fragment Profile on User { bio country spokenLanguages responsiveness { responseRate } }
"""


async def test_every_client_shape_is_answered_here(pair: Pair) -> None:
    mentor, mentee, other = await _world()
    fast = pair.fast_app.state.fast_reads
    base = {
        "first": 2,
        "filter": {"tags": ["python"], "availableOnly": False},
        "order": "NAME",
        "statuses": ["APPROVED", "EXPIRED"],
        "node": encode_global_id("User", mentor.id),
        "search": "Other",
    }
    for flags in ((True, False), (False, True), (True, True), (False, False)):
        variables = {**base, "withProfile": flags[0], "withoutCounts": flags[1]}
        for viewer in (None, mentee, mentor, other):
            served = fast.served
            data = await pair.same(CLIENT_SHAPES, variables, viewer)
            assert "errors" not in data, data
            assert fast.served == served + 1, (flags, viewer)
            after = data["data"]["page"]["pageInfo"]["endCursor"]
            await pair.same(CLIENT_SHAPES, {**variables, "after": after}, viewer)
    # Included or not, per the variables: the selection follows them.
    shown = await pair.same(CLIENT_SHAPES, {**base, "withProfile": True, "withoutCounts": False})
    hidden = await pair.same(CLIENT_SHAPES, {**base, "withProfile": False, "withoutCounts": True})
    assert "totalCount" in shown["data"]["page"] and "totalCount" not in hidden["data"]["page"]
    assert "viewer" not in hidden["data"]
    assert shown["data"]["same"]["nodes"] == [{"title": other.title}]
    assert fast.failed == 0


async def test_the_bench_client_shapes_are_one_statement_each(pair: Pair) -> None:
    """Shapes 5 and 6 of `make bench` (the README's mentor overview; the directory page as
    Apollo and Relay write it) are answered here, equal to the ordinary path, in one statement."""
    from bench.shapes import SHAPES
    from tests.utils.client import GraphQLClient
    from tests.utils.lifecycle import act, create

    mentor, mentee, _ = await _world()
    client = GraphQLClient(pair.ordinary, pair.ordinary_app.state.tokens)
    await create(client, await make_user(name="New"), mentor.id)
    viewed = await create(client, await make_user(name="Viewed"), mentor.id)
    await act(client, "markViewed", _pk(viewed["request"]["id"]), mentor)
    transport = httpx.ASGITransport(pair.fast_app)
    overview, directory = SHAPES[5].ours, SHAPES[6].ours
    seen = await pair.same(overview.query, {}, mentor)
    requests = seen["data"]["viewer"]["receivedRequests"]["nodes"]
    assert [r["status"] for r in requests] == ["VIEWED", "NEW"]
    assert [e["toStatus"] for e in requests[0]["history"]] == ["NEW", "VIEWED"]
    assert requests[0]["history"][-1]["actor"] == {"name": mentor.name}
    for query, variables, viewer in (
        (overview.query, {}, mentor),
        (
            directory.query,
            {"first": 20, "filter": {"tags": ["python"]}, "withResponsiveness": True},
            None,
        ),
        (directory.query, {"first": 1, "withResponsiveness": False}, mentee),
    ):
        data = await pair.same(query, variables, viewer)
        assert "errors" not in data
        headers = {}
        if viewer is not None:
            headers["Authorization"] = f"Bearer {pair.fast_app.state.tokens.issue(viewer)}"
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            with count_statements() as statements:
                response = await http.post(
                    "/graphql", json={"query": query, "variables": variables}, headers=headers
                )
        assert response.status_code == 200 and len(statements) == 1


def test_booleans_of_embedded_sql_are_written_into_the_statement() -> None:
    """A cached statement runs on PostgreSQL's generic plan, planned without its parameters'
    values: `"is_mentor"=$1` could not use the partial index `WHERE is_mentor` (the heavy
    page read every member's row to find 50 mentors). Booleans are written as literals;
    every other value stays a parameter."""
    build = Build(build_schema()._schema, {}, {}, None)  # type: ignore[arg-type]
    build.param("before")
    sql = build.embed('"a"=$1 AND "b"=$2 AND "c"=$3 AND "d"=$2', [True, 7, False])
    assert sql == '"a"=true AND "b"=$2 AND "c"=false AND "d"=$2'
    assert build.params == ["before", 7]


async def test_a_mentors_page_is_compiled_without_a_boolean_parameter(pair: Pair) -> None:
    await _world()
    admin = await make_user(name="Admin", admin=True)
    for available_only in ("true", "false"):
        query = f"""{{ mentors(first: 2, filter: {{availableOnly: {available_only}}}) {{
          nodes {{ id name receivedRequests(first: 3) {{ nodes {{ id mentee {{ name }} }} }} }}
        }} }}"""
        await pair.same(query, viewer=admin)
    statements = list(pair.fast_app.state.fast_reads._statements.values())
    assert len(statements) == 2
    for statement in statements:
        assert '"is_mentor"=true' in statement.sql
        assert not any(isinstance(value, bool) for value in statement.params)
