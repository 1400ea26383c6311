"""One-click unsubscribe (issue 16, RFC 8058) against real server processes (two on
PostgreSQL): the emailed link's GET changes nothing (link scanners), the page's form and a mail
client's one-click POST apply it, without signing in; tampered and expired tokens are refused
and change nothing; the token never reaches the server's log."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from devkit.factories import make_mentor, make_user
from devkit.live_server import LiveServer
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.notifications.email_preferences import (
    EmailFrequency,
    NotificationKind,
    preferences_of,
)
from mentorgraph.models.notifications.unsubscribe import ALL_KINDS, unsubscribe_url
from mentorgraph.settings import Settings
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import create
from tests.utils.mail import inbox, worker_for
from tests.utils.smtp import SmtpServer

PUBLIC_API = "https://api.mentors.example.org"
ONE_CLICK = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_api_url": PUBLIC_API})


@pytest.fixture
def servers(settings: Settings, db: None) -> Iterator[list[LiveServer]]:
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


def on(server: LiveServer, link: str) -> str:
    assert link.startswith(f"{PUBLIC_API}/email/unsubscribe?token=")
    parts = urlsplit(link)
    return f"{server.url}{parts.path}?{parts.query}"


async def frequency(user: User, kind: NotificationKind) -> EmailFrequency:
    return (await preferences_of(user.id))[kind]


async def emailed_link(client: GraphQLClient, smtp: SmtpServer, mentor: User, mentee: User) -> str:
    await create(client, mentee, mentor.id)
    await worker_for(smtp).deliver_due()
    [message] = inbox(smtp, mentor.email)
    return str(message["List-Unsubscribe"])[1:-1]


async def test_get_confirms_and_post_applies(
    client: GraphQLClient,
    smtp: SmtpServer,
    servers: list[LiveServer],
    http: httpx.AsyncClient,
) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    link = await emailed_link(client, smtp, mentor, mentee)
    # A link scanner (or a person) opens it: a page and a button, nothing changed.
    for _ in range(2):
        page = await http.get(on(servers[0], link))
        assert page.status_code == 200
        assert "Stop these emails?" in page.text and "new mentorship requests" in page.text
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["cache-control"] == "no-store"
    assert await frequency(mentor, NotificationKind.REQUEST_NEW) is EmailFrequency.IMMEDIATELY
    # The page's form posts the token in its body, to another process on PostgreSQL.
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token is not None
    done = await http.post(f"{servers[-1].url}/email/unsubscribe", data={"token": token.group(1)})
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    assert await frequency(mentor, NotificationKind.REQUEST_NEW) is EmailFrequency.NEVER
    # Only that kind; and again is fine (the same answer, nothing more changes).
    assert await frequency(mentor, NotificationKind.REQUEST_MESSAGE) is EmailFrequency.IMMEDIATELY
    again = await http.post(on(servers[0], link), content=b"List-Unsubscribe=One-Click",
                            headers=ONE_CLICK)  # fmt: skip
    assert again.status_code == 200
    # Nobody signed in, and the secret stayed out of the logs.
    secret = urlsplit(link).query.removeprefix("token=")
    for server in servers:
        assert secret not in server.read_log()


async def test_a_mail_clients_one_click_post(
    client: GraphQLClient,
    smtp: SmtpServer,
    servers: list[LiveServer],
    http: httpx.AsyncClient,
) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    link = await emailed_link(client, smtp, mentor, mentee)
    # RFC 8058: POST to the header's URL, body `List-Unsubscribe=One-Click`, here as multipart.
    done = await http.post(on(servers[-1], link), files={"List-Unsubscribe": (None, "One-Click")})
    assert done.status_code == 200
    assert await frequency(mentor, NotificationKind.REQUEST_NEW) is EmailFrequency.NEVER


async def test_an_all_kinds_link_stops_every_notification_email(
    servers: list[LiveServer], http: httpx.AsyncClient, db: None
) -> None:
    member = await make_user()
    link = unsubscribe_url(member.id, ALL_KINDS)
    page = await http.get(on(servers[0], link))
    assert "This stops every notification email" in page.text
    done = await http.post(on(servers[0], link), content=b"List-Unsubscribe=One-Click",
                           headers=ONE_CLICK)  # fmt: skip
    assert done.status_code == 200
    assert set((await preferences_of(member.id)).values()) == {EmailFrequency.NEVER}


async def test_tampered_and_expired_tokens_change_nothing(
    servers: list[LiveServer], http: httpx.AsyncClient, db: None
) -> None:
    member, other = await make_user(), await make_user()
    link = unsubscribe_url(member.id, NotificationKind.REQUEST_MESSAGE)
    token = urlsplit(link).query.removeprefix("token=")
    version, user_id, kind, expires, signature = token.split(".")
    forged = [
        f"{version}.{other.id}.{kind}.{expires}.{signature}",  # someone else
        f"{version}.{user_id}.{ALL_KINDS}.{expires}.{signature}",  # more than it said
        f"{version}.{user_id}.{kind}.{int(expires) + 86400}.{signature}",  # longer
        f"{version}.{user_id}.{kind}.{expires}.{signature[:-2]}xx",
        token[:-1],
        "",
        "x" * 5000,
        "u1.1.2.3",
    ]
    for bad in forged:
        url = f"{servers[0].url}/email/unsubscribe"
        shown = await http.get(url, params={"token": bad})
        assert shown.status_code == 404 and "This link does not work" in shown.text
        applied = await http.post(url, params={"token": bad}, content=b"List-Unsubscribe=One-Click",
                                  headers=ONE_CLICK)  # fmt: skip
        assert applied.status_code == 404
    clock.advance(timedelta(days=-400))
    expired = unsubscribe_url(member.id, NotificationKind.REQUEST_MESSAGE)
    clock.reset()
    assert (await http.get(on(servers[0], expired))).status_code == 410
    refused = await http.post(on(servers[0], expired), content=b"List-Unsubscribe=One-Click",
                              headers=ONE_CLICK)  # fmt: skip
    assert refused.status_code == 410 and "This link has expired" in refused.text
    for user in (member, other):
        assert set((await preferences_of(user.id)).values()) == {EmailFrequency.IMMEDIATELY}
    # An oversized body is not read to its end.
    big = await http.post(f"{servers[0].url}/email/unsubscribe", content=b"token=" + b"a" * 100_000,
                          headers=ONE_CLICK)  # fmt: skip
    assert big.status_code == 404
