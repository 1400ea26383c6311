"""Email preferences per kind of notification (issue 16), over real SMTP: immediately (with an
unsubscribe link and the RFC 8058 headers), in a daily digest, or never; security emails are
not optional."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.notifications.digest import send_digests
from mentorgraph.models.notifications.inbox import Notification
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.settings import Settings
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import create
from tests.utils.mail import inbox, part_of, text_of, worker_for
from tests.utils.smtp import SmtpServer
from tests.utils.threads import send

PUBLIC_API = "https://api.mentors.example.org"

PREFERENCES = "query { emailPreferences { kind frequency } }"
SET = """
mutation($kind: NotificationKind!, $frequency: EmailFrequency!) {
  setEmailPreference(input: {kind: $kind, frequency: $frequency}) {
    emailPreferences { kind frequency } userErrors { code }
  }
}"""
RESET = """
mutation($email: String!) {
  requestPasswordReset(input: {email: $email}) { ok userErrors { code } }
}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_api_url": PUBLIC_API})


async def choose(client: GraphQLClient, viewer: User, kind: str, frequency: str) -> Any:
    response = await client.execute(SET, {"kind": kind, "frequency": frequency}, as_user=viewer)
    return response.data["setEmailPreference"]


async def test_preferences_default_to_immediately_and_are_each_members_own(
    client: GraphQLClient, db: None
) -> None:
    member, other = await make_user(), await make_user()
    chosen = await choose(client, member, "REQUEST_MESSAGE", "DAILY_DIGEST")
    assert chosen["userErrors"] == []
    by_kind = {p["kind"]: p["frequency"] for p in chosen["emailPreferences"]}
    assert by_kind["REQUEST_MESSAGE"] == "DAILY_DIGEST"
    assert {f for k, f in by_kind.items() if k != "REQUEST_MESSAGE"} == {"IMMEDIATELY"}
    assert len(by_kind) == 9  # one per NotificationKind
    await choose(client, member, "REQUEST_MESSAGE", "NEVER")  # again: the row is updated
    theirs = (await client.execute(PREFERENCES, as_user=other)).data["emailPreferences"]
    assert {p["frequency"] for p in theirs} == {"IMMEDIATELY"}
    mine = (await client.execute(PREFERENCES, as_user=member)).data["emailPreferences"]
    assert {p["kind"]: p["frequency"] for p in mine}["REQUEST_MESSAGE"] == "NEVER"
    anonymous = await client.execute(PREFERENCES)
    assert "UNAUTHENTICATED" in anonymous.error_codes
    unknown = await client.execute(
        SET, {"kind": "PASSWORD_RESET", "frequency": "NEVER"}, as_user=member
    )
    assert unknown.status == 400 and unknown.error_codes  # not a kind: a client fault


async def test_an_immediate_email_carries_one_click_unsubscribe(
    client: GraphQLClient, db: None, smtp: SmtpServer
) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    await create(client, mentee, mentor.id)
    await worker_for(smtp).deliver_due()
    [message] = inbox(smtp, mentor.email)
    header = message["List-Unsubscribe"]
    assert header.startswith(f"<{PUBLIC_API}/email/unsubscribe?token=u1.") and header.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = header[1:-1]
    assert link in text_of(message)
    assert link.replace("&", "&amp;") in part_of(message, "text/html")


async def test_a_daily_digest_gathers_what_was_held_back(
    client: GraphQLClient, db: None, smtp: SmtpServer
) -> None:
    mentor = await make_mentor(name="Ada")
    mentee = await make_user(name="Mo")
    await choose(client, mentor, "REQUEST_MESSAGE", "DAILY_DIGEST")
    await choose(client, mentor, "REQUEST_NEW", "DAILY_DIGEST")
    request = await make_request(mentee=mentee, mentor=mentor)
    await send(client, mentee, request.id, "First question")
    await send(client, mentee, request.id, "Second question")
    other = await make_user(name="Lu")
    await create(client, other, mentor.id)
    assert await Notification.filter(user_id=mentor.id, digest_pending=True).count() == 3
    assert await OutboxEmail.filter(to_email=mentor.email).count() == 0

    assert await send_digests(clock.now() + timedelta(hours=23)) == 0  # not a day yet
    assert await send_digests(clock.now() + timedelta(hours=25)) == 1
    assert await send_digests(clock.now() + timedelta(hours=25)) == 0  # sent once
    await worker_for(smtp).deliver_due()
    [digest] = inbox(smtp, mentor.email)
    assert digest["Subject"] == "Your mentorship news: 3 updates"
    text = text_of(digest).replace("\r\n", "\n")
    assert text.count("- Mo wrote about a request") == 2
    assert "- Lu asked you to mentor them" in text
    assert digest["List-Unsubscribe"].startswith(f"<{PUBLIC_API}/email/unsubscribe?token=u1.")
    assert await Notification.filter(user_id=mentor.id, digest_pending=True).count() == 0
    # The notifications themselves stay unread in the app.
    assert await Notification.filter(user_id=mentor.id, read_at=None).count() == 3


async def test_never_means_no_email_but_the_notification_stays(
    client: GraphQLClient, db: None, smtp: SmtpServer
) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    for kind in ("REQUEST_NEW", "REQUEST_MESSAGE"):
        await choose(client, mentor, kind, "NEVER")
    await create(client, mentee, mentor.id)
    request = await Notification.get(user_id=mentor.id)
    assert request.request_id is not None
    await send(client, mentee, request.request_id, "Hello?")
    assert await Notification.filter(user_id=mentor.id).count() == 2
    assert await send_digests(clock.now() + timedelta(days=2)) == 0
    # Security emails are not optional: the reset link still comes.
    reset = await client.execute(RESET, {"email": mentor.email})
    assert reset.data["requestPasswordReset"]["ok"] is True
    await worker_for(smtp).deliver_due()
    assert [m["Subject"] for m in inbox(smtp, mentor.email)] == ["Reset your mentorgraph password"]


async def test_a_kind_set_to_never_after_it_was_held_back_is_left_out_of_the_digest(
    client: GraphQLClient, db: None, smtp: SmtpServer
) -> None:
    mentor, mentee = await make_mentor(), await make_user()
    await choose(client, mentor, "REQUEST_MESSAGE", "DAILY_DIGEST")
    request = await make_request(mentee=mentee, mentor=mentor)
    await send(client, mentee, request.id, "Hello?")
    await choose(client, mentor, "REQUEST_MESSAGE", "NEVER")
    assert await send_digests(clock.now() + timedelta(hours=25)) == 0
    assert await Notification.filter(digest_pending=True).count() == 0
