"""`sessions` on the fast read path, and the token's session checked inside the compiled
statement (issue 12): the same answers as the ordinary path, byte for byte, for every kind of
token (its own session, another of the viewer's, a session-less one, an ended one, none), and a
compiled read with a session's token is one statement, not two."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
import pytest

from devkit.factories import make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts import sessions as sessions_model
from mentorgraph.models.accounts.auth import Session
from mentorgraph.models.accounts.sessions import EndReason
from mentorgraph.models.accounts.users import User
from mentorgraph.settings import Settings
from tests.utils.app_pair import AppPair, app_pair
from tests.utils.sql_counter import count_statements

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="the fast read path runs on PostgreSQL only",
)

SESSIONS = "{ sessions { id userAgent address createdAt lastUsedAt current } }"
# Aliases, a fragment, `__typename`, `@include`/`@skip` by variable, beside another root.
SESSIONS_DRESSED = """query($with: Boolean!) {
  mine: sessions { ...S here: current __typename }
  viewer { name }
  again: sessions @include(if: $with) { lastUsedAt @skip(if: $with) current }
}
fragment S on Session { id createdAt userAgent }"""
QUERIES = [(SESSIONS, {}), (SESSIONS_DRESSED, {"with": True}), (SESSIONS_DRESSED, {"with": False})]


@dataclass
class Tokens:
    viewer: User
    current: str  # of the one least recently used of the live ones
    older: str  # of another live session of the viewer's
    sessionless: str
    ended: str
    expired: str  # of a session past its expiry, not ended (the token itself still valid)


@pytest.fixture
async def apps(settings: Settings, db: None) -> AsyncIterator[AppPair]:
    async with app_pair(settings) as pair:
        yield pair


async def _sessions(apps: AppPair) -> Tokens:
    """A viewer with sessions of every kind (and another user's, never listed)."""
    issue = apps.fast_app.state.tokens.issue
    viewer = await make_user(name="Sam Sessions")
    other = await make_user(name="Olga Other")
    started = []
    for agent in ("Firefox/1", "curl/8 'quoted' \\ \"x\"", "Zeta ✨", "Ended/1", "Expired/1"):
        started.append(await sessions_model.start(viewer, address="10.0.0.1", user_agent=agent))
        clock.advance(timedelta(seconds=1))
    await sessions_model.start(other, address="10.0.0.2", user_agent="Other/1")
    ids = [s.session.id for s in started]
    # Equal last use (the order falls to the id), one at a whole second.
    moment = clock.now().replace(microsecond=0)
    await Session.filter(id__in=ids[1:3]).update(last_used_at=moment)
    await sessions_model.end_session(viewer, ids[3], EndReason.LOG_OUT)
    await Session.filter(id=ids[4]).update(expires_at=clock.now() - timedelta(seconds=1))
    return Tokens(
        viewer,
        current=issue(viewer, ids[0]),
        older=issue(viewer, ids[2]),
        sessionless=issue(viewer),
        ended=issue(viewer, ids[3]),
        expired=issue(viewer, ids[4]),
    )


Answer = tuple[int, Any]


async def _both(
    apps: AppPair, query: str, variables: dict[str, Any], token: str | None
) -> tuple[Answer, Answer]:
    """The status and parsed body of each path, fast first."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    answers = []
    for client in (apps.fast.http, apps.ordinary.http):
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        answers.append((response.status_code, orjson.loads(response.content)))
    return answers[0], answers[1]


async def test_sessions_answer_as_the_ordinary_path_for_every_token(apps: AppPair) -> None:
    tokens = await _sessions(apps)
    fast_reads = apps.fast_app.state.fast_reads
    for token in (tokens.current, tokens.older, tokens.sessionless, tokens.expired):
        for query, variables in QUERIES:
            served = fast_reads.served
            fast, ordinary = await _both(apps, query, variables, token)
            assert fast == ordinary
            assert fast[0] == 200 and "errors" not in fast[1], fast
            assert fast_reads.served == served + 1  # compiled, not handed over
    fast, _ = await _both(apps, SESSIONS, {}, tokens.current)
    listed = fast[1]["data"]["sessions"]
    # Most recently used first; equal ones newest first.
    assert [s["userAgent"] for s in listed] == ["Zeta ✨", "curl/8 'quoted' \\ \"x\"", "Firefox/1"]
    assert [s["current"] for s in listed] == [False, False, True]
    fast, _ = await _both(apps, SESSIONS, {}, tokens.sessionless)
    assert not any(s["current"] for s in fast[1]["data"]["sessions"])
    # Anonymous: refused by the ordinary path (the fast path declines).
    fast, ordinary = await _both(apps, SESSIONS, {}, None)
    assert fast == ordinary and fast[1]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_ended_session_is_refused_as_before(apps: AppPair) -> None:
    tokens = await _sessions(apps)
    for query, variables in [*QUERIES, ("{ viewer { name } }", {}), ("{ __typename }", {})]:
        fast, ordinary = await _both(apps, query, variables, tokens.ended)
        assert fast == ordinary
        assert fast[0] == 401 and fast[1]["errors"][0]["message"] == (
            "The token's session has ended: sign in again."
        )
    # Ended between two requests of the same (cached) statement: refused at once.
    fast, _ = await _both(apps, SESSIONS, {}, tokens.older)
    assert fast[0] == 200
    await sessions_model.end_all(tokens.viewer.id, EndReason.LOG_OUT_EVERYWHERE)
    for token in (tokens.current, tokens.older):
        fast, ordinary = await _both(apps, SESSIONS, {}, token)
        assert fast == ordinary and fast[0] == 401
    # A session-less token of the same viewer still reads: it names no session.
    fast, ordinary = await _both(apps, SESSIONS, {}, tokens.sessionless)
    assert fast == ordinary and fast[1]["data"]["sessions"] == []
    # The account gone: the account's refusal, not the session's, as before.
    await tokens.viewer.delete()
    for token in (tokens.sessionless, tokens.current):
        fast, ordinary = await _both(apps, "{ viewer { name } }", {}, token)
        assert fast == ordinary and fast[0] == 401


async def test_a_compiled_read_with_a_sessions_token_is_one_statement(apps: AppPair) -> None:
    tokens = await _sessions(apps)
    headers = {"Authorization": f"Bearer {tokens.current}"}
    for query in (SESSIONS, "{ viewer { name } mentors(first: 3) { totalCount } }"):
        await apps.fast.http.post("/graphql", json={"query": query}, headers=headers)  # compile
        with count_statements() as statements:
            response = await apps.fast.http.post("/graphql", json={"query": query}, headers=headers)
        assert response.status_code == 200 and "errors" not in response.json()
        assert len(statements) == 1, statements.statements
    # The ordinary path still checks first: a mutation's session is checked as before.
    with count_statements() as statements:
        response = await apps.fast.http.post(
            "/graphql", json={"query": "mutation { logOut { ended } }"}, headers=headers
        )
    assert response.json()["data"]["logOut"]["ended"] == 1
    assert any("FROM sessions WHERE id" in s for s in statements.statements)
