"""What anonymising an account leaves behind (issue 16, docs/data-retention.md), checked by
walking every table: a member who wrote in every place the API offers leaves, and afterwards no
text column of any table holds their name, their email or a word they wrote; the other side's
records stay, anonymised. The walk reads the models' registry, so a table added later is walked
too: its rows of a leaving member fail here until `models/accounts/account_deletion.py` handles
them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tortoise import Tortoise
from tortoise.fields import BinaryField, CharField, TextField
from tortoise.models import Model

from devkit.factories import PASSWORD, make_mentor, make_request, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.account_deletion import DELETED_NAME
from mentorgraph.models.accounts.auth import Session
from mentorgraph.models.accounts.users import ChannelType, User
from mentorgraph.models.directory.application_records import MentorApplication
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.inbox import Notification
from mentorgraph.models.notifications.outbox import OutboxAttachment, OutboxEmail
from mentorgraph.models.requests.feedback import AuthorRole, MentorshipFeedback
from mentorgraph.models.requests.requests import (
    DeclineReason,
    MentorshipRequest,
    RequestEvent,
    RequestStatus,
)
from mentorgraph.models.safety.safety_records import MemberBlock, MemberReport
from mentorgraph.models.sweep import sweep
from tests.accounts.test_sessions import log_in, post
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import create, request_gid, user_gid
from tests.utils.mail import inbox, text_of, worker_for
from tests.utils.safety import BLOCK, REPORT_MEMBER, run
from tests.utils.smtp import SmtpServer
from tests.utils.threads import send

NAME, EMAIL = "Zelda Quokka", "zelda.quokka@example.org"
# Every word the leaving member writes carries this mark (the other people's words never do).
MARK = "zq-"
NEEDLES = ("quokka", MARK)

DELETE = """mutation($p: String!) {
  deleteAccount(input: {password: $p}) { deletionDueAt userErrors { code } }
}"""
DECLINE = """mutation($id: ID!, $m: String) {
  declineMentorshipRequest(input: {requestId: $id, reason: NO_CAPACITY, message: $m}) {
    request { status } userErrors { code }
  }
}"""
PREFERENCE = """mutation {
  setEmailPreference(input: {kind: REQUEST_MESSAGE, frequency: DAILY_DIGEST}) {
    userErrors { code }
  }
}"""
DIGEST_DECLINES = """mutation {
  setEmailPreference(input: {kind: REQUEST_DECLINED, frequency: DAILY_DIGEST}) {
    userErrors { code }
  }
}"""
EXPORT_BY_EMAIL = "mutation { emailMyDataExport { ok userErrors { code } } }"


def _text_columns(model: type[Model]) -> list[str]:
    """The columns that can hold words: text and strings, not enums (closed values)."""
    return [
        field.source_field or name
        for name, field in model._meta.fields_map.items()
        if isinstance(field, CharField | TextField) and getattr(field, "enum_type", None) is None
    ]


async def leftovers(*, outbox_to_others: bool) -> list[tuple[str, str, Any]]:
    """(table, column, row id) of every text still holding a needle. With `outbox_to_others`,
    emails to other addresses are passed over (they keep their words until the retention)."""
    found = []
    for model in Tortoise.apps["models"].values():
        table = model._meta.db_table
        for column in _text_columns(model):
            for needle in NEEDLES:
                rows = model.filter(**{f"{column}__icontains": needle})
                if model is OutboxEmail and outbox_to_others:
                    rows = rows.filter(to_email__icontains="quokka")
                for pk in await rows.values_list(model._meta.pk_attr, flat=True):
                    found.append((table, column, pk))
        for name, field in model._meta.fields_map.items():
            if isinstance(field, BinaryField):
                for pk, content in await model.all().values_list(model._meta.pk_attr, name):
                    if any(n.encode() in bytes(content).lower() for n in NEEDLES):
                        found.append((table, name, pk))
    return found


async def test_after_anonymisation_no_table_holds_the_members_name_email_or_words(
    client: GraphQLClient, smtp: SmtpServer
) -> None:
    leaving = await make_mentor(
        name=NAME,
        email=EMAIL,
        title=f"{MARK}title",
        bio=f"{MARK}bio",
        tags=["graphs"],
        channels=[(ChannelType.GITHUB, f"{MARK}handle")],
    )
    barbara, alan, grace = (
        await make_mentor(name="Barbara"),
        await make_user(name="Alan"),
        await make_user(name="Grace"),
    )
    signed_in = await log_in(client.http, EMAIL, f"{MARK}agent")

    # As a mentee: a request to Barbara, with a message of the thread.
    texts = {
        k: f"{MARK}{k}: what I would write here, at some length."
        for k in ("message", "background", "expectation")
    }
    sent = await create(client, leaving, barbara.id, **texts)
    assert sent["userErrors"] == []
    sent_id = (await MentorshipRequest.get(mentee_id=leaving.id)).id
    assert (await send(client, leaving, sent_id, f"{MARK}question"))["userErrors"] == []
    assert (await send(client, barbara, sent_id, "Happy to talk."))["userErrors"] == []
    # As a mentor: Alan's request, answered in its thread, and Grace's, declined with words.
    waiting = await make_request(mentee=alan, mentor=leaving)
    assert (await send(client, leaving, waiting.id, f"{MARK}reply"))["userErrors"] == []
    declined = await make_request(mentee=grace, mentor=leaving)
    answer = await client.execute(
        DECLINE, {"id": request_gid(declined.id), "m": f"{MARK}sorry"}, as_user=leaving
    )
    assert answer.data["declineMentorshipRequest"]["userErrors"] == []
    done = await make_request(mentee=grace, mentor=leaving, status=RequestStatus.COMPLETED)
    await MentorshipFeedback.create(
        request_id=done.id,
        author_id=leaving.id,
        subject_id=grace.id,
        author_role=AuthorRole.MENTOR,
        rating=5,
        comment=f"{MARK}feedback",
        created_at=clock.now(),
    )
    await MentorshipFeedback.create(
        request_id=done.id,
        author_id=grace.id,
        subject_id=leaving.id,
        author_role=AuthorRole.MENTEE,
        rating=4,
        comment="Helpful and kind.",
        created_at=clock.now(),
    )
    await MentorApplication.create(
        user_id=leaving.id, motivation=f"{MARK}motivation", created_at=clock.now()
    )
    # Safety: a block each way, a report by them and one of them.
    blocked = await run(client, BLOCK, leaving, id=user_gid(grace.id))
    assert blocked["userErrors"] == []
    edsger = await make_user(name="Edsger")
    assert (await run(client, BLOCK, edsger, id=user_gid(leaving.id)))["userErrors"] == []
    reported = await run(
        client,
        REPORT_MEMBER,
        leaving,
        id=user_gid(grace.id),
        category="SPAM",
        reason=f"{MARK}why: spam in my inbox",
    )
    assert reported["userErrors"] == []
    about = await run(
        client,
        REPORT_MEMBER,
        barbara,
        id=user_gid(leaving.id),
        category="SPAM",
        reason="Advertising in every message.",
    )
    assert about["userErrors"] == []
    # Their preferences, notifications (Barbara's message), a data export by email.
    assert (await client.execute(PREFERENCE, as_user=leaving)).data["setEmailPreference"][
        "userErrors"
    ] == []
    emailed = await client.execute(EXPORT_BY_EMAIL, as_user=leaving)
    assert emailed.data["emailMyDataExport"]["userErrors"] == []
    assert await Notification.filter(user_id=leaving.id).exists()
    assert await OutboxAttachment.exists()
    before = await leftovers(outbox_to_others=False)
    assert {table for table, _, _ in before} >= {
        "users",
        "channels",
        "sessions",
        "mentorship_requests",
        "request_events",
        "mentorship_feedback",
        "mentor_applications",
        "member_reports",
        "outbox_emails",
        "outbox_attachments",
    }

    _, body = await post(client.http, DELETE, {"p": PASSWORD}, token=signed_in["token"])
    assert body["data"]["deleteAccount"]["userErrors"] == []
    await worker_for(smtp).deliver_due()  # the export and the notice, sent before the end
    clock.advance(timedelta(days=limits().account_deletion_grace_days - 1))
    await sweep()
    # Still open when the time comes (the older one expired meanwhile, as any would).
    ada, hedy = await make_user(name="Ada"), await make_user(name="Hedy")
    late = await make_request(mentee=ada, mentor=leaving)
    await make_request(mentee=hedy, mentor=leaving)
    digest = await client.execute(DIGEST_DECLINES, as_user=hedy)
    assert digest.data["setEmailPreference"]["userErrors"] == []
    clock.advance(timedelta(days=1, minutes=1))
    await sweep()
    await worker_for(smtp).deliver_due()  # the farewell, and the other side's news
    await sweep()

    await leaving.refresh_from_db()
    assert leaving.name == DELETED_NAME and leaving.deleted_at is not None
    assert await leftovers(outbox_to_others=True) == []
    # What the other side and the audit keep: the requests, their events and their own words,
    # the feedback they got and gave (the ratings), the report of the member, the block of them.
    assert await MentorshipRequest.filter(mentee_id=leaving.id).count() == 1
    assert await MentorshipRequest.filter(mentor_id=leaving.id).count() == 5
    assert await RequestEvent.filter(note="Happy to talk.").exists()
    assert await MentorshipFeedback.filter(author_id=leaving.id, rating=5).exists()
    assert await MentorshipFeedback.filter(comment="Helpful and kind.").exists()
    assert await MemberReport.filter(
        target_user_id=leaving.id, reason="Advertising in every message."
    ).exists()
    assert await MemberReport.filter(reporter_id=leaving.id, category="SPAM").exists()
    assert await MemberBlock.filter(blocked_id=leaving.id).exists()
    assert not await MemberBlock.filter(blocker_id=leaving.id).exists()
    assert not await Notification.filter(user_id=leaving.id).exists()
    assert await Session.filter(user_id=leaving.id).values_list("user_agent", "address") == [
        ("", "")
    ]
    # The request still waiting was closed for its mentee with the reason that says why.
    closed = await MentorshipRequest.get(id=late.id)
    assert (closed.status, closed.decline_reason) == (
        RequestStatus.DECLINED,
        DeclineReason.ACCOUNT_CLOSED,
    )
    [told] = inbox(smtp, ada.email)
    assert "was closed because the mentor closed their account" in text_of(told)
    assert "declined your mentorship request" not in text_of(told)

    # Hedy reads it in her daily digest, in the same words.
    clock.advance(timedelta(hours=limits().digest_after_hours, minutes=1))
    await sweep()
    await worker_for(smtp).deliver_due()
    [daily] = inbox(smtp, hedy.email)
    assert "Your request was closed: the mentor closed their account" in text_of(daily)

    # Emails sent to others named the member; the outbox forgets them after its retention.
    assert await OutboxEmail.filter(subject__icontains="quokka").exists()
    clock.advance(timedelta(days=limits().sent_email_retention_days, minutes=1))
    await sweep()
    assert await leftovers(outbox_to_others=False) == []
    assert await User.filter(id=leaving.id).exists()
