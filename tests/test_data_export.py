"""exportMyData and emailMyDataExport (issue 16) through HTTP clients: the member's own data,
requests on both sides with their history and messages, nobody else's private data, a
throttle, and the emailed copy delivered by a real SMTP server."""

from __future__ import annotations

import json
from typing import Any

from devkit.factories import make_mentor, make_request, make_user
from models import clock
from models.feedback import AuthorRole, MentorshipFeedback
from models.requests import RequestStatus
from models.users import ChannelType, Favorite
from tests.test_sessions import log_in
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import create
from tests.utils.mail import inbox, text_of, worker_for
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
    await make_mentor(name="Katherine")
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
    text = payload["document"]
    for private in ("grace@example.org", "Private bio? No.", "Katherine"):
        assert private not in text

    anonymous = await client.execute(EXPORT)
    assert anonymous.error_codes == ["UNAUTHENTICATED"]


async def test_exports_are_throttled_and_emailed(client: GraphQLClient, smtp: SmtpServer) -> None:
    ada = await make_user(name="Ada", email="ada@example.org")
    emailed = await client.execute(EMAIL, as_user=ada)
    assert emailed.data["emailMyDataExport"] == {"ok": True, "userErrors": []}
    await worker_for(smtp).deliver_due()
    [mail] = inbox(smtp, "ada@example.org")
    body = text_of(mail)
    start = body.index("--- mentorgraph-data.json ---") + len("--- mentorgraph-data.json ---")
    copy = json.loads(body[start : body.rindex("}") + 1])
    assert copy["profile"]["email"] == "ada@example.org"

    answers = [await export(client, as_user=ada) for _ in range(5)]
    assert [a["userErrors"] for a in answers[:4]] == [[]] * 4
    assert answers[4]["document"] is None
    assert [e["code"] for e in answers[4]["userErrors"]] == ["EXPORT_THROTTLED"]
    assert answers[4]["userErrors"][0]["retryAfterSeconds"] > 0
    refused = await client.execute(EMAIL, as_user=ada)
    assert [e["code"] for e in refused.data["emailMyDataExport"]["userErrors"]] == [
        "EXPORT_THROTTLED"
    ]
