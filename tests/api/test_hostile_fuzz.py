"""Property-based fuzzing of the whole schema over real HTTP (issue 11, "Tests and figures").

hypothesis-graphql writes queries and mutations from the schema (valid ones, and invalid ones
in its negative mode); each is sent anonymously or signed in as a mentee, a mentor or an admin
to the real app under uvicorn on a loopback port, and on PostgreSQL to two of them: one with
the fast read path (`resolvers/fast_reads`), one without. A second property sends the same
kind of documents (with random variables) over graphql-transport-ws, a new socket each; a third
sends hostile JSON envelopes: any JSON for `variables` and `operationName`, lone surrogates,
deep nesting.

Every answer: a status below 500, a JSON object, each error with `extensions.code` (and none
INTERNAL_SERVER_ERROR), no traceback or exception text (`tests/utils/fuzz.py`); no socket closed
with an internal-error code.

Bounded for `make test`: a fixed number of examples, derandomized (the same examples on every
run); FUZZ_EXAMPLES=2000 (say) runs more locally, FUZZ_SEED=n other ones, and
FUZZ_COLLECT=file.jsonl writes every failing example there instead of stopping at the first.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes
from hypothesis_graphql import strategies as gql
from hypothesis_graphql.strategies import Mode
from websockets.exceptions import ConnectionClosed

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.schema import build_schema
from mentorgraph.security import TokenService
from mentorgraph.settings import Settings
from tests.utils.fuzz import VARIABLE_NAMES, answer_problems, dumps, envelopes, json_values
from tests.utils.inprocess_server import InProcessServer
from tests.utils.raw_ws import open_socket
from tests.utils.subscriptions import PATIENCE

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
SEED = int(os.environ.get("FUZZ_SEED", "0"))
COLLECT = os.environ.get("FUZZ_COLLECT")  # a file: note failures there instead of failing

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not SEED,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# A socket per example costs more than a request: half as many.
FUZZ_WS = settings(
    max_examples=max(1, EXAMPLES // 2),
    deadline=None,
    derandomize=not SEED,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Target:
    """The servers an example goes to, and who may sign in."""

    http: list[httpx.AsyncClient]
    tokens: dict[str, str | None]
    ids: list[str]
    urls: list[str]


@pytest.fixture
async def target(settings: Settings, db: None) -> AsyncIterator[Target]:
    mentee = await make_user()
    mentor = await make_mentor()
    admin = await make_user(admin=True)
    other_mentor = await make_mentor()
    request = await make_request(mentee=mentee, mentor=mentor)
    issuer = TokenService(settings.resolved_jwt_secret, timedelta(hours=1))
    people: dict[str, User | None] = {
        "anonymous": None,
        "mentee": mentee,
        "mentor": mentor,
        "admin": admin,
    }
    tokens = {role: None if u is None else issuer.issue(u) for role, u in people.items()}
    ids = [encode_global_id("User", u.id) for u in (mentee, mentor, admin, other_mentor)]
    ids.append(encode_global_id("MentorshipRequest", request.id))
    # Both read paths on PostgreSQL; SQLite has the ordinary one only.
    variants = [{}] if settings.is_sqlite else [{"fast_reads": True}, {"fast_reads": False}]
    servers = [InProcessServer(settings.model_copy(update=v)) for v in variants]
    clients = []
    try:
        for server in servers:
            await server.start()
            clients.append(httpx.AsyncClient(base_url=server.url, timeout=30))
        yield Target(clients, tokens, ids, [server.url for server in servers])
        for http in clients:  # still answering after all that
            answer = await http.post("/graphql", json={"query": "{ mentors { totalCount } }"})
            assert answer.status_code == 200, answer.text
    finally:
        for http in clients:
            await http.aclose()
        for server in servers:
            await server.stop()


async def post(target: Target, role: str, body: bytes) -> list[str]:
    """Send `body` to every server as `role`; the problems of each answer."""
    headers = {"content-type": "application/json"}
    token = target.tokens[role]
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    sent = body.decode()
    problems = []
    for http in target.http:
        answer = await http.post("/graphql", content=body, headers=headers)
        problems += [
            f"{http.base_url} as {role}: {p}"
            for p in answer_problems(sent, answer.status_code, answer.content)
        ]
    return problems


# Close codes that mean the server failed, not the client: internal error (1011, and 4500 as
# graphql-transport-ws servers use it).
SERVER_FAILURE_CLOSES = {1011, 4500}


async def over_websocket(target: Target, role: str, payload: str) -> list[str]:
    """Subscribe with `payload` (a JSON object's text) on a new graphql-transport-ws socket
    of every server as `role`; the problems of what comes back until `complete`."""
    token = target.tokens[role]
    problems = []
    for url in target.urls:
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        received: list[str] = []
        try:
            async with asyncio.timeout(PATIENCE):
                ws = await open_socket(url)
                try:
                    await ws.send(json.dumps(init if token else {"type": "connection_init"}))
                    await ws.recv()  # the ack
                    await ws.send(f'{{"id": "1", "type": "subscribe", "payload": {payload}}}')
                    while True:
                        raw = await ws.recv()
                        received.append(str(raw))
                        if json.loads(raw).get("type") in ("complete", "error"):
                            break
                finally:
                    await ws.close()
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd else None
            if code in SERVER_FAILURE_CLOSES:
                problems.append(f"{url} as {role}: closed with {code} ({exc.rcvd})")
        for raw in received:
            message = json.loads(raw)
            if message.get("type") not in ("next", "error"):
                continue
            body = message.get("payload")
            if message.get("type") == "error":  # a list of errors
                body = {"errors": body}
            problems += [
                f"{url} as {role} over WS: {p}"
                for p in answer_problems(payload, 200, json.dumps(body).encode())
            ]
    return problems


def check(sent: bytes, problems: list[str]) -> None:
    if problems:
        if COLLECT:  # every failing example, rather than stopping at the first
            with open(COLLECT, "a") as out:
                out.write(json.dumps({"problems": problems, "request": sent.decode()}) + "\n")
            return
        raise AssertionError(f"{problems}\nrequest: {sent.decode()[:2000]}")


ROLES = st.sampled_from(["anonymous", "mentee", "mentor", "admin"])
SCHEMA = build_schema()._schema


def documents(ids: list[str]) -> st.SearchStrategy[str]:
    """Queries and mutations of the whole schema, valid and invalid; ids: real ones often."""
    # Ours (sometimes beyond int4/int8), anything, numbers.
    big_pks = st.integers(min_value=1, max_value=2**40) | st.integers(
        min_value=2**31, max_value=2**64
    )
    kinds = st.sampled_from(["User", "MentorshipRequest", "MentorApplication", "Nope"])
    id_values = (
        st.sampled_from(ids)
        | st.builds(encode_global_id, kinds, big_pks)
        | st.text(max_size=20)
        | st.integers()
    )
    scalars = {
        "ID": id_values.map(lambda v: nodes.String(v) if isinstance(v, str) else nodes.Int(v)),
        "DateTime": st.sampled_from(["2024-02-29T12:00:00Z", "yesterday", ""]).map(nodes.String),
    }
    return st.one_of(
        gql.from_schema(SCHEMA, custom_scalars=scalars, allow_x00=False),
        gql.from_schema(
            SCHEMA,
            custom_scalars=scalars,
            allow_x00=False,
            mode=Mode.NEGATIVE,
        ),
    ).map(str)


@FUZZ
@seed(SEED)
@given(data=st.data())
async def test_fuzzed_operations_never_fail_the_server(target: Target, data: st.DataObject) -> None:
    role = data.draw(ROLES, label="role")
    document = data.draw(documents(target.ids), label="document")
    body = json.dumps({"query": document}).encode()
    check(body, await post(target, role, body))


@FUZZ_WS
@seed(SEED)
@given(data=st.data())
async def test_fuzzed_operations_over_websocket_never_fail_the_server(
    target: Target, data: st.DataObject
) -> None:
    role = data.draw(ROLES, label="role")
    document = data.draw(documents(target.ids), label="document")
    variables = data.draw(st.none() | st.dictionaries(VARIABLE_NAMES, json_values, max_size=2))
    payload = json.dumps({"query": document, "variables": variables})
    check(payload.encode(), await over_websocket(target, role, payload))


@FUZZ
@seed(SEED)
@given(data=st.data())
async def test_fuzzed_envelopes_never_fail_the_server(target: Target, data: st.DataObject) -> None:
    role = data.draw(ROLES, label="role")
    envelope = data.draw(envelopes(), label="envelope")
    body = dumps(envelope).encode()
    check(body, await post(target, role, body))
