"""createMentorshipRequest: each rule of the `(none) -> NEW` row, as a userError with its code."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from devkit.factories import TEXT, make_mentor, make_request, make_user
from mentorgraph.app import create_app
from mentorgraph.models.limits import configure, limits
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent, RequestStatus
from mentorgraph.settings import Settings
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import CREATE, codes, create, user_gid

S = RequestStatus


async def nothing_written() -> bool:
    return await MentorshipRequest.all().count() == 0 and await RequestEvent.all().count() == 0


async def test_a_mentee_creates_a_new_request_with_its_event(client: GraphQLClient) -> None:
    mentee, mentor = await make_user(), await make_mentor()
    payload = await create(client, mentee, mentor.id, message=f"   {TEXT}  \n")
    assert payload["userErrors"] == []
    assert payload["request"]["status"] == "NEW"
    stored = await MentorshipRequest.get(mentee_id=mentee.id)
    assert (stored.mentor_id, stored.message) == (mentor.id, TEXT)
    event = await RequestEvent.get(request_id=stored.id)
    assert (event.from_status, event.to_status, event.actor_id) == (None, S.NEW, mentee.id)  # type: ignore[comparison-overlap]


async def test_anonymous_is_unauthenticated(client: GraphQLClient) -> None:
    mentor = await make_mentor()
    variables = {"mentorId": user_gid(mentor.id), "message": TEXT}
    variables |= {"background": TEXT, "expectation": TEXT}
    response = await client.execute(CREATE, variables)
    assert response.error_codes == ["UNAUTHENTICATED"]
    assert await nothing_written()


async def test_a_malformed_mentor_id_is_a_client_fault(client: GraphQLClient) -> None:
    variables = {"mentorId": "not-an-id", "message": TEXT, "background": TEXT}
    response = await client.execute(
        CREATE, variables | {"expectation": TEXT}, as_user=await make_user()
    )
    assert response.error_codes == ["BAD_USER_INPUT"]


async def test_not_yourself(client: GraphQLClient) -> None:
    mentor = await make_mentor()
    assert codes(await create(client, mentor, mentor.id)) == ["SELF_REQUEST"]
    assert await nothing_written()


async def test_the_mentor_must_exist(client: GraphQLClient) -> None:
    payload = await create(client, await make_user(), 4242)
    assert (codes(payload), payload["userErrors"][0]["field"]) == (["NOT_FOUND"], ["mentorId"])


@pytest.mark.parametrize("kind", ["member who is not a mentor", "mentor who is not available"])
async def test_the_mentor_must_be_an_available_mentor(client: GraphQLClient, kind: str) -> None:
    if kind.startswith("member"):
        target = await make_user()
    else:
        target = await make_mentor(available=False)
    assert codes(await create(client, await make_user(), target.id)) == ["MENTOR_UNAVAILABLE"]
    assert await nothing_written()


async def test_a_mentor_at_capacity_takes_no_new_requests(client: GraphQLClient) -> None:
    mentor = await make_mentor(capacity=1)
    await make_request(mentee=await make_user(), mentor=mentor, status=S.APPROVED)
    assert codes(await create(client, await make_user(), mentor.id)) == ["MENTOR_AT_CAPACITY"]
    # Completed mentorships free the place again.
    await MentorshipRequest.filter(mentor_id=mentor.id).update(status=S.COMPLETED)
    assert codes(await create(client, await make_user(), mentor.id)) == []


@pytest.mark.parametrize("status", list(S))
async def test_one_open_request_per_pair(client: GraphQLClient, status: RequestStatus) -> None:
    mentee, mentor = await make_user(), await make_mentor()
    await make_request(mentee=mentee, mentor=mentor, status=status)
    payload = await create(client, mentee, mentor.id)
    blocking = status in (S.NEW, S.VIEWED, S.APPROVED)
    assert codes(payload) == (["DUPLICATE_REQUEST"] if blocking else [])
    assert await MentorshipRequest.filter(mentee_id=mentee.id).count() == (1 if blocking else 2)


async def test_at_most_five_open_requests_per_mentee(client: GraphQLClient) -> None:
    mentee = await make_user()
    # Answered and active requests do not count; only NEW and VIEWED ones wait.
    for status in (S.APPROVED, S.DECLINED, S.CANCELLED, S.EXPIRED, S.COMPLETED, S.VIEWED):
        await make_request(mentee=mentee, mentor=await make_mentor(), status=status)
    for _ in range(4):
        assert codes(await create(client, mentee, (await make_mentor()).id)) == []
    payload = await create(client, mentee, (await make_mentor()).id)
    assert codes(payload) == ["OPEN_REQUEST_LIMIT"]
    assert (
        await MentorshipRequest.filter(mentee_id=mentee.id, status__in=[S.NEW, S.VIEWED]).count()
        == 5
    )


@pytest.fixture
async def strict_client(settings: Settings, db: None) -> AsyncIterator[GraphQLClient]:
    """The app with a limit of 2 open requests per mentee (limits are settings)."""
    previous = limits()
    app: Starlette = create_app(
        settings.model_copy(update={"max_open_requests_per_mentee": 2}), manage_db=False
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http, app.state.tokens)
    configure(previous)  # the limits are process-wide; later tests expect the defaults


async def test_the_open_request_limit_is_a_setting(strict_client: GraphQLClient) -> None:
    mentee = await make_user()
    results = [
        codes(await create(strict_client, mentee, (await make_mentor()).id)) for _ in range(3)
    ]
    assert results == [[], [], ["OPEN_REQUEST_LIMIT"]]


async def test_texts_are_30_to_5000_characters_after_trimming(client: GraphQLClient) -> None:
    mentee, mentor = await make_user(), await make_mentor()
    payload = await create(
        client,
        mentee,
        mentor.id,
        message="  " + "x" * 29 + "  ",
        background="y" * 5001,
        expectation="z" * 30,
    )
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["message"]),
        ("INVALID_INPUT", ["background"]),
    ]
    assert await nothing_written()
    ok = await create(client, mentee, mentor.id, message="m" * 30, background="b" * 5000)
    assert ok["userErrors"] == []
