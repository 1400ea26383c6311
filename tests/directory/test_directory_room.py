"""Room in the directory: `hasRoom`, `openSlots` and `unavailableUntil` on mentors, and the
`withRoom` filter. The same answers from the fast read path (PostgreSQL) and the ordinary one."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from devkit.factories import make_mentor, make_mentorship, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.settings import Settings
from tests.utils.app_pair import app_pair
from tests.utils.client import GraphQLClient

ROOM = """
query($withRoom: Boolean!, $available: Boolean!) {
  mentors(first: 20, orderBy: NAME, filter: {withRoom: $withRoom, availableOnly: $available}) {
    totalCount
    nodes { name available capacity openSlots hasRoom unavailableUntil }
  }
  mentorFacets(filter: {withRoom: $withRoom, availableOnly: $available}) {
    tags { value count }
  }
}"""
MEMBER = "query($id: ID!) { node(id: $id) { ... on User { openSlots hasRoom } } }"


POSTGRES = os.environ.get("TEST_DB", "sqlite") == "postgres"


@dataclass
class Clients:
    fast: GraphQLClient
    ordinary: GraphQLClient
    fast_reads: Any  # the fast path's counters (PostgreSQL), else None


@pytest.fixture
async def apps(settings: Settings, db: None, client: GraphQLClient) -> AsyncIterator[Clients]:
    if not POSTGRES:  # no fast path on SQLite: the ordinary path twice
        yield Clients(client, client, None)
        return
    async with app_pair(settings) as pair:
        yield Clients(pair.fast, pair.ordinary, pair.fast_app.state.fast_reads)


async def _same(apps: Clients, query: str, variables: dict[str, Any]) -> Any:
    served = apps.fast_reads.served if apps.fast_reads is not None else 0
    fast = await apps.fast.execute(query, variables)
    ordinary = await apps.ordinary.execute(query, variables)
    assert not fast.errors
    assert fast.data == ordinary.data
    if apps.fast_reads is not None:
        assert apps.fast_reads.served == served + 1  # answered by the fast path, not declined
    return fast.data


async def test_mentors_show_their_room_and_the_directory_filters_on_it(apps: Clients) -> None:
    roomy = await make_mentor(name="a roomy", capacity=2)
    await make_mentorship(mentor=roomy, mentee=await make_user())
    full = await make_mentor(name="b full", capacity=1)
    await make_mentorship(mentor=full, mentee=await make_user())
    await make_mentor(name="c closed", capacity=0)
    over = await make_mentor(name="d over", capacity=2)
    for _ in range(2):
        await make_mentorship(mentor=over, mentee=await make_user())
    await User.filter(id=over.id).update(capacity=1)  # lowered below the active mentees
    paused = await make_mentor(name="e paused", capacity=3)
    until = clock.now().replace(microsecond=0) + timedelta(days=9)
    await User.filter(id=paused.id).update(available=False, unavailable_until=until)

    every = await _same(apps, ROOM, {"withRoom": False, "available": False})
    assert [
        (n["name"], n["openSlots"], n["hasRoom"], n["unavailableUntil"])
        for n in every["mentors"]["nodes"]
    ] == [
        ("a roomy", 1, True, None),
        ("b full", 0, False, None),
        ("c closed", 0, False, None),
        ("d over", 0, False, None),
        ("e paused", 3, False, until.isoformat()),
    ]
    with_room = await _same(apps, ROOM, {"withRoom": True, "available": False})
    assert [n["name"] for n in with_room["mentors"]["nodes"]] == ["a roomy"]
    assert with_room["mentors"]["totalCount"] == 1
    assert with_room["mentorFacets"]["tags"] == [{"value": "python", "count": 1}]

    member = await make_user()
    from tests.utils.lifecycle import user_gid

    answer = await _same(apps, MEMBER, {"id": user_gid(member.id)})
    assert answer["node"] == {"openSlots": None, "hasRoom": False}
