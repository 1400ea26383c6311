"""A request's message thread over real HTTP: who reads it, who writes in it and when, its
limits (also under concurrent posts, across server processes on PostgreSQL), the email that
tells the other side, and the audit trail."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models.accounts.users import User
from mentorgraph.models.limits import Limits, configure
from mentorgraph.models.requests.requests import EventKind, RequestEvent, RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.settings import Settings
from tests.conftest import StartServer
from tests.utils.lifecycle import act, request_gid, result_of
from tests.utils.mail import inbox, text_of, worker_for
from tests.utils.smtp import SmtpServer
from tests.utils.threads import both_paths, http_clients, send, thread


@pytest.fixture(autouse=True)
def default_limits() -> Iterator[None]:
    # In-process servers (SQLite) configure this process's rules from their settings: put the
    # defaults back for the tests that follow.
    yield
    configure(Limits())


def gid(user: User) -> str:
    return encode_global_id("User", user.id)


def codes(payload: dict[str, object]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]  # type: ignore[attr-defined]


async def test_the_mentor_asks_the_mentee_answers_and_both_are_told(
    serve: StartServer, settings: Settings, smtp: SmtpServer
) -> None:
    mentor = await make_mentor(name="Ada", email="ada@example.org")
    mentee = await make_user(name="Grace", email="grace@example.org")
    request = await make_request(mentee=mentee, mentor=mentor)
    # The servers' own outbox workers stay off: the emails are counted by this test's worker
    # below, and a server's tick in between (console backend) would take one first.
    async with both_paths(serve, settings, background_jobs=False) as (fast, ordinary):
        asked = await send(fast, mentor, request.id, "  Which stack do you use at work?  ")
        assert asked["userErrors"] == []
        message = asked["message"]
        assert message["kind"] == "MESSAGE"
        assert message["note"] == "Which stack do you use at work?"  # trimmed
        assert (message["fromStatus"], message["toStatus"]) == ("NEW", "NEW")
        assert message["actor"] == {"id": gid(mentor)}
        # Asking does not answer: the request is still waiting, its clock running.
        assert message["request"]["status"] == "NEW"
        answered = await send(ordinary, mentee, request.id, "Python and Postgres, mostly.")
        assert answered["userErrors"] == []

        for client in (fast, ordinary):
            for viewer in (mentor, mentee):
                seen = await thread(client, viewer, request.id)
                assert [(m["note"], m["actor"]["id"]) for m in seen["messages"]] == [
                    ("Which stack do you use at work?", gid(mentor)),
                    ("Python and Postgres, mostly.", gid(mentee)),
                ]
                assert {m["kind"] for m in seen["messages"]} == {"MESSAGE"}
                # The history stays the status changes (none was made through the lifecycle).
                assert seen["history"] == []

    # Audited: each message is an event of the request, with its author and time.
    events = await RequestEvent.filter(request_id=request.id).order_by("id")
    assert [(e.kind, e.actor_id, e.to_status) for e in events] == [
        (EventKind.MESSAGE, mentor.id, RequestStatus.NEW),
        (EventKind.MESSAGE, mentee.id, RequestStatus.NEW),
    ]
    await request.refresh_from_db()
    assert (request.status, request.responded_at) == (RequestStatus.NEW, None)

    # The other side is told, over real SMTP, with the words and a link to the request.
    assert (await worker_for(smtp).deliver_due()).sent == 2
    [to_mentee] = inbox(smtp, "grace@example.org")
    [to_mentor] = inbox(smtp, "ada@example.org")
    assert to_mentee["Subject"] == "Ada wrote about your mentorship request"
    assert "Which stack do you use at work?" in text_of(to_mentee)
    assert f"/requests/{request.id}" in text_of(to_mentee)
    assert "Python and Postgres, mostly." in text_of(to_mentor)


async def test_every_viewer_kind_reads_the_thread_or_nothing(
    serve: StartServer, settings: Settings
) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    other_mentee, other_mentor = await make_user(), await make_mentor()
    admin = await make_user(admin=True)
    request = await make_request(mentee=mentee, mentor=mentor)
    # The outsiders have requests of their own, so "nothing" is not just an empty database.
    await make_request(mentee=other_mentee, mentor=other_mentor)
    async with both_paths(serve, settings) as clients:
        assert (await send(clients[0], mentee, request.id, "Hello, a question."))[
            "userErrors"
        ] == []
        message_id = (await RequestEvent.get(request_id=request.id)).id
        event_query = "query($id: ID!) { node(id: $id) { ... on RequestEvent { note kind } } }"
        event_gid = {"id": encode_global_id("RequestEvent", message_id)}
        for client in clients:
            for viewer in (mentor, mentee, admin):
                seen = await thread(client, viewer, request.id)
                assert [m["note"] for m in seen["messages"]] == ["Hello, a question."]
                node = (await client.execute(event_query, event_gid, as_user=viewer)).data
                assert node["node"] == {"note": "Hello, a question.", "kind": "MESSAGE"}
            for viewer in (None, other_mentee, other_mentor):  # type: ignore[assignment]
                assert await thread(client, viewer, request.id) is None
                node = (await client.execute(event_query, event_gid, as_user=viewer)).data
                assert node["node"] is None


async def test_who_may_write_and_while_what_status(serve: StartServer, settings: Settings) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    other_mentee, other_mentor = await make_user(), await make_mentor()
    admin = await make_user(admin=True)
    request = await make_request(mentee=mentee, mentor=mentor)
    async with both_paths(serve, settings) as (client, _):
        # Outsiders learn nothing of the request; an admin reads but does not write.
        for outsider in (other_mentee, other_mentor):
            assert codes(await send(client, outsider, request.id, "Hi")) == ["NOT_FOUND"]
        refused = await send(client, admin, request.id, "Hi")
        assert codes(refused) == ["FORBIDDEN"]
        assert refused["message"] is None
        anonymous = await client.execute(
            "mutation($id: ID!) { sendMentorshipRequestMessage(input: {requestId: $id,"
            ' text: "Hi"}) { userErrors { code } } }',
            {"id": request_gid(request.id)},
        )
        assert anonymous.error_codes == ["UNAUTHENTICATED"]
        assert codes(await send(client, mentee, 10**9, "Hi")) == ["NOT_FOUND"]
        malformed = await client.execute(
            'mutation { sendMentorshipRequestMessage(input: {requestId: "nope", text: "Hi"})'
            " { userErrors { code } } }",
            as_user=mentee,
        )
        assert malformed.status == 200 and malformed.error_codes == ["BAD_USER_INPUT"]

        # Open (NEW, VIEWED) and active (APPROVED): both sides write.
        assert codes(await send(client, mentor, request.id, "Before viewing")) == []
        assert result_of(await act(client, "markViewed", request.id, mentor), "markViewed")
        assert codes(await send(client, mentee, request.id, "While viewed")) == []
        approved = result_of(await act(client, "approve", request.id, mentor), "approve")
        assert approved["userErrors"] == []
        assert codes(await send(client, mentee, request.id, "When shall we meet?")) == []
        assert codes(await send(client, mentor, request.id, "Thursday.")) == []
        # Over: the thread is closed.
        assert result_of(await act(client, "complete", request.id, mentee), "complete")
        assert codes(await send(client, mentor, request.id, "One more thing")) == ["REQUEST_CLOSED"]
        for operation in ("decline", "cancel"):
            asker = await make_user()
            other = await make_request(mentee=asker, mentor=mentor)
            actor = mentor if operation == "decline" else asker
            done = result_of(await act(client, operation, other.id, actor), operation)
            assert done["userErrors"] == []
            for author in (mentor, asker):
                assert codes(await send(client, author, other.id, "Still there?")) == [
                    "REQUEST_CLOSED"
                ]
        expired = await make_request(
            mentee=await make_user(), mentor=mentor, status=RequestStatus.EXPIRED
        )
        assert codes(await send(client, mentor, expired.id, "Sorry I missed it")) == [
            "REQUEST_CLOSED"
        ]
        seen = await thread(client, mentee, request.id)
        assert [m["toStatus"] for m in seen["messages"]] == [
            "NEW",
            "VIEWED",
            "APPROVED",
            "APPROVED",
        ]
        assert [h["toStatus"] for h in seen["history"]] == ["VIEWED", "APPROVED", "COMPLETED"]
        assert {h["kind"] for h in seen["history"]} == {"STATUS_CHANGE"}


async def test_length_and_thread_limits(serve: StartServer, settings: Settings) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    overrides = {"max_message_length": 20, "max_messages_per_request": 3, "message_burst": 100}
    async with both_paths(serve, settings, **overrides) as (client, _):
        for text in ("", "   \n\t "):
            blank = await send(client, mentee, request.id, text)
            assert [(e["code"], e["field"]) for e in blank["userErrors"]] == [
                ("INVALID_INPUT", ["text"])
            ]
        too_long = await send(client, mentee, request.id, "x" * 21)
        assert codes(too_long) == ["INVALID_INPUT"]
        assert "20" in too_long["userErrors"][0]["message"]
        assert codes(await send(client, mentee, request.id, "x" * 20)) == []
        assert codes(await send(client, mentor, request.id, "Second")) == []
        assert codes(await send(client, mentee, request.id, "Third")) == []
        full = await send(client, mentor, request.id, "Fourth")
        assert codes(full) == ["MESSAGE_LIMIT"]
        assert full["userErrors"][0]["field"] == ["requestId"]
    # Refusals write nothing: no event, no email.
    assert await RequestEvent.filter(request_id=request.id).count() == 3


async def test_a_flood_is_throttled_across_requests_with_a_retry_time(
    serve: StartServer, settings: Settings
) -> None:
    mentor = await make_mentor(capacity=10)
    requests = [await make_request(mentee=await make_user(), mentor=mentor) for _ in range(3)]
    overrides = {"message_burst": 3, "message_burst_window_seconds": 3600}
    async with both_paths(serve, settings, **overrides) as (client, _):
        for request in requests:
            assert codes(await send(client, mentor, request.id, "Tell me more?")) == []
        flooded = await send(client, mentor, requests[0].id, "And more?")
        [error] = flooded["userErrors"]
        assert error["code"] == "TOO_SOON"
        assert 0 < error["retryAfterSeconds"] <= 3600
        # The ceiling is the author's: the mentees may still answer.
        assert (
            codes(
                await send(
                    client, await User.get(id=requests[0].mentee_id), requests[0].id, "Sure."
                )
            )
            == []
        )


async def test_concurrent_posts_never_exceed_the_thread_or_the_burst(
    serve: StartServer, settings: Settings
) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    overrides = {"max_messages_per_request": 5, "message_burst": 100}
    # Two server processes on PostgreSQL (the rule must hold across them); one on SQLite.
    urls = [await serve(**overrides)]
    if not settings.is_sqlite:
        urls.append(await serve(**overrides))
    async with http_clients(settings, urls) as clients:
        posts = [
            send(clients[i % len(clients)], (mentor, mentee)[i % 2], request.id, f"Message {i}")
            for i in range(16)
        ]
        results = await asyncio.gather(*posts)
    outcomes = sorted(tuple(codes(r)) for r in results)
    assert outcomes == [()] * 5 + [("MESSAGE_LIMIT",)] * 11
    assert await RequestEvent.filter(request_id=request.id).count() == 5

    # The burst, for one author writing in several requests at once.
    busy = await make_mentor(capacity=20)
    many = [await make_request(mentee=await make_user(), mentor=busy) for _ in range(10)]
    burst = {"message_burst": 4, "max_messages_per_request": 100}
    urls = [await serve(**burst)]
    if not settings.is_sqlite:
        urls.append(await serve(**burst))
    async with http_clients(settings, urls) as clients:
        results = await asyncio.gather(
            *(send(clients[i % len(clients)], busy, r.id, "Hi") for i, r in enumerate(many))
        )
    outcomes = sorted(tuple(codes(r)) for r in results)
    assert outcomes == [()] * 4 + [("TOO_SOON",)] * 6
    assert await RequestEvent.filter(actor_id=busy.id).count() == 4


async def test_the_clock_keeps_running_while_they_talk(
    serve: StartServer, settings: Settings
) -> None:
    # Asking for more is not an answer: the mentor's response time and the ladder still see
    # an unanswered request (`respondedAt` stays null, the status stays open).
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    async with both_paths(serve, settings) as (fast, _):
        assert codes(await send(fast, mentor, request.id, "What is your level?")) == []
    await request.refresh_from_db()
    assert request.status is RequestStatus.NEW
    assert request.viewed_at is None and request.responded_at is None
