"""Answering a request from the inbox: the email arrives over real SMTP, its links lead to the
page of real server processes (two on PostgreSQL), a GET decides nothing, a POST decides once."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from devkit.factories import make_mentor, make_user
from devkit.live_server import LiveServer
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.requests.email_links import EmailLink
from mentorgraph.models.requests.requests import (
    DeclineReason,
    MentorshipRequest,
    RequestEvent,
    RequestStatus,
)
from mentorgraph.settings import Settings
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import act, create, request_gid
from tests.utils.mail import inbox, part_of, text_of, worker_for
from tests.utils.smtp import SmtpServer

PUBLIC_API = "https://api.mentors.example.org"
PUBLIC_WEB = "https://mentors.example.org"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The links the in-process app writes into emails; the tests send them to live servers.
    return settings.model_copy(
        update={"public_api_url": PUBLIC_API, "public_web_url": PUBLIC_WEB, "email_link_days": 2}
    )


@pytest.fixture
def servers(settings: Settings, db: None) -> Iterator[list[LiveServer]]:
    """Server processes on the test database (two on PostgreSQL, where rules must hold across
    processes); no background jobs (the test delivers the outbox), logs at DEBUG."""
    count = 1 if settings.is_sqlite else 2
    started = [
        LiveServer(settings, BACKGROUND_JOBS="false", LOG_LEVEL="DEBUG") for _ in range(count)
    ]
    try:
        for server in started:
            server.start()
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30, follow_redirects=False) as client:
        yield client


class _Form(HTMLParser):
    """What a browser would submit: the form's action and its fields' values."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = values.get("action")
        elif tag in ("input", "textarea", "select") and "name" in values:
            self.fields[values["name"]] = values.get("value", "")


def form_of(page: str) -> _Form:
    form = _Form()
    form.feed(page)
    assert form.action == "/email/answer", page
    return form


async def new_request_email(
    client: GraphQLClient, smtp: SmtpServer, mentee: User, mentor: User
) -> tuple[int, dict[str, str]]:
    """Creates the request through the API and reads its email from the SMTP server: the
    request id and the links by name (approve, decline), from the text part."""
    created = await create(
        client,
        mentee,
        mentor.id,
        message="Could you help me grow from junior to mid-level backend engineer?",
        background="Two years of Python, mostly Django;\nno experience with GraphQL yet.",
        expectation="A monthly call for half a year and reviews of one side project.",
    )
    request = await MentorshipRequest.get(mentee_id=mentee.id, mentor_id=mentor.id)
    assert created["request"]["id"] == request_gid(request.id)
    await worker_for(smtp).deliver_due()
    subject = f"{mentee.name} asks you for mentorship"
    [message] = [m for m in inbox(smtp, mentor.email) if m["Subject"] == subject]
    text = text_of(message).replace("\r\n", "\n")
    links = dict(re.findall(r"^(Approve|Decline): (\S+)$", text, re.MULTILINE))
    assert set(links) == {"Approve", "Decline"}, text
    # The HTML part's buttons lead to the same places.
    html = part_of(message, "text/html")
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+/email/answer[^"]+)"', html)]
    assert hrefs == [links["Approve"], links["Decline"]]
    return request.id, {name.lower(): url for name, url in links.items()}


def on(server: LiveServer, link: str) -> str:
    """The email's link (at PUBLIC_API_URL) as served by this test's server process."""
    assert link.startswith(f"{PUBLIC_API}/email/answer?token=")
    parts = urlsplit(link)
    return f"{server.url}{parts.path}?{parts.query}"


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


async def status_of(request_id: int) -> RequestStatus:
    return (await MentorshipRequest.get(id=request_id)).status


async def answer_events(request_id: int) -> int:
    return await RequestEvent.filter(request_id=request_id).exclude(from_status=None).count()


async def test_the_email_carries_the_whole_request_and_the_mentees_profile(
    client: GraphQLClient, db: None, smtp: SmtpServer
) -> None:
    mentor = await make_mentor(name="Ada", email="ada@example.org")
    mentee = await make_user(
        name="Mo <Mentee>",
        title="Junior backend developer",
        country="DE",
        languages=["de", "en"],
        tags=["python", "graphql"],
        bio="Self-taught, two years in.\nLoves databases.",
    )
    request_id, links = await new_request_email(client, smtp, mentee, mentor)
    [message] = inbox(smtp, "ada@example.org")
    text = text_of(message).replace("\r\n", "\n")
    request = await MentorshipRequest.get(id=request_id)
    for field in (request.message, request.background, request.expectation):
        assert field in text
    for line in (
        "Junior backend developer",
        "Lives in Germany",
        "Speaks German, English",
        "Interested in python, graphql",
        "Self-taught, two years in.\nLoves databases.",
        f"{PUBLIC_WEB}/requests/{request_id}",
    ):
        assert line in text
    assert links["approve"].endswith("&choice=approve")
    assert token_of(links["approve"]) == token_of(links["decline"])
    # No API jargon in what people read.
    for jargon in ("mutation", "Mentorship" + "Request", "setAvailability", "requestId"):
        assert jargon not in text
    html = part_of(message, "text/html")
    assert "Mo &lt;Mentee&gt;" in html and "<Mentee>" not in html
    assert "Self-taught, two years in.<br>" in html


async def test_get_shows_post_decides_once(
    client: GraphQLClient, smtp: SmtpServer, servers: list[LiveServer], http: httpx.AsyncClient
) -> None:
    mentor = await make_mentor(name="Ada", email="ada@example.org")
    mentee = await make_user(name="Mo", email="mo@example.org")
    request_id, links = await new_request_email(client, smtp, mentee, mentor)
    server = servers[-1]

    # A link scanner (or the mentor) opens the link, twice: nothing is decided.
    for _ in range(2):
        page = await http.get(on(server, links["approve"]))
        assert page.status_code == 200
    assert "Approve this request?" in page.text and "Mo" in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert "script-src" not in csp and "<script" not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    head = await http.head(on(server, links["decline"]))
    assert head.status_code == 200
    assert await status_of(request_id) is RequestStatus.NEW
    assert (await EmailLink.get(request_id=request_id)).used_at is None

    # The mentor presses the button: the form posts the token, with their note.
    form = form_of(page.text)
    fields = {**form.fields, "message": "Welcome! Let us talk on Monday."}
    done = await http.post(f"{server.url}{form.action}", data=fields)
    assert done.status_code == 200, done.text
    assert "You approved the request" in done.text
    request = await MentorshipRequest.get(id=request_id)
    assert request.status is RequestStatus.APPROVED
    assert request.response_message == "Welcome! Let us talk on Monday."
    [event] = await RequestEvent.filter(request_id=request_id, to_status=RequestStatus.APPROVED)
    assert event.actor_id == mentor.id
    assert await OutboxEmail.filter(kind="request_approved", to_email="mo@example.org").exists()

    # Replayed, on any process, by either link: refused, nothing more happens.
    for target in servers:
        again = await http.post(f"{target.url}{form.action}", data=fields)
        assert again.status_code == 410 and "already used" in again.text
        for link in links.values():
            shown = await http.get(on(target, link))
            assert shown.status_code == 410 and "already used" in shown.text
    assert await answer_events(request_id) == 1

    # The token never reaches a log, at any level.
    token = token_of(links["approve"])
    for target in servers:
        log = target.read_log()
        assert "Application startup complete" in log
        assert token not in log and token.split(".")[-1] not in log


async def test_decline_needs_a_reason_and_keeps_the_note(
    client: GraphQLClient, smtp: SmtpServer, servers: list[LiveServer], http: httpx.AsyncClient
) -> None:
    mentor = await make_mentor(email="ada@example.org")
    mentee = await make_user(name="Mo", email="mo@example.org")
    request_id, links = await new_request_email(client, smtp, mentee, mentor)
    server = servers[0]
    page = await http.get(on(server, links["decline"]))
    assert page.status_code == 200 and "Decline this request?" in page.text
    form = form_of(page.text)
    assert form.fields["choice"] == "decline" and "reason" in form.fields

    missing = await http.post(f"{server.url}{form.action}", data={**form.fields, "reason": ""})
    assert missing.status_code == 400 and "Choose a reason" in missing.text
    too_long = await http.post(
        f"{server.url}{form.action}",
        data={**form.fields, "reason": "NO_CAPACITY", "message": "x" * 5001},
    )
    assert too_long.status_code == 400 and "at most 5000 characters" in too_long.text
    # The system's own reason is not the mentor's to give.
    system = await http.post(
        f"{server.url}{form.action}", data={**form.fields, "reason": "MENTOR_INACTIVE"}
    )
    assert system.status_code == 400
    assert await status_of(request_id) is RequestStatus.NEW

    fields = {**form.fields, "reason": "NO_CAPACITY", "message": "Full until spring, sorry."}
    done = await http.post(f"{server.url}{form.action}", data=fields)
    assert done.status_code == 200 and "You declined the request" in done.text
    request = await MentorshipRequest.get(id=request_id)
    assert (request.status, request.decline_reason) == (
        RequestStatus.DECLINED,
        DeclineReason.NO_CAPACITY,
    )
    [told] = await OutboxEmail.filter(kind="request_declined", to_email="mo@example.org")
    assert "no room for another mentee" in told.text_body
    assert "Full until spring, sorry." in told.text_body


async def test_concurrent_posts_exactly_one_wins(
    client: GraphQLClient, smtp: SmtpServer, servers: list[LiveServer], http: httpx.AsyncClient
) -> None:
    mentor = await make_mentor(email="ada@example.org")
    mentee = await make_user()
    request_id, links = await new_request_email(client, smtp, mentee, mentor)
    token = token_of(links["approve"])
    posts = [
        http.post(
            f"{servers[n % len(servers)].url}/email/answer",
            data={"token": token, "choice": choice, "reason": "NOT_A_GOOD_FIT"},
        )
        for n, choice in enumerate(["approve", "decline"] * 8)
    ]
    answers = await asyncio.gather(*posts)
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(200) == 1, statuses
    # The others lost to the winner: the link was spent, or the request answered meanwhile.
    assert set(statuses) <= {200, 409, 410}, statuses
    assert await status_of(request_id) in (RequestStatus.APPROVED, RequestStatus.DECLINED)
    assert await answer_events(request_id) == 1
    assert (await EmailLink.get(request_id=request_id)).used_at is not None


async def test_tampered_links_do_nothing(
    client: GraphQLClient, smtp: SmtpServer, servers: list[LiveServer], http: httpx.AsyncClient
) -> None:
    mentor = await make_mentor(email="ada@example.org")
    other_mentor = await make_mentor(email="bo@example.org")
    mentee = await make_user()
    request_id, links = await new_request_email(client, smtp, mentee, mentor)
    token = token_of(links["approve"])
    version, rid, mid, expires, nonce, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    forged = [
        f"{version}.{rid}.{mid}.{expires}.{nonce}.{flipped}",  # the signature altered
        f"{version}.{rid}.{other_mentor.id}.{expires}.{nonce}.{signature}",  # another mentor
        f"{version}.{rid}.{mid}.{int(expires) + 86400}.{nonce}.{signature}",  # a later expiry
        token[:-10],
        "",
        "x" * 300,
    ]
    server = servers[0]
    for bad in forged:
        shown = await http.get(f"{server.url}/email/answer", params={"token": bad})
        assert shown.status_code == 404 and "does not work" in shown.text, bad
        posted = await http.post(
            f"{server.url}/email/answer", data={"token": bad, "choice": "approve"}
        )
        assert posted.status_code == 404, bad
    assert await status_of(request_id) is RequestStatus.NEW
    # Not a form: refused before anything is read.
    raw = await http.post(f"{server.url}/email/answer", json={"token": token, "choice": "approve"})
    assert raw.status_code == 415
    assert await status_of(request_id) is RequestStatus.NEW
    # The real link still works.
    done = await http.post(f"{server.url}/email/answer", data={"token": token, "choice": "approve"})
    assert done.status_code == 200


async def test_a_request_answered_or_withdrawn_elsewhere(
    client: GraphQLClient, smtp: SmtpServer, servers: list[LiveServer], http: httpx.AsyncClient
) -> None:
    mentor = await make_mentor(email="ada@example.org")
    mentee = await make_user()
    request_id, links = await new_request_email(client, smtp, mentee, mentor)
    cancelled = await act(client, "cancel", request_id, mentee)
    assert cancelled.data["cancelMentorshipRequest"]["userErrors"] == []

    server = servers[0]
    shown = await http.get(on(server, links["approve"]))
    assert shown.status_code == 409 and "The mentee withdrew this request" in shown.text
    assert "<form" not in shown.text
    posted = await http.post(
        f"{server.url}/email/answer",
        data={"token": token_of(links["approve"]), "choice": "approve"},
    )
    assert posted.status_code == 409 and "The mentee withdrew this request" in posted.text
    assert await status_of(request_id) is RequestStatus.CANCELLED
    assert (await EmailLink.get(request_id=request_id)).used_at is None


async def test_a_refused_approval_leaves_the_link_usable(
    client: GraphQLClient, smtp: SmtpServer, servers: list[LiveServer], http: httpx.AsyncClient
) -> None:
    mentor = await make_mentor(email="ada@example.org", capacity=1)
    mentee = await make_user()
    request_id, links = await new_request_email(client, smtp, mentee, mentor)
    # The mentor's one place is taken meanwhile.
    other_id, _ = await new_request_email(client, smtp, await make_user(), mentor)
    approved = await act(client, "approve", other_id, mentor)
    assert approved.data["approveMentorshipRequest"]["userErrors"] == []

    server = servers[0]
    token = token_of(links["approve"])
    full = await http.post(f"{server.url}/email/answer", data={"token": token, "choice": "approve"})
    assert full.status_code == 409 and "already mentors 1 of at most 1" in full.text
    assert "You have no room for another mentee" in full.text
    assert await status_of(request_id) is RequestStatus.NEW
    # The refusal rolled back with the link: the mentor can still decline from it.
    declined = await http.post(
        f"{server.url}/email/answer",
        data={"token": token, "choice": "decline", "reason": "NO_CAPACITY"},
    )
    assert declined.status_code == 200
    assert await status_of(request_id) is RequestStatus.DECLINED


async def test_links_expire(
    client: GraphQLClient, smtp: SmtpServer, db: None, settings: Settings
) -> None:
    # In this process, where the test moves the clock (`email_link_days` is 2 here).
    mentor = await make_mentor(email="ada@example.org")
    request_id, links = await new_request_email(client, smtp, await make_user(), mentor)
    http = client.http
    path = links["approve"].removeprefix(PUBLIC_API)
    clock.advance(timedelta(days=2) - timedelta(minutes=1))
    assert (await http.get(path)).status_code == 200
    clock.advance(timedelta(minutes=2))
    shown = await http.get(path)
    assert shown.status_code == 410 and "expired" in shown.text
    posted = await http.post("/email/answer", data={"token": token_of(path), "choice": "approve"})
    assert posted.status_code == 410
    assert await status_of(request_id) is RequestStatus.NEW
