"""Changing a password, and resetting it by an emailed token (issue 16), through HTTP clients,
with the emails delivered by real SMTP: single use, expiry, tampering, concurrent use, no
account enumeration, throttling, and the token absent from the server's logs."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from typing import Any

import httpx
import pytest

from devkit.factories import PASSWORD, make_user
from devkit.live_server import LiveServer
from mentorgraph.models import clock
from mentorgraph.models.accounts.auth import PasswordReset
from mentorgraph.models.accounts.sessions import token_digest
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.sweep import sweep
from mentorgraph.settings import Settings
from tests.accounts.test_sessions import log_in, post, refresh, works
from tests.utils.client import GraphQLClient
from tests.utils.mail import inbox, part_of, text_of, worker_for
from tests.utils.smtp import SmtpServer

NEW_PASSWORD = "a whole new passw0rd"
CHANGE = """mutation($input: ChangePasswordInput!) {
  changePassword(input: $input) {
    endedSessions userErrors { field code message retryAfterSeconds }
  }
}"""
REQUEST = """mutation RequestReset($email: String!) {
  requestPasswordReset(input: {email: $email}) { ok userErrors { field code message } }
}"""
RESET = """mutation Reset($token: String!, $password: String!) {
  resetPassword(input: {token: $token, newPassword: $password}) {
    ok userErrors { field code message }
  }
}"""
LOG_IN = """mutation($input: LogInInput!) { logIn(input: $input) { token userErrors { code } } }"""


async def change(http: httpx.AsyncClient, token: str, current: str, new: str) -> dict[str, Any]:
    _, body = await post(
        http, CHANGE, {"input": {"currentPassword": current, "newPassword": new}}, token=token
    )
    return dict(body["data"]["changePassword"])


async def ask_reset(http: httpx.AsyncClient, email: str) -> dict[str, Any]:
    status, body = await post(http, REQUEST, {"email": email})
    assert status == 200
    return dict(body)


async def reset(
    http: httpx.AsyncClient, token: str, password: str = NEW_PASSWORD
) -> dict[str, Any]:
    _, body = await post(http, RESET, {"token": token, "password": password})
    return dict(body["data"]["resetPassword"])


async def can_log_in(http: httpx.AsyncClient, email: str, password: str) -> bool:
    _, body = await post(http, LOG_IN, {"input": {"email": email, "password": password}})
    return body["data"]["logIn"]["token"] is not None


def reset_token_in(message: Message) -> str:
    """The token of the emailed link (in the URL's fragment), from the text and HTML parts."""
    found = re.findall(r"/reset-password#token=([A-Za-z0-9_-]+)", text_of(message))
    assert len(found) == 1, text_of(message)
    assert f"#token={found[0]}" in part_of(message, "text/html")
    return str(found[0])


async def emailed_token(smtp: SmtpServer, address: str) -> str:
    await worker_for(smtp).deliver_due()
    resets = [m for m in inbox(smtp, address) if "Reset your" in str(m["Subject"])]
    assert resets, [m["Subject"] for m in inbox(smtp, address)]
    return reset_token_in(resets[-1])


async def test_change_password_checks_the_current_one_and_ends_other_sessions(
    client: GraphQLClient,
) -> None:
    await make_user(email="ada@example.org")
    here = await log_in(client.http, "ada@example.org", "here")
    elsewhere = await log_in(client.http, "ada@example.org", "elsewhere")

    wrong = await change(client.http, here["token"], "not my password", NEW_PASSWORD)
    assert [(e["code"], e["field"]) for e in wrong["userErrors"]] == [
        ("INVALID_CREDENTIALS", ["currentPassword"])
    ]
    weak = await change(client.http, here["token"], PASSWORD, "short")
    assert [(e["code"], e["field"]) for e in weak["userErrors"]] == [
        ("INVALID_INPUT", ["newPassword"])
    ]
    assert await works(client.http, elsewhere["token"])

    done = await change(client.http, here["token"], PASSWORD, NEW_PASSWORD)
    assert done == {"endedSessions": 1, "userErrors": []}
    assert await works(client.http, here["token"])
    assert (await refresh(client.http, here["refreshToken"]))["userErrors"] == []
    assert not await works(client.http, elsewhere["token"])
    stale = await refresh(client.http, elsewhere["refreshToken"])
    assert [e["code"] for e in stale["userErrors"]] == ["INVALID_REFRESH_TOKEN"]
    assert await can_log_in(client.http, "ada@example.org", NEW_PASSWORD)
    assert not await can_log_in(client.http, "ada@example.org", PASSWORD)
    assert (
        await OutboxEmail.filter(kind="password_changed", to_email="ada@example.org").count() == 1
    )

    _, body = await post(
        client.http,
        CHANGE,
        {"input": {"currentPassword": NEW_PASSWORD, "newPassword": PASSWORD + "x"}},
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_wrong_current_passwords_are_throttled(client: GraphQLClient) -> None:
    await make_user(email="ada@example.org")
    signed_in = await log_in(client.http, "ada@example.org")
    clock.pin(clock.now())  # the back-off's first second must not pass while hashes run
    codes = []
    for i in range(6):
        refused = await change(client.http, signed_in["token"], f"guess {i}", NEW_PASSWORD)
        codes.append([e["code"] for e in refused["userErrors"]])
    assert codes[:5] == [["INVALID_CREDENTIALS"]] * 5
    assert codes[5] == ["PASSWORD_THROTTLED"]
    # Throttled, even the right password is not checked.
    right = await change(client.http, signed_in["token"], PASSWORD, NEW_PASSWORD)
    assert [e["code"] for e in right["userErrors"]] == ["PASSWORD_THROTTLED"]
    assert right["userErrors"][0]["retryAfterSeconds"] >= 1
    assert await can_log_in(client.http, "ada@example.org", PASSWORD)


async def test_reset_by_emailed_token_ends_every_session_and_works_once(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    await make_user(email="ada@example.org")
    signed_in = await log_in(client.http, "ada@example.org")
    asked = await ask_reset(client.http, " ADA@example.org ")
    assert asked == {"data": {"requestPasswordReset": {"ok": True, "userErrors": []}}}
    token = await emailed_token(smtp, "ada@example.org")
    # Stored as its digest only.
    stored = await PasswordReset.get()
    assert stored.token_hash == token_digest(token) and token not in stored.token_hash

    weak = await reset(client.http, token, "short")
    assert [(e["code"], e["field"]) for e in weak["userErrors"]] == [
        ("INVALID_INPUT", ["newPassword"])
    ]
    done = await reset(client.http, token)
    assert done == {"ok": True, "userErrors": []}
    assert not await works(client.http, signed_in["token"])
    ended = await refresh(client.http, signed_in["refreshToken"])
    assert [e["code"] for e in ended["userErrors"]] == ["INVALID_REFRESH_TOKEN"]
    assert await can_log_in(client.http, "ada@example.org", NEW_PASSWORD)
    assert not await can_log_in(client.http, "ada@example.org", PASSWORD)

    again = await reset(client.http, token, "yet another passw0rd")
    assert [(e["code"], e["field"]) for e in again["userErrors"]] == [
        ("INVALID_RESET_TOKEN", ["token"])
    ]
    assert await can_log_in(client.http, "ada@example.org", NEW_PASSWORD)
    await worker_for(smtp).deliver_due()
    subjects = [str(m["Subject"]) for m in inbox(smtp, "ada@example.org")]
    assert subjects == [
        "Reset your mentorgraph password",
        "Your mentorgraph password was changed",
    ]


async def test_a_reset_spends_the_accounts_other_tokens(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    await make_user(email="ada@example.org")
    await ask_reset(client.http, "ada@example.org")
    first = await emailed_token(smtp, "ada@example.org")
    await ask_reset(client.http, "ada@example.org")
    second = await emailed_token(smtp, "ada@example.org")
    assert first != second
    assert (await reset(client.http, second))["userErrors"] == []
    refused = await reset(client.http, first, "yet another passw0rd")
    assert [e["code"] for e in refused["userErrors"]] == ["INVALID_RESET_TOKEN"]


async def test_expired_and_tampered_reset_tokens_are_refused(
    client: GraphQLClient, smtp: SmtpServer, settings: Settings
) -> None:
    await make_user(email="ada@example.org")
    await ask_reset(client.http, "ada@example.org")
    token = await emailed_token(smtp, "ada@example.org")
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (flipped, token[:-1], token + "A", "", token.upper()):
        refused = await reset(client.http, bad)
        assert [e["code"] for e in refused["userErrors"]] == ["INVALID_RESET_TOKEN"], bad
    clock.advance(timedelta(minutes=settings.password_reset_ttl_minutes, seconds=1))
    late = await reset(client.http, token)
    assert [e["code"] for e in late["userErrors"]] == ["INVALID_RESET_TOKEN"]
    assert await can_log_in(client.http, "ada@example.org", PASSWORD)


async def test_unknown_emails_get_the_same_answer(client: GraphQLClient, smtp: SmtpServer) -> None:
    await make_user(email="ada@example.org")
    known = await ask_reset(client.http, "ada@example.org")
    unknown = await ask_reset(client.http, "nobody@example.org")
    assert known == unknown
    # The same work too: one email each (the stranger's says there is no account there).
    await worker_for(smtp).deliver_due()
    [note] = inbox(smtp, "nobody@example.org")
    assert "there is none" in text_of(note)
    assert "reset-password" not in text_of(note)
    assert await PasswordReset.all().count() == 1
    # Throttled alike: the per-email ceiling (3 within the window) counts unknown emails too.
    for _ in range(2):
        assert (await ask_reset(client.http, "ada@example.org")) == (
            await ask_reset(client.http, "nobody@example.org")
        )
    known_late = await ask_reset(client.http, "ada@example.org")
    unknown_late = await ask_reset(client.http, "nobody@example.org")
    assert known_late == unknown_late
    errors = known_late["data"]["requestPasswordReset"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("PASSWORD_RESET_THROTTLED", ["email"])]
    # Not an email address at all: a client fault that says nothing about accounts.
    bad = await ask_reset(client.http, "not an email")
    assert bad["data"]["requestPasswordReset"]["userErrors"][0]["code"] == "INVALID_INPUT"


async def test_resets_from_one_address_are_throttled(client: GraphQLClient) -> None:
    answers = [await ask_reset(client.http, f"user{i}@example.org") for i in range(11)]
    codes = [[e["code"] for e in a["data"]["requestPasswordReset"]["userErrors"]] for a in answers]
    assert codes[:10] == [[]] * 10
    assert codes[10] == ["PASSWORD_RESET_THROTTLED"]


async def test_guessing_reset_tokens_is_throttled(client: GraphQLClient, smtp: SmtpServer) -> None:
    await make_user(email="ada@example.org")
    await ask_reset(client.http, "ada@example.org")
    token = await emailed_token(smtp, "ada@example.org")
    codes = [
        [e["code"] for e in (await reset(client.http, f"guess-{i}"))["userErrors"]]
        for i in range(11)
    ]
    assert codes[:10] == [["INVALID_RESET_TOKEN"]] * 10
    assert codes[10] == ["PASSWORD_THROTTLED"]
    # Even the right token waits now (nothing is looked up while throttled).
    blocked = await reset(client.http, token)
    assert [e["code"] for e in blocked["userErrors"]] == ["PASSWORD_THROTTLED"]


async def test_concurrent_resets_with_one_token_have_one_winner(
    live_clients: list[GraphQLClient], smtp: SmtpServer
) -> None:
    await make_user(email="ada@example.org")
    await ask_reset(live_clients[0].http, "ada@example.org")
    token = await emailed_token(smtp, "ada@example.org")
    passwords = [f"contender {i} passw0rd" for i in range(6)]
    results = await asyncio.gather(
        *(
            reset(live_clients[i % len(live_clients)].http, token, password)
            for i, password in enumerate(passwords)
        )
    )
    winners = [p for p, r in zip(passwords, results, strict=True) if r["ok"]]
    assert len(winners) == 1
    losers = [r for r in results if not r["ok"]]
    assert {e["code"] for r in losers for e in r["userErrors"]} == {"INVALID_RESET_TOKEN"}
    assert await can_log_in(live_clients[0].http, "ada@example.org", winners[0])


@pytest.fixture
def logged_server(settings: Settings, db: None) -> Iterator[LiveServer]:
    """A real server logging everything it logs (DEBUG); the test delivers its emails."""
    server = LiveServer(settings, LOG_FORMAT="json", LOG_LEVEL="DEBUG", BACKGROUND_JOBS="false")
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def test_reset_tokens_never_reach_the_logs(
    logged_server: LiveServer, smtp: SmtpServer
) -> None:
    await make_user(email="ada@example.org")
    async with httpx.AsyncClient(base_url=logged_server.url, timeout=30) as http:
        await ask_reset(http, "ada@example.org")
        token = await emailed_token(smtp, "ada@example.org")
        # Once as a variable, once inlined in the document (as a careless client might), and
        # once tampered: the log must hold none of them.
        fields = f'token: "{token}X", newPassword: "{NEW_PASSWORD}"'
        inline = f"mutation Inline {{ resetPassword(input: {{{fields}}}) {{ ok }} }}"
        _, body = await post(http, inline)
        assert body["data"]["resetPassword"]["ok"] is None
        assert (await reset(http, token))["ok"] is True
        signed_in = await log_in_as(http, NEW_PASSWORD)
    log = logged_server.read_log()
    assert "Reset" in log  # the operation was logged, by name
    for secret in (token, token[:20], NEW_PASSWORD, signed_in):
        assert secret not in log


async def log_in_as(http: httpx.AsyncClient, password: str) -> str:
    _, body = await post(
        http, LOG_IN, {"input": {"email": "ada@example.org", "password": password}}
    )
    return str(body["data"]["logIn"]["token"])


async def test_the_sweep_blanks_sent_reset_links_in_the_outbox(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    await make_user(email="ada@example.org")
    await ask_reset(client.http, "ada@example.org")
    await ask_reset(client.http, "nobody@example.org")
    token = await emailed_token(smtp, "ada@example.org")
    [row] = await OutboxEmail.filter(kind="password_reset")
    assert token in row.text_body  # sent, and until the sweep still there
    await sweep()
    for email in await OutboxEmail.all():
        assert token not in email.text_body + email.html_body
    assert (await OutboxEmail.get(id=row.id)).sent_at is not None
    # The other kinds keep their bodies; the token still works (only its copy is gone).
    assert "there is none" in (await OutboxEmail.get(kind="password_reset_no_account")).text_body
    assert (await reset(client.http, token))["ok"] is True
