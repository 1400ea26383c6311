"""Payload statements are compiled once and kept (issue 12), as the fast read path keeps its
own: a later payload of the same shape is served by the kept statement, with its own ids and
values, and answers what the executor completes for that payload; a payload of another shape
(a refusal) gets a statement of its own; the caches hold at most `compiled_statements_cached`
entries."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.resolvers.fast_reads.payload_reads import PayloadReads
from mentorgraph.schema.compiled_payloads import CompiledPayloads
from mentorgraph.settings import Settings
from tests.utils.app_pair import AppPair, app_pair
from tests.utils.lifecycle import request_gid

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="payloads are read compiled on PostgreSQL only",
)

# The approved request with both parties and its history, and the userErrors; `$withHistory`
# is read by the payload's selection (a directive), `$id` and `$message` only by the write.
APPROVE = """mutation Approve($id: ID!, $message: String, $withHistory: Boolean!) {
  approveMentorshipRequest(input: {requestId: $id, message: $message}) {
    request { id status responseMessage mentee { id name } mentor { name }
      history @include(if: $withHistory) { toStatus actor { name } } }
    userErrors { code field message } } }"""


@pytest.fixture
async def apps(settings: Settings, db: None) -> AsyncIterator[AppPair]:
    async with app_pair(settings) as pair:
        yield pair


class Readings:
    """Each payload read compiled, with the executor's completion of the same payload object."""

    def __init__(self) -> None:
        self.pairs: list[tuple[Any, Any]] = []


@pytest.fixture
def readings(monkeypatch: pytest.MonkeyPatch) -> Readings:
    seen = Readings()
    compiled_payload = CompiledPayloads.complete_payload

    async def both(self: CompiledPayloads, reads: PayloadReads, *args: Any) -> Any:
        served = reads.served
        answer = await compiled_payload(self, reads, *args)
        if reads.served > served:
            seen.pairs.append((answer, await self.ordinary_payload(*args)))
        return answer

    monkeypatch.setattr(CompiledPayloads, "complete_payload", both)
    return seen


async def _approve(
    apps: AppPair, mentor: User, request_id: int, message: str, with_history: bool = True
) -> dict[str, Any]:
    variables = {"id": request_gid(request_id), "message": message, "withHistory": with_history}
    answer = await apps.fast.execute(APPROVE, variables, as_user=mentor)
    assert not answer.errors, answer.errors
    return answer.data["approveMentorshipRequest"]


async def test_a_second_payload_of_the_same_shape_is_not_compiled_again(
    apps: AppPair, readings: Readings
) -> None:
    reads = apps.fast_app.state.fast_reads.payloads
    mentors = [await make_mentor(name=f"Mentor {n}") for n in range(3)]
    asked = [
        await make_request(mentee=await make_user(name=f"Mentee {n}"), mentor=m)
        for n, m in enumerate(mentors)
    ]

    first = await _approve(apps, mentors[0], asked[0].id, "First")
    assert reads.compiled == 1 and reads.served == 1
    # Another request, another mentor, another message (a variable the selection does not
    # read): the kept statement, with this payload's ids and values.
    second = await _approve(apps, mentors[1], asked[1].id, "Second")
    assert reads.compiled == 1 and reads.served == 2
    assert second["request"]["responseMessage"] == "Second"
    assert second["request"]["mentor"] == {"name": "Mentor 1"}
    assert second["request"]["mentee"]["name"] == "Mentee 1"
    assert second["request"]["id"] != first["request"]["id"]
    # Approved already: refused, the request not held (nothing to read, declined): a shape of
    # its own, compiled once, then kept as well.
    for _ in range(2):
        refused = await _approve(apps, mentors[1], asked[1].id, "Again")
        assert refused["request"] is None and refused["userErrors"][0]["code"]
    assert reads.compiled == 2 and reads.declined == 2
    # A value the selection reads (`@include(if:)`) is another statement.
    third = await _approve(apps, mentors[2], asked[2].id, "Third", with_history=False)
    assert "history" not in third["request"]
    assert reads.compiled == 3 and reads.served == 3 and reads.failed == 0
    # Every compiled answer, from a kept statement or a new one, is the executor's.
    assert len(readings.pairs) == 3
    assert all(compiled == ordinary for compiled, ordinary in readings.pairs), readings.pairs


async def test_the_statement_caches_are_bounded(settings: Settings, db: None) -> None:
    """With `compiled_statements_cached` = 2, a third document pushes the least recently used
    one out (sent again, it is compiled again); the fast read path's caches hold as many."""
    async with app_pair(settings.model_copy(update={"compiled_statements_cached": 2})) as apps:
        fast_reads = apps.fast_app.state.fast_reads
        reads = fast_reads.payloads
        assert reads.cache_size == fast_reads.cache_size == 2
        # Each approval by a mentor of their own (capacity), with another alias each time.
        mentors = [await make_mentor() for _ in range(5)]
        asked = [await make_request(mentee=await make_user(), mentor=m) for m in mentors]
        documents = [
            APPROVE.replace("approveMentorshipRequest", f"a{n}: approveMentorshipRequest")
            for n in range(3)
        ]

        async def approve(n: int, document: int) -> None:
            variables = {"id": request_gid(asked[n].id), "message": "Hi", "withHistory": True}
            answer = await apps.fast.execute(documents[document], variables, as_user=mentors[n])
            assert answer.data[f"a{document}"]["request"]["status"] == "APPROVED"

        for n in range(3):
            await approve(n, n)
        assert (reads.compiled, reads.served, reads.cached) == (3, 3, 2)
        await approve(3, 2)  # the latest is kept
        assert (reads.compiled, reads.served, reads.cached) == (3, 4, 2)
        await approve(4, 0)  # the first was pushed out: compiled again
        assert (reads.compiled, reads.served, reads.cached) == (4, 5, 2)
        mentor = mentors[0]
        # Queries: the fast path's statements are bounded alike.
        for n in range(4):
            answer = await apps.fast.execute(f"query Q{n} {{ viewer {{ id }} }}", as_user=mentor)
            assert answer.data["viewer"]
        assert fast_reads.compiled == 4 and len(fast_reads._statements) == 2
