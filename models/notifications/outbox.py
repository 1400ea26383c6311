"""The transactional outbox: emails written in the same transaction as the change that causes them.

A row is delivered by the outbox worker (`mentorgraph/outbox_worker.py`) after commit; a change that
rolls back takes its emails with it. Each row carries a stable Message-ID, so a retry after an
uncertain send is recognisable as the same message by the receiving side.

An email may carry attachments (`OutboxAttachment`, the emailed data export): written in the
same transaction as its row, each at most `EMAIL_ATTACHMENT_MAX_BYTES`, deleted once the email
is sent (`forget_sent_attachments`: the outbox keeps the record that it sent them, not a copy).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.models import Model

from mentorgraph.models import clock
from mentorgraph.models.limits import limits

__all__ = [
    "Attachment",
    "AttachmentTooLarge",
    "Email",
    "OutboxAttachment",
    "OutboxEmail",
    "attachments_of",
    "enqueue_email",
    "forget_old_emails",
    "forget_sent_attachments",
]


class OutboxEmail(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=40)
    to_email = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=250)
    text_body = fields.TextField()
    html_body = fields.TextField()
    message_id = fields.CharField(max_length=120, unique=True)
    created_at = fields.DatetimeField()
    # Delivery state: due when unsent, next_attempt_at has passed and no live lease holds it.
    next_attempt_at = fields.DatetimeField()
    leased_until = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=500, null=True)
    # A notification email's one-click unsubscribe URL (RFC 8058 headers); None otherwise.
    list_unsubscribe = fields.CharField(max_length=400, null=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_emails"
        indexes = [("sent_at", "next_attempt_at")]


class OutboxAttachment(Model):
    """One file an outbox email carries, sent as a MIME attachment."""

    id = fields.BigIntField(primary_key=True)
    email: fields.ForeignKeyRelation[OutboxEmail] = fields.ForeignKeyField(
        "models.OutboxEmail", related_name=False, on_delete=fields.CASCADE
    )
    filename = fields.CharField(max_length=120)
    content_type = fields.CharField(max_length=100)
    content = fields.BinaryField()
    size = fields.IntField()

    email_id: int

    class Meta:
        table = "outbox_attachments"
        indexes = [("email_id",)]


class AttachmentTooLarge(ValueError):
    """An attachment above `EMAIL_ATTACHMENT_MAX_BYTES`: nothing is queued."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "maintype/subtype"
    content: bytes


class Email:
    """The content of one email, before it is queued."""

    def __init__(
        self,
        *,
        kind: str,
        to: str,
        subject: str,
        text: str,
        html: str,
        unsubscribe_url: str | None = None,
        attachments: tuple[Attachment, ...] = (),
    ) -> None:
        self.kind = kind
        self.attachments = attachments
        self.unsubscribe_url = unsubscribe_url
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html


async def enqueue_email(
    email: Email, *, connection: BaseDBAsyncClient | None = None
) -> OutboxEmail:
    """Queue `email` on `connection` (the caller's transaction): the row and its attachments
    commit together. AttachmentTooLarge (before anything is written) past the limit."""
    ceiling = limits().email_attachment_max_bytes
    for attachment in email.attachments:
        if len(attachment.content) > ceiling:
            raise AttachmentTooLarge(
                f"{attachment.filename} is {len(attachment.content)} bytes (at most {ceiling})"
            )
    now = clock.now()
    row = await OutboxEmail.create(
        kind=email.kind,
        to_email=email.to,
        subject=email.subject,
        text_body=email.text,
        html_body=email.html,
        list_unsubscribe=email.unsubscribe_url,
        message_id=f"<{uuid.uuid4().hex}@mentorgraph>",
        created_at=now,
        next_attempt_at=now,
        using_db=connection,
    )
    for attachment in email.attachments:
        await OutboxAttachment.create(
            email_id=row.id,
            filename=attachment.filename,
            content_type=attachment.content_type,
            content=attachment.content,
            size=len(attachment.content),
            using_db=connection,
        )
    return row


# Emails deleted per sweep pass: the first pass after an upgrade finds the whole history; it
# goes in steps, not one long statement.
FORGET_BATCH = 5000


async def forget_old_emails(now: datetime) -> int:
    """The sweep: emails older than `SENT_EMAIL_RETENTION_DAYS` are deleted with their
    attachments: sent ones counted from their sending, and ones never sent (failed for good, or
    still retrying) from their writing, as a month-old email about a request is past its use.
    The outbox is a queue, not an archive of what members were told."""
    before = now - timedelta(days=limits().sent_email_retention_days)
    old = Q(sent_at__lt=before) | Q(sent_at=None, created_at__lt=before)
    ids = (
        await OutboxEmail.filter(old)
        .order_by("id")
        .limit(FORGET_BATCH)
        .values_list("id", flat=True)
    )
    if not ids:
        return 0
    await OutboxAttachment.filter(email_id__in=ids).delete()
    return int(await OutboxEmail.filter(id__in=ids).delete())


async def attachments_of(email_id: int) -> list[Attachment]:
    rows = await OutboxAttachment.filter(email_id=email_id).order_by("id")
    return [Attachment(r.filename, r.content_type, bytes(r.content)) for r in rows]


async def forget_sent_attachments() -> int:
    """The sweep: attachments of emails already sent are deleted (the export they carried is
    the member's, not the outbox's to keep). Two small statements: the attachments are few."""
    holders = await OutboxAttachment.all().distinct().values_list("email_id", flat=True)
    if not holders:
        return 0
    sent = await OutboxEmail.filter(id__in=holders, sent_at__not_isnull=True).values_list(
        "id", flat=True
    )
    if not sent:
        return 0
    return int(await OutboxAttachment.filter(email_id__in=sent).delete())
