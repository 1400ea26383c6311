"""Inputs a hostile client sends (issue 11, item 8): each gets a clear 4xx or a userError with a
code, never a 500, a traceback or exception text, and the same answer on both read paths.

Through real HTTP (httpx) against the in-process app: `client` answers with the fast read path
on PostgreSQL, `ordinary_client` with Strawberry's executor only.
"""

# Tables of documents: one line each reads better than wrapped.
# ruff: noqa: E501
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from devkit.factories import make_mentor, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.resolvers.ids import encode_global_id
from tests.utils.client import GraphQLClient

# Beyond PostgreSQL's int4 (users' ids), and beyond bigint (requests' ids).
INT4_PLUS = 2**31
BIGINT_PLUS = 2**63
DEEP = 900
# What exception text and tracebacks look like.
LEAKS = ("Traceback", "Error(", "Exception", 'File "', "asyncpg", "tortoise", "sqlite3")


@dataclass
class Answer:
    status: int
    text: str

    @property
    def body(self) -> Any:
        return json.loads(self.text)

    def codes(self) -> list[str]:
        body = self.body
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
        return codes + _user_error_codes(body.get("data"))


def _user_error_codes(data: Any) -> list[str]:
    if isinstance(data, dict):
        found = [
            e["code"] for e in data.get("userErrors") or [] if isinstance(e, dict) and "code" in e
        ]
        for value in data.values():
            found += _user_error_codes(value)
        return found
    return []


async def post(
    client: GraphQLClient, body: Any, *, user: User | None = None, raw: bytes | None = None
) -> Answer:
    headers = {"content-type": "application/json"}
    if user is not None:
        headers["authorization"] = f"Bearer {client.tokens.issue(user)}"
    content = raw if raw is not None else json.dumps(body).encode()
    response = await client.http.post("/graphql", content=content, headers=headers)
    return Answer(response.status_code, response.text)


def assert_safe(answer: Answer) -> list[str]:
    """No 500, no traceback or exception text, no INTERNAL_SERVER_ERROR: an answer (the data, a
    null for an id that names nothing) or a refusal with a code. The codes, if any."""
    assert answer.status < 500, answer.text
    for leak in LEAKS:
        assert leak not in answer.text, answer.text
    codes = answer.codes()
    assert "INTERNAL_SERVER_ERROR" not in codes, answer.text
    if answer.status != 200 or "errors" in answer.body:
        assert codes and None not in codes, answer.text
    return codes


def assert_refused_clearly(answer: Answer) -> list[str]:
    """A 4xx, or a userError, with a code."""
    codes = assert_safe(answer)
    assert codes, answer.text
    return codes


VIEWER = "query A { viewer { id } }"
FILTERED = "query($f: MentorFilter) { mentors(filter: $f) { totalCount } }"

# (name, body): documents and variables anyone may send, anonymously.
ANONYMOUS: list[tuple[str, Any]] = [
    ("unknown operationName", {"query": VIEWER, "operationName": "B"}),
    ("empty operationName", {"query": VIEWER, "operationName": ""}),
    ("operationName of two", {"query": VIEWER + " query C { viewer { id } }"}),
    ("only a fragment", {"query": "fragment F on User { id }"}),
    ("deep list literal", {"query": "{ nodes(ids: " + "[" * DEEP + "]" * DEEP + ") { id } }"}),
    ("lone surrogate in variables", {"query": FILTERED, "variables": {"f": {"search": "\ud800"}}}),
    ("lone surrogate in the document", {"query": '{ mentors(filter: {search: "\\ud800"}) { totalCount } }'}),
    (
        "lone surrogate as a key",
        {"query": FILTERED, "variables": {"f": {"search": "x"}, "\udc00": 1}},
    ),
    ("huge Int variable", {"query": "query($n: Int) { mentors(first: $n) { totalCount } }", "variables": {"n": 2**70}}),
    ("Int beyond 32 bits", {"query": "query($n: Int) { mentors(first: $n) { totalCount } }", "variables": {"n": 2**40}}),
    ("huge Int literal", {"query": "{ mentors(first: 123456789012345678901234567890) { totalCount } }"}),
    ("float for an Int", {"query": "query($n: Int) { mentors(first: $n) { totalCount } }", "variables": {"n": 1.5}}),
    ("Int literal of 5000 digits", {"query": "{ mentors(first: " + "9" * 5000 + ") { totalCount } }"}),
    ("a 90 KB string literal", {"query": '{ mentors(filter: {search: "' + "w" * 90_000 + '"}) { totalCount } }'}),
    ("huge Float literal", {"query": "{ unresponsiveMentors(olderThanDays: 1e309) { totalCount } }"}),
    ("node id beyond int4", {"query": f'{{ node(id: "{encode_global_id("User", INT4_PLUS)}") {{ id }} }}'}),
    ("node id beyond bigint", {"query": f'{{ node(id: "{encode_global_id("MentorshipRequest", BIGINT_PLUS)}") {{ id }} }}'}),
    ("nodes ids beyond int4", {"query": f'{{ nodes(ids: ["{encode_global_id("User", INT4_PLUS)}"]) {{ id }} }}'}),
    ("graph root beyond int4", {"query": f'{{ mentorshipGraph(rootId: "{encode_global_id("User", INT4_PLUS)}") {{ truncated }} }}'}),
    ("a very long id", {"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": "A" * 50_000}}),
    ("a very long search", {"query": FILTERED, "variables": {"f": {"search": "word " * 15_000}}}),
    ("cursor beyond bigint", {"query": 'query($a: String) { mentors(after: $a) { totalCount } }', "variables": {"a": "WzkyMjMzNzIwMzY4NTQ3NzU4MDhd"}}),
    ("logIn email of 400 characters", {"query": 'mutation($e: String!) { logIn(input: {email: $e, password: "x"}) { token userErrors { code } } }', "variables": {"e": "a" * 390 + "@example.org"}}),
    ("signUp with very long fields", {"query": "mutation($e: String!, $n: String!, $p: String!) { signUp(input: {email: $e, name: $n, password: $p}) { token userErrors { code } } }", "variables": {"e": "b" * 400 + "@example.org", "n": "N" * 50_000, "p": "p" * 50_000}}),
]  # fmt: skip

FILTERED_BODY = b'{"query": "query($f: MentorFilter) { mentors(filter: $f) { totalCount } }", '
BODIES: list[tuple[str, bytes]] = [
    ("deep variables", FILTERED_BODY + b'"variables": {"f": {"tags": ' + b"[" * DEEP + b'"x"' + b"]" * DEEP + b"}}}"),
    ("deep input object variables", FILTERED_BODY + b'"variables": {"f": {"search": ' + b'{"a": ' * DEEP + b"1" + b"}" * DEEP + b"}}}"),
    ("a batch array", json.dumps([{"query": VIEWER}]).encode()),
    ("deep JSON", b'{"query": "{ viewer { id } }", "variables": {"a": ' + b"[" * 40_000 + b"]" * 40_000 + b"}}"),
    ("deep JSON objects", b'{"query": "{ viewer { id } }", "x": ' + b'{"a":' * 15_000 + b"1" + b"}" * 15_000 + b"}"),
    ("a number of 5000 digits", b'{"query": "query($n: Int) { mentors(first: $n) { totalCount } }", "variables": {"n": ' + b"9" * 5000 + b"}}"),
    ("duplicate keys", b'{"query": "{ nope }", "query": "{ viewer { id } }", "variables": {}, "variables": 5}'),
    ("NaN variable", b'{"query": "query($d: Float!) { unresponsiveMentors(olderThanDays: $d) { totalCount } }", "variables": {"d": NaN}}'),
    ("Infinity variable", b'{"query": "query($d: Float!) { unresponsiveMentors(olderThanDays: $d) { totalCount } }", "variables": {"d": Infinity}}'),
    ("1e309 variable", b'{"query": "query($d: Float!) { unresponsiveMentors(olderThanDays: $d) { totalCount } }", "variables": {"d": 1e309}}'),
    ("invalid UTF-8", b'{"query": "{ viewer { id } }", "variables": {"a": "\xff\xfe"}}'),
    ("a lone surrogate escape in the body", b'{"query": "{ mentors(filter: {search: \\"\\ud800\\"}) { totalCount } }"}'),
]  # fmt: skip


@pytest.fixture(params=["fast", "ordinary"])
def http(
    request: pytest.FixtureRequest, client: GraphQLClient, ordinary_client: GraphQLClient
) -> GraphQLClient:
    return client if request.param == "fast" else ordinary_client


@pytest.mark.parametrize(("name", "body"), ANONYMOUS, ids=[n for n, _ in ANONYMOUS])
async def test_anonymous_inputs_are_answered_safely(
    http: GraphQLClient, name: str, body: Any
) -> None:
    assert_safe(await post(http, body))


@pytest.mark.parametrize(("name", "raw"), BODIES, ids=[n for n, _ in BODIES])
async def test_hostile_bodies_are_refused_clearly(
    http: GraphQLClient, name: str, raw: bytes
) -> None:
    assert_refused_clearly(await post(http, None, raw=raw))


async def test_both_read_paths_answer_alike(
    client: GraphQLClient, ordinary_client: GraphQLClient
) -> None:
    for _, body in ANONYMOUS:
        fast, ordinary = await post(client, body), await post(ordinary_client, body)
        assert (fast.status, fast.body) == (ordinary.status, ordinary.body), body


async def test_ids_beyond_the_column_are_not_found(http: GraphQLClient) -> None:
    beyond = encode_global_id("User", INT4_PLUS)
    answer = await post(http, {"query": f'{{ node(id: "{beyond}") {{ id }} }}'})
    assert (answer.status, answer.body) == (200, {"data": {"node": None}})
    answer = await post(
        http, {"query": f'{{ mentorshipGraph(rootId: "{beyond}") {{ truncated }} }}'}
    )
    assert (answer.status, answer.body) == (200, {"data": {"mentorshipGraph": None}})


ADMIN_AND_MUTATIONS = [
    ("admin filter", '{ adminRequests(filter: {mentorId: "%(user)s", menteeId: "%(user)s"}) { totalCount } }'),
    ("availability changes", '{ availabilityChanges(mentorId: "%(user)s") { totalCount } }'),
    ("favourite", 'mutation { addFavoriteMentor(input: {mentorId: "%(user)s"}) { userErrors { code } } }'),
    ("unfavourite", 'mutation { removeFavoriteMentor(input: {mentorId: "%(user)s"}) { userErrors { code } } }'),
    ("request", 'mutation { createMentorshipRequest(input: {mentorId: "%(user)s", message: "%(text)s", background: "%(text)s", expectation: "%(text)s"}) { userErrors { code } } }'),
    ("approve", 'mutation { approveMentorshipRequest(input: {requestId: "%(request)s"}) { userErrors { code } } }'),
    ("cancel", 'mutation { cancelMentorshipRequest(input: {requestId: "%(request)s"}) { userErrors { code } } }'),
    ("feedback", 'mutation { leaveMentorshipFeedback(input: {requestId: "%(request)s", rating: 5}) { userErrors { code } } }'),
    ("mentor availability", 'mutation { setMentorAvailability(input: {mentorId: "%(user)s", available: false}) { userErrors { code } } }'),
    ("reminder", 'mutation { sendMentorReminder(input: {requestId: "%(request)s"}) { userErrors { code } } }'),
    ("review", 'mutation { reviewMentorApplication(input: {applicationId: "%(application)s", decision: APPROVE}) { userErrors { code } } }'),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "template"), ADMIN_AND_MUTATIONS, ids=[n for n, _ in ADMIN_AND_MUTATIONS]
)
async def test_ids_beyond_the_column_in_admin_filters_and_mutations(
    http: GraphQLClient, name: str, template: str
) -> None:
    admin = await make_user(admin=True)
    query = template % {
        "user": encode_global_id("User", INT4_PLUS),
        "request": encode_global_id("MentorshipRequest", BIGINT_PLUS),
        "application": encode_global_id("MentorApplication", INT4_PLUS),
        "text": "t" * 40,
    }
    answer = await post(http, {"query": query}, user=admin)
    assert answer.status == 200, answer.text
    assert "errors" not in answer.body, answer.text
    codes = _user_error_codes(answer.body["data"])
    assert codes in ([], ["NOT_FOUND"]), answer.text


LONG = "x" * 100_000


async def test_very_long_strings_in_stored_arguments(http: GraphQLClient) -> None:
    user = await make_mentor()
    long = "y" * 60_000
    mutations = [
        ("updateProfile", '{name: "%s"}'),
        ("updateProfile", '{title: "%s"}'),
        ("updateProfile", '{bio: "%s"}'),
        ("updateProfile", '{avatarUrl: "https://%s"}'),
        ("updateProfile", '{country: "%s"}'),
        ("updateProfile", '{tags: ["%s"]}'),
        ("updateProfile", '{spokenLanguages: ["%s"]}'),
        ("updateProfile", '{channels: [{type: EMAIL, handle: "%s"}]}'),
        ("applyToMentor", '{motivation: "%s"}'),
    ]
    for field, value in mutations:
        query = f"mutation {{ {field}(input: {value % long}) {{ userErrors {{ code }} }} }}"
        answer = await post(http, {"query": query}, user=user)
        assert_refused_clearly(answer)


async def test_a_subscription_cursor_beyond_bigint(serve: Any, client: GraphQLClient) -> None:
    from tests.utils.raw_ws import init, open_socket, receive, send

    url = await serve()
    user = await make_user()
    ws = await open_socket(url)
    try:
        await init(ws, client.tokens.issue(user))
        assert (await receive(ws))["type"] == "connection_ack"
        for after in ("WzkyMjMzNzIwMzY4NTQ3NzU4MDhd", "WzEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwXQ"):
            query = "subscription($a: String) { mentorshipRequestEvents(after: $a) { id } }"
            payload = {"query": query, "variables": {"a": after}}
            await send(ws, {"id": after, "type": "subscribe", "payload": payload})
            message = await receive(ws)
            text = json.dumps(message)
            assert message["type"] in ("error", "next"), text
            for leak in LEAKS:
                assert leak not in text
            errors = (
                message["payload"] if message["type"] == "error" else message["payload"]["errors"]
            )
            assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", text
            if message["type"] == "next":
                assert (await receive(ws))["type"] == "complete"
    finally:
        await ws.close()


async def test_real_http_over_a_socket(live_server: Any) -> None:
    # The same over a real server process (uvicorn's own handling of the body included).
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        for _, body in ANONYMOUS:
            response = await http.post(
                "/graphql",
                content=json.dumps(body).encode(),
                headers={"content-type": "application/json"},
            )
            assert response.status_code < 500, response.text
