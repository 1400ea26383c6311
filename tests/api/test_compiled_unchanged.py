"""Mutations that change nothing, answered by one compiled statement (issue 12, shape 9):
`markMentorshipRequestViewed` on a request already VIEWED (`resolvers/fast_reads/unchanged.py`).

The differential: every status a request can be in, as every kind of viewer (its mentor, its
mentee, an admin, a stranger, nobody, its mentor suspended) and with ids that are not a
request's, each with payload selections written from the schema (`payload_operation`). The fast
server answers first; the ordinary server then answers the same operation on the state the fast
one left. Both answers must be equal, the fast path must have answered exactly where the rule
says nothing changes (the mentor, a VIEWED request), in one statement, writing nothing; and
with the rule deliberately broken, the differential must notice.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import AsyncIterator
from datetime import timedelta
from itertools import product
from typing import Any

import pytest

from devkit.factories import make_mentor, make_request, make_user
from devkit.query_inputs import Vocabulary
from devkit.schema_queries import Coverage, payload_operation
from mentorgraph.models import clock
from mentorgraph.models.accounts import sessions
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.requests import (
    MentorshipRequest,
    RequestEvent,
    RequestStatus,
)
from mentorgraph.resolvers.fast_reads.unchanged import UNCHANGED
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.settings import Settings
from tests.utils.app_pair import AppPair, app_pair
from tests.utils.sql_counter import count_statements

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="mutations are answered compiled on PostgreSQL only",
)

SEED = 909
SELECTIONS = 2
VIEWERS = ("mentor", "mentee", "admin", "stranger", "anonymous", "suspended")


@pytest.fixture
async def apps(settings: Settings, db: None) -> AsyncIterator[AppPair]:
    async with app_pair(settings) as pair:
        yield pair


async def _state(request_id: int) -> tuple[Any, ...]:
    request = await MentorshipRequest.get(id=request_id)
    events = await RequestEvent.filter(request_id=request_id).count()
    return request.status, request.updated_at, request.viewed_at, events


async def _viewer(kind: str, request: MentorshipRequest, admin: User) -> User | None:
    if kind == "anonymous":
        return None
    if kind == "admin":
        return admin
    if kind == "stranger":
        return await make_user(name="Stranger")
    if kind == "suspended":
        mentor = await User.get(id=request.mentor_id)
        mentor.suspended_until = clock.now() + timedelta(days=3)
        await mentor.save(update_fields=["suspended_until"])
        return mentor
    return await User.get(id=request.mentor_id if kind == "mentor" else request.mentee_id)


async def _differences(apps: AppPair) -> tuple[list[str], int]:
    """What differs between the two servers over every case, and how many the fast path
    answered."""
    schema = apps.fast_app.state.fast_reads.schema
    unchanged = apps.fast_app.state.fast_reads.unchanged
    admin = await make_user(name="Ada Admin", admin=True)
    rng = random.Random(SEED)
    coverage = Coverage()
    differences: list[str] = []
    answered = 0
    cases = product(UNCHANGED.items(), RequestStatus, VIEWERS, range(SELECTIONS))
    for (mutation, to), status, kind, _ in cases:
        mentor = await make_mentor(name="Mo Mentor")
        mentee = await make_user(name="Mia Mentee")
        request = await make_request(mentee=mentee, mentor=mentor, status=status)
        viewer = await _viewer(kind, request, admin)
        request_gid = encode_global_id("MentorshipRequest", request.id)
        vocabulary = Vocabulary(
            user_ids=[encode_global_id("User", u.id) for u in (mentor, mentee)],
            request_ids=[request_gid],
        )
        operation = payload_operation(
            schema, rng, vocabulary, coverage, mutation, {"requestId": request_gid}
        )
        before = await _state(request.id)
        served = unchanged.served
        with count_statements() as statements:
            fast = await apps.fast.execute(operation.query, operation.variables, as_user=viewer)
        took = len(statements)
        between = await _state(request.id)
        ordinary = await apps.ordinary.execute(operation.query, operation.variables, as_user=viewer)
        case = f"{mutation} {status.value} as {kind}: {operation.query}"
        if fast.body != ordinary.body or fast.status != ordinary.status:
            differences.append(f"{case}\n  fast {fast.body}\n  ordinary {ordinary.body}")
        if unchanged.served > served:
            answered += 1
            # Nothing written, one statement, and only where the rule says so.
            if between != before or took != 1:
                differences.append(f"{case}: wrote or took {took} statements")
            if not (kind == "mentor" and status is to):
                differences.append(f"{case}: answered where something changes")
        elif kind == "mentor" and status is to:
            differences.append(f"{case}: not answered compiled")
    return differences, answered


async def test_unchanged_mutations_answer_as_the_executor(apps: AppPair) -> None:
    differences, answered = await _differences(apps)
    assert differences == []
    assert answered == len(UNCHANGED) * SELECTIONS
    assert apps.fast_app.state.fast_reads.unchanged.failed == 0


async def test_a_broken_rule_is_noticed(apps: AppPair, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule deliberately broken (any request found is taken as unchanged): the
    differential reports the statuses and viewers it then answers wrongly."""
    monkeypatch.setattr(lifecycle, "answers_unchanged", lambda _a, found, _to: found is not None)
    differences, _ = await _differences(apps)
    assert any("APPROVED as mentor" in d for d in differences)
    assert any("VIEWED as stranger" in d for d in differences)


MARK = """mutation($id: ID!) { markMentorshipRequestViewed(input: {requestId: $id}) {
  request { id status mentee { name } } userErrors { code field } } }"""


async def test_not_over_get_and_not_for_bad_ids(apps: AppPair) -> None:
    """A mutation sent with GET is refused as before (405); an id that is not a request's is
    reported by the ordinary path, whose answer the fast server gives."""
    mentor = await make_mentor(name="Mo Mentor")
    request = await make_request(
        mentee=await make_user(), mentor=mentor, status=RequestStatus.VIEWED
    )
    token = apps.fast.tokens.issue(mentor)
    variables = json.dumps({"id": encode_global_id("MentorshipRequest", request.id)})
    for client in (apps.fast, apps.ordinary):
        got = await client.http.get(
            "/graphql",
            params={"query": MARK, "variables": variables},
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        assert got.status_code == 405
    for bad in ("nope", encode_global_id("User", mentor.id), encode_global_id("X", 1)):
        fast = await apps.fast.execute(MARK, {"id": bad}, as_user=mentor)
        ordinary = await apps.ordinary.execute(MARK, {"id": bad}, as_user=mentor)
        assert fast.body == ordinary.body and fast.status == ordinary.status
    assert apps.fast_app.state.fast_reads.unchanged.served == 0


async def test_an_ended_session_is_refused(apps: AppPair) -> None:
    """The statement checks the token's session as a compiled read does: once it has ended
    the ordinary path refuses the token, on both servers alike."""
    mentor = await make_mentor(name="Mo Mentor")
    request = await make_request(
        mentee=await make_user(), mentor=mentor, status=RequestStatus.VIEWED
    )
    signed_in = await sessions.start(mentor, address="127.0.0.1", user_agent="test")
    token = apps.fast.tokens.issue(mentor, signed_in.session.id)
    variables = {"id": encode_global_id("MentorshipRequest", request.id)}
    with count_statements() as log:
        live = await apps.fast.execute(MARK, variables, token=token)
    assert live.data["markMentorshipRequestViewed"]["request"]["status"] == "VIEWED"
    assert len(log) == 1
    await sessions.end_session(mentor, signed_in.session.id, sessions.EndReason.LOG_OUT)
    for client in (apps.fast, apps.ordinary):
        refused = await client.execute(MARK, variables, token=token)
        assert refused.status == 401 and "session has ended" in str(refused.body)
