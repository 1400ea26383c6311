"""exportMyData and emailMyDataExport (issue 16) through HTTP clients: the member's own data,
requests on both sides with their history and messages, nobody else's private data, a
throttle, and the emailed copy delivered by a real SMTP server."""

from __future__ import annotations

import json
from typing import Any

from devkit.factories import make_mentor, make_request, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.users import ChannelType, Favorite
from mentorgraph.models.limits import Limits, configure
from mentorgraph.models.notifications.outbox import OutboxAttachment, OutboxEmail
from mentorgraph.models.requests.feedback import AuthorRole, MentorshipFeedback
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.models.sweep import sweep
from tests.accounts.test_sessions import log_in
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import create, user_gid
from tests.utils.mail import inbox, part_of, text_of, worker_for
from tests.utils.safety import BLOCK, REPORT_MEMBER, run
from tests.utils.smtp import SmtpServer
from tests.utils.threads import send

EXPORT = "mutation { exportMyData { document userErrors { code retryAfterSeconds } } }"
EMAIL = "mutation { emailMyDataExport { ok userErrors { code } } }"


async def export(client: GraphQLClient, **auth: Any) -> dict[str, Any]:
    answer = await client.execute(EXPORT, **auth)
    return dict(answer.data["exportMyData"])


async def test_the_export_holds_the_members_data_and_no_one_elses(
    client: GraphQLClient,
) -> None:
    ada = await make_user(
        name="Ada",
        email="ada@example.org",
        bio="Analytical engines.",
        tags=["math"],
        channels=[(ChannelType.GITHUB, "ada")],
    )
    grace = await make_mentor(name="Grace", email="grace@example.org", bio="Private bio? No.")
    barbara = await make_mentor(name="Barbara")
    katherine = await make_mentor(name="Katherine")
    sent = await create(client, ada, barbara.id)
    assert sent["userErrors"] == []
    done = await make_request(mentee=ada, mentor=grace, status=RequestStatus.APPROVED)
    assert (await send(client, grace, done.id, "Welcome aboard!"))["userErrors"] == []
    received = await make_request(
        mentee=grace, mentor=ada
    )  # Ada is no mentor, but the record is hers
    await Favorite.create(user_id=ada.id, mentor_id=grace.id)
    await MentorshipFeedback.create(
        request_id=done.id,
        author_id=grace.id,
        subject_id=ada.id,
        author_role=AuthorRole.MENTOR,
        rating=5,
        comment="A delight.",
        created_at=clock.now(),
    )
    await log_in(client.http, "ada@example.org", "laptop")
    # Her safety records and settings: whom she blocked, what she reported, her preferences.
    assert (await run(client, BLOCK, ada, id=user_gid(katherine.id)))["userErrors"] == []
    reported = await run(
        client,
        REPORT_MEMBER,
        ada,
        id=user_gid(barbara.id),
        category="SPAM",
        reason="Links to a paid course in every message.",
    )
    assert reported["userErrors"] == []
    # A report about her is the reporter's, not hers to read.
    about = await run(
        client,
        REPORT_MEMBER,
        grace,
        id=user_gid(ada.id),
        category="OTHER",
        reason="Grace's private words about Ada.",
    )
    assert about["userErrors"] == []
    preference = await client.execute(
        "mutation { setEmailPreference(input: {kind: REQUEST_MESSAGE, frequency: NEVER})"
        " { userErrors { code } } }",
        as_user=ada,
    )
    assert preference.data["setEmailPreference"]["userErrors"] == []

    payload = await export(client, as_user=ada)
    assert payload["userErrors"] == []
    document = json.loads(payload["document"])
    assert document["format"] == "mentorgraph-export/1" and document["truncated"] is False
    profile = document["profile"]
    assert (profile["email"], profile["name"], profile["bio"]) == (
        "ada@example.org",
        "Ada",
        "Analytical engines.",
    )
    assert profile["tags"] == ["math"] and profile["emailVerified"] is True
    assert profile["channels"] == [{"type": "GITHUB", "handle": "ada"}]
    assert sorted(r["status"] for r in document["requestsSent"]) == ["APPROVED", "NEW"]
    assert [r["id"] for r in document["requestsReceived"]] == [received.id]
    by_id = {r["id"]: r for r in document["requestsSent"]}
    thread = by_id[done.id]["history"]
    assert [(h["kind"], h["note"]) for h in thread] == [("MESSAGE", "Welcome aboard!")]
    assert by_id[done.id]["mentorName"] == "Grace"
    created = next(r for r in document["requestsSent"] if r["id"] != done.id)
    assert [h["toStatus"] for h in created["history"]] == ["NEW"]
    assert [f["mentorId"] for f in document["favorites"]] == [grace.id]
    assert [f["comment"] for f in document["feedbackReceived"]] == ["A delight."]
    assert document["feedbackGiven"] == []
    assert [s["userAgent"] for s in document["sessions"]] == ["laptop"]
    assert [b["blockedName"] for b in document["blocked"]] == ["Katherine"]
    [report] = document["reportsFiled"]
    assert (report["targetUserName"], report["category"], report["status"]) == (
        "Barbara",
        "SPAM",
        "OPEN",
    )
    assert report["reason"] == "Links to a paid course in every message."
    assert document["emailPreferences"] == [{"kind": "REQUEST_MESSAGE", "frequency": "NEVER"}]
    # Grace's message of the thread told Ada in her inbox.
    assert [n["kind"] for n in document["notifications"]] == ["REQUEST_MESSAGE"]
    text = payload["document"]
    for private in ("grace@example.org", "Private bio? No.", "Grace's private words"):
        assert private not in text

    anonymous = await client.execute(EXPORT)
    assert anonymous.error_codes == ["UNAUTHENTICATED"]


async def test_exports_are_throttled_and_emailed(client: GraphQLClient, smtp: SmtpServer) -> None:
    ada = await make_user(name="Ada", email="ada@example.org")
    emailed = await client.execute(EMAIL, as_user=ada)
    assert emailed.data["emailMyDataExport"] == {"ok": True, "userErrors": []}
    await worker_for(smtp).deliver_due()
    [mail] = inbox(smtp, "ada@example.org")
    # A short text and HTML body; the document is the attached file.
    assert mail.get_content_type() == "multipart/mixed"
    body = text_of(mail)
    assert f"mentorgraph-export-{clock.now():%Y-%m-%d}.json" in body
    assert "ada@example.org" not in body and len(body) < 1000
    assert "<p>" in part_of(mail, "text/html")
    [attached] = [part for part in mail.walk() if part.get_content_disposition() == "attachment"]
    assert attached.get_content_type() == "application/json"
    assert attached.get_filename() == f"mentorgraph-export-{clock.now():%Y-%m-%d}.json"
    payload = attached.get_payload(decode=True)
    assert isinstance(payload, bytes)
    copy = json.loads(payload.decode("utf-8"))
    assert copy["format"] == "mentorgraph-export/1"
    assert copy["profile"]["email"] == "ada@example.org"
    # Once sent, the outbox keeps no copy of the file (nor of the words).
    assert await OutboxAttachment.exists()
    await sweep()
    assert not await OutboxAttachment.exists()

    answers = [await export(client, as_user=ada) for _ in range(5)]
    assert [a["userErrors"] for a in answers[:4]] == [[]] * 4
    assert answers[4]["document"] is None
    assert [e["code"] for e in answers[4]["userErrors"]] == ["EXPORT_THROTTLED"]
    assert answers[4]["userErrors"][0]["retryAfterSeconds"] > 0
    refused = await client.execute(EMAIL, as_user=ada)
    assert [e["code"] for e in refused.data["emailMyDataExport"]["userErrors"]] == [
        "EXPORT_THROTTLED"
    ]


async def test_an_export_too_large_for_an_attachment_is_refused_and_nothing_queued(
    client: GraphQLClient,
) -> None:
    ada = await make_user(name="Ada", email="ada@example.org", bio="x" * 2000)
    try:
        configure(Limits(email_attachment_max_bytes=1024))
        refused = await client.execute(EMAIL, as_user=ada)
    finally:
        configure(Limits())
    assert [e["code"] for e in refused.data["emailMyDataExport"]["userErrors"]] == [
        "EXPORT_TOO_LARGE"
    ]
    assert refused.data["emailMyDataExport"]["ok"] is None
    assert not await OutboxEmail.exists() and not await OutboxAttachment.exists()
    # The same document is still there to download.
    assert (await export(client, as_user=ada))["userErrors"] == []
