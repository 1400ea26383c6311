"""`viewer.recommendedMentors`: who is suggested, in which order, why, and to whom."""

from __future__ import annotations

from typing import Any

from devkit.factories import make_mentor, make_mentorship, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.recommendations import Candidate, ReasonKind, Seeker, rank, score
from mentorgraph.models.requests.requests import RequestStatus
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import user_gid
from tests.utils.sql_counter import fewest_statements

RECOMMENDED = """
query($id: ID!, $first: Int!) {
  node(id: $id) {
    ... on User {
      recommendedMentors(first: $first) { mentor { name } score reasons { kind points detail } }
    }
  }
}"""

SEEKER = Seeker(tags=frozenset({"python", "sql"}), languages=frozenset({"en", "de"}), country="DE")


def candidate(mentor_id: int, **parts: Any) -> Candidate:
    values: dict[str, Any] = {
        "tags": frozenset(),
        "languages": frozenset(),
        "country": None,
        "response_rate": None,
        "peers": 0,
    }
    values.update(parts)
    return Candidate(mentor_id=mentor_id, **values)


def test_each_part_of_the_score_is_a_reason() -> None:
    found = score(
        SEEKER,
        candidate(
            1,
            tags=frozenset({"python", "sql", "go"}),
            languages=frozenset({"en", "de", "fr"}),
            country="DE",
            response_rate=0.75,
            peers=5,
        ),
    )
    assert [(r.kind, r.points) for r in found.reasons] == [
        (ReasonKind.TAGS, 6.0),
        (ReasonKind.LANGUAGES, 2.0),
        (ReasonKind.COUNTRY, 1.0),
        (ReasonKind.RESPONSIVENESS, 1.5),
        (ReasonKind.NETWORK, 3.0),  # capped at three peers
    ]
    assert found.score == 13.5
    assert found.reasons[0].detail == "Shares python, sql"


def test_ranking_is_by_score_then_id_and_drops_zero_scores() -> None:
    candidates = [
        candidate(5, country="DE"),
        candidate(3, tags=frozenset({"python"})),
        candidate(2, country="DE"),
        candidate(4, country="FR"),
    ]
    ranked = rank(SEEKER, candidates, first=10)
    assert [r.mentor_id for r in ranked] == [3, 2, 5]
    assert [r.mentor_id for r in rank(SEEKER, reversed(candidates), first=2)] == [3, 2]


async def recommended(
    client: GraphQLClient, user: User, viewer: User | None, first: int = 10
) -> Any:
    response = await client.execute(
        RECOMMENDED, {"id": user_gid(user.id), "first": first}, as_user=viewer
    )
    return response.data["node"]["recommendedMentors"]


async def make_scene() -> User:
    """A member interested in python and graphql, in DE, speaking en and de."""
    seeker = await make_mentor(  # a mentor too: never recommended to themself
        name="seeker", tags=["python", "graphql"], languages=["en", "de"], country="DE"
    )
    await make_mentor(name="m1", tags=["python", "graphql"], languages=["en"], country="DE")
    await make_mentor(name="m2", tags=["python"], languages=["en", "de"], country="FR")
    await make_mentor(name="m3", tags=["rust"], country="DE")
    await make_mentor(name="unavailable", tags=["python", "graphql"], available=False)
    full = await make_mentor(name="full", tags=["python", "graphql"], capacity=1)
    await make_mentorship(mentor=full, mentee=await make_user())
    asked = await make_mentor(name="asked", tags=["python", "graphql"])
    await make_request(mentee=seeker, mentor=asked, status=RequestStatus.NEW)
    # Mentored a member who shares an interest with the seeker (and answered: rate 1.0).
    m7 = await make_mentor(name="m7", tags=["go"])
    await make_mentorship(mentor=m7, mentee=await make_user(tags=["python"]))
    # Declined the seeker once, not by the mentor (an admin: no rate either way): still suggested.
    m8 = await make_mentor(name="m8", tags=["graphql", "python"])
    await make_request(mentee=seeker, mentor=m8, status=RequestStatus.DECLINED)
    await make_mentor(name="stranger", tags=["cooking"], country="US")
    return seeker


async def test_the_viewer_gets_ranked_mentors_with_reasons(client: GraphQLClient) -> None:
    seeker = await make_scene()
    found = await recommended(client, seeker, seeker)
    assert [(r["mentor"]["name"], r["score"]) for r in found] == [
        ("m1", 8.0),
        ("m8", 6.0),
        ("m2", 5.0),
        ("m7", 3.0),
        ("m3", 1.0),
    ]
    assert found[0]["reasons"] == [
        {"kind": "TAGS", "points": 6.0, "detail": "Shares graphql, python"},
        {"kind": "LANGUAGES", "points": 1.0, "detail": "Speaks en"},
        {"kind": "COUNTRY", "points": 1.0, "detail": "Also in DE"},
    ]
    assert [r["kind"] for r in found[3]["reasons"]] == ["RESPONSIVENESS", "NETWORK"]
    # The same data, the same answer; `first` cuts the same list.
    assert await recommended(client, seeker, seeker) == found
    assert await recommended(client, seeker, seeker, first=2) == found[:2]


async def test_only_the_user_sees_their_recommendations(client: GraphQLClient) -> None:
    seeker = await make_scene()
    for viewer in (None, await make_user(), await make_user(admin=True)):
        assert await recommended(client, seeker, viewer) is None


async def test_a_bad_first_is_refused(client: GraphQLClient) -> None:
    seeker = await make_user(tags=["python"])
    for first in (0, 51):
        response = await client.execute(
            RECOMMENDED, {"id": user_gid(seeker.id), "first": first}, as_user=seeker
        )
        assert response.error_codes == ["BAD_USER_INPUT"]


async def test_a_member_with_an_empty_profile_gets_an_empty_list(client: GraphQLClient) -> None:
    await make_scene()
    newcomer = await make_user()
    assert await recommended(client, newcomer, newcomer) == []


async def test_statements_do_not_grow_with_the_directory(client: GraphQLClient) -> None:
    seeker = await make_scene()

    async def statements() -> int:
        return await fewest_statements(lambda: recommended(client, seeker, seeker, first=50))

    before = await statements()
    for i in range(15):
        mentor = await make_mentor(name=f"more {i}", tags=["python"], country="DE")
        await make_mentorship(mentor=mentor, mentee=await make_user(tags=["graphql"]))
    assert await statements() == before
    assert before <= 14


async def test_mentors_going_quiet_are_not_recommended(client: GraphQLClient) -> None:
    from datetime import timedelta

    from mentorgraph.models import clock

    seeker = await make_user(tags=["python"])
    await make_mentor(name="answers", tags=["python"])
    quiet = await make_mentor(name="quiet", tags=["python"])
    await make_request(mentee=await make_user(), mentor=quiet)
    assert [r["mentor"]["name"] for r in await recommended(client, seeker, seeker)] == [
        "answers",
        "quiet",
    ]
    # Unread past its first reminder: no longer recommended, until the mentor reads it.
    clock.advance(timedelta(days=6))
    assert [r["mentor"]["name"] for r in await recommended(client, seeker, seeker)] == ["answers"]
