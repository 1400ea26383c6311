"""`spotlightMentors`: who qualifies, and a choice that holds for a week and then rotates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from devkit.factories import make_mentor, make_mentorship, make_request, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.spotlight import week_shuffle
from mentorgraph.models.requests.feedback import AuthorRole, MentorshipFeedback
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from tests.utils.client import GraphQLClient

SPOTLIGHT = "query($first: Int!) { spotlightMentors(first: $first) { name rating { average } } }"

_P = 2_147_483_659


async def completed_with_rating(mentor: User, rating: int | None) -> MentorshipRequest:
    mentee = await make_user()
    request = await make_mentorship(mentor=mentor, mentee=mentee, completed=True)
    if rating is not None:
        await MentorshipFeedback.create(
            request_id=request.id,
            author_id=mentee.id,
            subject_id=mentor.id,
            author_role=AuthorRole.MENTEE,
            rating=rating,
            created_at=clock.now(),
        )
    return request


def this_weeks_order(mentors: list[User]) -> list[str]:
    shuffle = week_shuffle(clock.now())
    ordered = sorted(
        mentors, key=lambda m: ((m.id * shuffle.multiplier + shuffle.offset) % _P, m.id)
    )
    return [m.name for m in ordered]


async def spotlit(client: GraphQLClient, first: int) -> list[str]:
    response = await client.execute(SPOTLIGHT, {"first": first})
    return [m["name"] for m in response.data["spotlightMentors"]]


async def test_only_reliable_well_rated_recently_active_mentors_qualify(
    client: GraphQLClient,
) -> None:
    good = [await make_mentor(name=f"good {i}") for i in range(6)]
    for mentor in good:
        await completed_with_rating(mentor, 5)
    await completed_with_rating(await make_mentor(name="rated 3"), 3)
    await completed_with_rating(await make_mentor(name="unrated"), None)
    unreliable = await make_mentor(name="unreliable")
    await completed_with_rating(unreliable, 5)
    await make_request(mentee=await make_user(), mentor=unreliable, status=RequestStatus.EXPIRED)
    stale = await make_mentor(name="stale")
    old = await completed_with_rating(stale, 5)
    long_ago = clock.now() - timedelta(days=45)
    await MentorshipRequest.filter(id=old.id).update(
        created_at=long_ago, responded_at=long_ago, viewed_at=long_ago, updated_at=long_ago
    )
    no_longer_mentor = await make_mentor(name="stepped down")
    await completed_with_rating(no_longer_mentor, 5)
    await User.filter(id=no_longer_mentor.id).update(is_mentor=False)

    assert await spotlit(client, 20) == this_weeks_order(good)
    assert await spotlit(client, 3) == this_weeks_order(good)[:3]
    # The same all week ...
    assert await spotlit(client, 3) == this_weeks_order(good)[:3]
    # ... and next week's own order.
    clock.advance(timedelta(days=7))
    assert await spotlit(client, 20) == this_weeks_order(good)


def test_the_order_rotates_from_week_to_week() -> None:
    ids = list(range(1, 7))
    mondays = [datetime(2026, 1, 5, tzinfo=UTC) + timedelta(weeks=w) for w in range(8)]
    firsts = set()
    for monday in mondays:
        shuffle = week_shuffle(monday)
        # Every day of a week shares its week's shuffle.
        assert week_shuffle(monday + timedelta(days=6, hours=23)) == shuffle
        firsts.add(min(ids, key=lambda i: ((i * shuffle.multiplier + shuffle.offset) % _P, i)))
    assert len(firsts) > 2


async def test_a_bad_first_is_refused(client: GraphQLClient) -> None:
    for first in (0, 21):
        response = await client.execute(SPOTLIGHT, {"first": first})
        assert response.error_codes == ["BAD_USER_INPUT"]


async def test_only_mentors_a_mentee_can_ask_are_spotlit(client: GraphQLClient) -> None:
    """Never an unavailable, full or quiet mentor: the spotlight sends mentees to ask them."""
    good = await make_mentor(name="good")
    await completed_with_rating(good, 5)
    away = await make_mentor(name="away")
    await completed_with_rating(away, 5)
    await User.filter(id=away.id).update(available=False)
    full = await make_mentor(name="full", capacity=1)
    await completed_with_rating(full, 5)
    await make_mentorship(mentor=full, mentee=await make_user())
    quiet = await make_mentor(name="quiet")
    await completed_with_rating(quiet, 5)
    # A request unread past its first reminder: going quiet.
    await make_request(mentee=await make_user(), mentor=quiet)
    clock.advance(timedelta(days=6))
    assert await spotlit(client, 20) == ["good"]
