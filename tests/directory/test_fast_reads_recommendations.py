"""`recommendedMentors` compiled renders only the shortlist that can hold the best `first`
(issue 12): the answer is still the ordinary path's, in its order, for every `first`, with many
candidates tied or within a rounding of each other; and fewer profiles are rendered than the
pool holds."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from devkit.factories import make_mentor, make_mentorship, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.settings import Settings
from tests.utils.app_pair import AppPair, app_pair

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DB", "sqlite") != "postgres",
    reason="the fast read path runs on PostgreSQL only",
)

QUERY = """query($first: Int!) { viewer { recommendedMentors(first: $first) {
  score reasons { kind points detail } mentor { id name responsiveness { responseRate } } } } }"""


@pytest.fixture
async def apps(settings: Settings, db: None) -> AsyncIterator[AppPair]:
    async with app_pair(settings) as pair:
        yield pair


async def _crowd() -> User:
    """A seeker and 24 candidates: equal scores (ties go to the lower id), and response rates
    that put unrounded scores a rounding apart (1/3, 2/3: 0.67 points against 0.6667)."""
    seeker = await make_user(name="seeker", tags=["python", "graphql"], country="DE")
    for n in range(24):
        tags = ["python", "graphql"][: 1 + n % 2] if n % 5 else ["rust"]
        mentor = await make_mentor(name=f"m{n}", tags=tags, country="DE" if n % 3 else "FR")
        # Some answered, some not: rates 1, 1/2, 1/3, 2/3 and none.
        answered, unanswered = [(0, 0), (1, 0), (1, 1), (1, 2), (2, 1)][n % 5]
        for _ in range(answered):
            await make_mentorship(mentor=mentor, mentee=await make_user(tags=["cooking"]))
        for _ in range(unanswered):
            await make_request(
                mentee=await make_user(), mentor=mentor, status=RequestStatus.EXPIRED
            )
    return seeker


async def _answer(apps: AppPair, client: Any, seeker: User, first: int) -> tuple[int, Any]:
    token = apps.fast_app.state.tokens.issue(seeker)
    response = await client.post(
        "/graphql",
        json={"query": QUERY, "variables": {"first": first}},
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.status_code, orjson.loads(response.content)


async def test_the_shortlist_answers_as_the_ordinary_path(apps: AppPair) -> None:
    seeker = await _crowd()
    fast_reads = apps.fast_app.state.fast_reads
    for first in (1, 2, 3, 5, 8, 13, 50):
        served = fast_reads.served
        fast = await _answer(apps, apps.fast.http, seeker, first)
        ordinary = await _answer(apps, apps.ordinary.http, seeker, first)
        assert fast == ordinary, first
        assert fast_reads.served == served + 1 and fast_reads.failed == 0
        found = fast[1]["data"]["viewer"]["recommendedMentors"]
        assert len(found) == first or first == 50, first


async def test_only_the_shortlist_is_rendered(apps: AppPair) -> None:
    seeker = await _crowd()
    fast_reads = apps.fast_app.state.fast_reads
    variables = {"first": 3}
    statement = fast_reads._statement(QUERY, None, variables, seeker.id)
    text = await fast_reads._run(statement.sql, statement.bind(seeker.id), None)
    raw = orjson.loads(text)["data"]["viewer"]["recommendedMentors"]["$recommend"]
    rendered = [c for c in raw["candidates"] if c["answer"] is not None]
    assert len(raw["candidates"]) >= 20
    assert 3 <= len(rendered) < 12, len(rendered)


async def test_mentors_found_by_a_language_only(apps: AppPair) -> None:
    """The pool by place finds mentors speaking one of the seeker's languages (a join to the
    seeker's own, probed per mentor: `resolvers/fast_reads/recommendations.py`) as the ordinary
    path does; no tag and no country in common."""
    seeker = await make_user(name="seeker", languages=["de", "fr"])
    for name, languages in [("de", ["de"]), ("fr en", ["en", "fr"]), ("es", ["es"]), ("-", [])]:
        await make_mentor(name=name, tags=["rust"], languages=languages)
    fast_reads = apps.fast_app.state.fast_reads
    served = fast_reads.served
    fast = await _answer(apps, apps.fast.http, seeker, 10)
    ordinary = await _answer(apps, apps.ordinary.http, seeker, 10)
    assert fast == ordinary
    assert fast_reads.served == served + 1 and fast_reads.failed == 0
    found = fast[1]["data"]["viewer"]["recommendedMentors"]
    assert [r["mentor"]["name"] for r in found] == ["de", "fr en"]
    assert [r["reasons"][0]["detail"] for r in found] == ["Speaks de", "Speaks fr"]
