"""Email verification (issue 16) through HTTP clients, the links delivered by a real SMTP server:
an unverified member sends no requests and is never listed, a link works once and expires, a
newer link replaces the older, resend is throttled and acts on the viewer alone, a changed
address replaces the old only once confirmed, and the setting turns it all off."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from devkit.factories import PASSWORD, make_mentor, make_user
from devkit.live_server import LiveServer
from mentorgraph.app import create_app
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.limits import configure, limits
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.sweep import sweep
from mentorgraph.settings import Settings
from tests.accounts.test_sessions import post
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import create, user_gid
from tests.utils.mail import inbox, part_of, text_of, worker_for
from tests.utils.smtp import SmtpServer

SIGN_UP = """mutation($input: SignUpInput!) {
  signUp(input: $input) { token viewer { emailVerified } userErrors { code field } }
}"""
VERIFY = """mutation($t: String!) {
  verifyEmail(input: {token: $t}) { ok userErrors { code field message } }
}"""
RESEND = """mutation { resendVerificationEmail { sent userErrors { code retryAfterSeconds } } }"""
CHANGE = """mutation($e: String!, $p: String!) {
  changeEmail(input: {newEmail: $e, password: $p}) { changed userErrors { code field } }
}"""
LOG_IN = """mutation($e: String!, $p: String!) {
  logIn(input: {email: $e, password: $p}) { token userErrors { code } }
}"""
SET_AVAILABLE = """mutation {
  setAvailability(input: {available: true}) { user { available } userErrors { code } }
}"""
USER = """query($id: ID!) { node(id: $id) { ... on User { emailVerified } } }"""
DIRECTORY = "{ mentors(first: 50) { nodes { name } } }"


def verify_token_in(text: str) -> str:
    found = re.findall(r"/verify-email#token=([A-Za-z0-9_-]+)", text)
    assert len(found) == 1, text
    return str(found[0])


async def emailed_link(smtp: SmtpServer, address: str) -> str:
    await worker_for(smtp).deliver_due()
    mails = [m for m in inbox(smtp, address) if "Confirm your email" in str(m["Subject"])]
    assert mails, [m["Subject"] for m in inbox(smtp, address)]
    token = verify_token_in(text_of(mails[-1]))
    assert f"#token={token}" in part_of(mails[-1], "text/html")
    return token


async def sign_up(http: httpx.AsyncClient, email: str) -> dict[str, Any]:
    variables = {"input": {"email": email, "password": PASSWORD, "name": "Ada"}}
    _, body = await post(http, SIGN_UP, variables)
    signed_up = body["data"]["signUp"]
    assert signed_up["userErrors"] == [], signed_up
    return dict(signed_up)


async def verify(http: httpx.AsyncClient, token: str) -> dict[str, Any]:
    _, body = await post(http, VERIFY, {"t": token})
    return dict(body["data"]["verifyEmail"])


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def test_a_new_member_confirms_their_address_before_asking_anyone(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    mentor = await make_mentor()
    signed_up = await sign_up(client.http, "ada@example.org")
    assert signed_up["viewer"] == {"emailVerified": False}
    ada = await User.get(email="ada@example.org")
    assert not ada.email_verified

    refused = await create(client, ada, mentor.id)
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("EMAIL_NOT_VERIFIED", ["mentorId"])
    ]
    token = await emailed_link(smtp, "ada@example.org")
    assert await verify(client.http, token) == {"ok": True, "userErrors": []}
    await ada.refresh_from_db()
    assert ada.email_verified
    assert (await create(client, ada, mentor.id))["userErrors"] == []

    # A link works once.
    again = await verify(client.http, token)
    assert again["ok"] is None and codes(again) == ["INVALID_VERIFICATION_TOKEN"]
    assert token not in again["userErrors"][0]["message"]


async def test_email_verified_is_the_members_own_and_admins(client: GraphQLClient) -> None:
    member = await make_user(verified=False)
    other, admin = await make_user(), await make_user(admin=True)
    for viewer, seen in ((member, False), (admin, False), (other, None)):
        answer = await client.execute(USER, {"id": user_gid(member.id)}, as_user=viewer)
        assert answer.data["node"] == {"emailVerified": seen}


async def test_links_expire_and_a_newer_one_replaces_the_older(
    client: GraphQLClient, smtp: SmtpServer, settings: Settings
) -> None:
    signed_up = await sign_up(client.http, "ada@example.org")
    first = await emailed_link(smtp, "ada@example.org")
    _, body = await post(client.http, RESEND, token=signed_up["token"])
    assert body["data"]["resendVerificationEmail"] == {"sent": True, "userErrors": []}
    second = await emailed_link(smtp, "ada@example.org")
    assert second != first
    assert codes(await verify(client.http, first)) == ["INVALID_VERIFICATION_TOKEN"]

    clock.advance(timedelta(hours=settings.email_verification_ttl_hours, seconds=1))
    assert codes(await verify(client.http, second)) == ["INVALID_VERIFICATION_TOKEN"]
    for junk in ("", "x" * 5000, second[:-1] + ("A" if second[-1] != "A" else "B")):
        assert codes(await verify(client.http, junk)) == ["INVALID_VERIFICATION_TOKEN"]
    assert not (await User.get(email="ada@example.org")).email_verified


async def test_resend_is_throttled_and_tells_nothing_about_others(
    client: GraphQLClient, smtp: SmtpServer, settings: Settings
) -> None:
    signed_up = await sign_up(client.http, "ada@example.org")  # the first email counts
    answers = []
    for _ in range(settings.verification_emails_per_window):
        _, body = await post(client.http, RESEND, token=signed_up["token"])
        answers.append(body["data"]["resendVerificationEmail"])
    assert [a["sent"] for a in answers[:-1]] == [True] * (len(answers) - 1)
    assert answers[-1]["sent"] is None
    assert codes(answers[-1]) == ["VERIFICATION_THROTTLED"]
    assert answers[-1]["userErrors"][0]["retryAfterSeconds"] > 0
    sent = await OutboxEmail.filter(kind="verify_email", to_email="ada@example.org").count()
    assert sent == settings.verification_emails_per_window

    # Verified, nothing waits: nothing is sent. Anonymous: no account to act on.
    verified = await make_user(email="bo@example.org")
    answer = await client.execute(RESEND, as_user=verified)
    assert answer.data["resendVerificationEmail"] == {"sent": False, "userErrors": []}
    anonymous = await client.execute(RESEND)
    assert anonymous.error_codes == ["UNAUTHENTICATED"]


async def test_an_unverified_mentor_is_never_listed(client: GraphQLClient) -> None:
    listed = await make_mentor(name="Listed")
    unverified = await make_mentor(name="Unverified", verified=False, available=False)
    answer = await client.execute(SET_AVAILABLE, as_user=unverified)
    payload = answer.data["setAvailability"]
    assert payload["user"] is None and codes(payload) == ["EMAIL_NOT_VERIFIED"]
    names = [n["name"] for n in (await client.execute(DIRECTORY)).data["mentors"]["nodes"]]
    assert names == [listed.name]
    await unverified.refresh_from_db()
    assert not unverified.available

    member = await make_user(verified=False, title="Engineer", bio="I build things.")
    apply = await client.execute(
        'mutation { applyToMentor(input: {motivation: "I want to give back to the community'
        ' that taught me."}) { userErrors { code } } }',
        as_user=member,
    )
    assert [e["code"] for e in apply.data["applyToMentor"]["userErrors"]] == ["EMAIL_NOT_VERIFIED"]


async def test_a_new_address_replaces_the_old_only_once_confirmed(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    ada = await make_user(email="ada@example.org")
    await make_user(email="taken@example.org")

    async def change(email: str, password: str = PASSWORD) -> dict[str, Any]:
        answer = await client.execute(CHANGE, {"e": email, "p": password}, as_user=ada)
        return dict(answer.data["changeEmail"])

    assert codes(await change("new@example.org", "wrong password")) == ["INVALID_CREDENTIALS"]
    assert codes(await change("taken@example.org")) == ["EMAIL_TAKEN"]
    assert codes(await change("not an email")) == ["INVALID_INPUT"]
    assert codes(await change("ADA@example.org")) == ["INVALID_INPUT"]
    assert await change("new@example.org") == {"changed": False, "userErrors": []}

    await ada.refresh_from_db()
    assert (ada.email, ada.email_verified) == ("ada@example.org", True)
    await worker_for(smtp).deliver_due()
    notices = inbox(smtp, "ada@example.org")
    assert ["new@example.org" in text_of(m) for m in notices] == [True]
    token = await emailed_link(smtp, "new@example.org")
    _, body = await post(client.http, LOG_IN, {"e": "ada@example.org", "p": PASSWORD})
    assert body["data"]["logIn"]["token"]

    assert await verify(client.http, token) == {"ok": True, "userErrors": []}
    await ada.refresh_from_db()
    assert (ada.email, ada.email_verified) == ("new@example.org", True)
    _, body = await post(client.http, LOG_IN, {"e": "new@example.org", "p": PASSWORD})
    assert body["data"]["logIn"]["token"]
    _, body = await post(client.http, LOG_IN, {"e": "ada@example.org", "p": PASSWORD})
    assert body["data"]["logIn"]["token"] is None


async def test_an_address_taken_meanwhile_is_refused_and_the_link_kept(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    ada = await make_user(email="ada@example.org")
    answer = await client.execute(CHANGE, {"e": "new@example.org", "p": PASSWORD}, as_user=ada)
    assert answer.data["changeEmail"]["changed"] is False
    token = await emailed_link(smtp, "new@example.org")
    squatter = await make_user(email="new@example.org")
    assert codes(await verify(client.http, token)) == ["EMAIL_TAKEN"]
    await squatter.delete()
    assert (await verify(client.http, token))["ok"] is True


@pytest.fixture
async def lenient_client(settings: Settings, db: None) -> AsyncIterator[GraphQLClient]:
    """A server of a community that does not ask members to confirm their address."""
    before = limits()
    app = create_app(
        settings.model_copy(update={"require_email_verification": False}), manage_db=False
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http, app.state.tokens)
    configure(before)


async def test_the_setting_turns_verification_off(lenient_client: GraphQLClient) -> None:
    client = lenient_client
    mentor = await make_mentor()
    signed_up = await sign_up(client.http, "ada@example.org")
    assert signed_up["viewer"] == {"emailVerified": True}
    ada = await User.get(email="ada@example.org")
    assert (await create(client, ada, mentor.id))["userErrors"] == []
    assert await OutboxEmail.filter(kind="verify_email").count() == 0

    answer = await client.execute(CHANGE, {"e": "new@example.org", "p": PASSWORD}, as_user=ada)
    assert answer.data["changeEmail"] == {"changed": True, "userErrors": []}
    await ada.refresh_from_db()
    assert ada.email == "new@example.org"


async def test_concurrent_uses_of_one_link_have_one_winner(
    live_clients: list[GraphQLClient], smtp: SmtpServer
) -> None:
    ada = await make_user(email="ada@example.org")
    answer = await live_clients[0].execute(
        CHANGE, {"e": "new@example.org", "p": PASSWORD}, as_user=ada
    )
    assert answer.data["changeEmail"]["changed"] is False
    token = await emailed_link(smtp, "new@example.org")
    results = await asyncio.gather(
        *(verify(live_clients[i % len(live_clients)].http, token) for i in range(6))
    )
    assert [r["ok"] for r in results].count(True) == 1
    losers = [r for r in results if not r["ok"]]
    assert {c for r in losers for c in codes(r)} == {"INVALID_VERIFICATION_TOKEN"}
    await ada.refresh_from_db()
    assert ada.email == "new@example.org"


async def test_verification_links_never_reach_the_logs(
    settings: Settings, db: None, smtp: SmtpServer
) -> None:
    server = LiveServer(settings, LOG_FORMAT="json", LOG_LEVEL="DEBUG", BACKGROUND_JOBS="false")
    server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            await sign_up(http, "ada@example.org")
            token = await emailed_link(smtp, "ada@example.org")
            inline = f'mutation Confirm {{ verifyEmail(input: {{token: "{token}X"}}) {{ ok }} }}'
            _, body = await post(http, inline)
            assert body["data"]["verifyEmail"]["ok"] is None
            assert (await verify(http, token))["ok"] is True
        log = server.read_log()
    finally:
        server.stop()
    assert "verifyEmail" in log or "Confirm" in log
    for secret in (token, token[:20]):
        assert secret not in log
    # Sent, the link's copy in the outbox is blanked by the sweep.
    await sweep()
    [row] = await OutboxEmail.filter(kind="verify_email")
    assert row.sent_at is not None and token not in row.text_body + row.html_body
