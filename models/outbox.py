"""The transactional outbox: emails written in the same transaction as the change that causes them.

A row is delivered by the outbox worker (`mentorgraph/outbox_worker.py`) after commit; a change that
rolls back takes its emails with it. Each row carries a stable Message-ID, so a retry after an
uncertain send is recognisable as the same message by the receiving side.
"""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from models import clock

__all__ = ["Email", "OutboxEmail", "enqueue_email"]


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
    ) -> None:
        self.kind = kind
        self.unsubscribe_url = unsubscribe_url
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html


async def enqueue_email(
    email: Email, *, connection: BaseDBAsyncClient | None = None
) -> OutboxEmail:
    now = clock.now()
    return await OutboxEmail.create(
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
