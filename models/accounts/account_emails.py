"""The emails of verification and leaving (issue 16), written as templates like every other
(`models/notifications/email_templates.py`), queued through the outbox in the transaction of their
change.

The links carry their token in the URL's fragment (after #), which browsers never send to a
server: it stays out of access logs and Referer headers, as the password reset's does.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from mentorgraph.models.accounts.users import User
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.email_templates import compose, web_link
from mentorgraph.models.notifications.outbox import (
    Attachment,
    OutboxEmail,
    enqueue_email,
    forget_sent_attachments,
)

__all__ = [
    "DATA_EXPORT_KIND",
    "VERIFY_EMAIL_KIND",
    "account_deleted",
    "data_export",
    "deletion_cancelled",
    "deletion_scheduled",
    "email_change_requested",
    "export_filename",
    "forget_sent",
    "verify_email",
]

# Their bodies hold a live token or personal data: blanked once sent
# (`mentorgraph.models.accounts.account_deletion.forget_sent`).
VERIFY_EMAIL_KIND = "verify_email"
DELETION_SCHEDULED_KIND = "account_deletion_scheduled"
DATA_EXPORT_KIND = "data_export"
ACCOUNT_DELETED_KIND = "account_deleted"
FORGOTTEN_ADDRESS = "forgotten@deleted.invalid"


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


async def verify_email(user: User, address: str, token: str, connection: BaseDBAsyncClient) -> None:
    """The confirmation link, to the address it confirms (which may not be the account's yet)."""
    to = User(email=address, name=user.name, locale=user.locale)
    email = compose(
        VERIFY_EMAIL_KIND,
        to,
        {
            "address": address,
            "hours": f"{limits().email_verification_ttl_hours:g}",
            "verify_url": web_link(f"/verify-email#token={token}"),
        },
    )
    await enqueue_email(email, connection=connection)


async def email_change_requested(
    user: User, new_address: str, connection: BaseDBAsyncClient
) -> None:
    """To the current address: a change was asked for (an owner who did not ask finds out)."""
    email = compose(
        "email_change_requested",
        user,
        {"new_address": new_address, "forgot_url": web_link("/forgot-password")},
    )
    await enqueue_email(email, connection=connection)


async def deletion_scheduled(
    user: User, due: datetime, token: str, connection: BaseDBAsyncClient
) -> None:
    email = compose(
        DELETION_SCHEDULED_KIND,
        user,
        {"due": _day(due), "cancel_url": web_link(f"/keep-account#token={token}")},
    )
    await enqueue_email(email, connection=connection)


async def deletion_cancelled(user: User, connection: BaseDBAsyncClient) -> None:
    email = compose(
        "account_deletion_cancelled",
        user,
        {
            "mentor": user.is_mentor,
            "profile_url": web_link("/profile"),
            "forgot_url": web_link("/forgot-password"),
        },
    )
    await enqueue_email(email, connection=connection)


async def account_deleted(name: str, address: str, connection: BaseDBAsyncClient) -> None:
    """The last email to the address, sent as the account is anonymised (it is the only copy
    of the address left, in the outbox until sent)."""
    email = compose(ACCOUNT_DELETED_KIND, User(email=address, name=name))
    await enqueue_email(email, connection=connection)


def export_filename(taken: datetime) -> str:
    return f"mentorgraph-export-{taken:%Y-%m-%d}.json"


async def data_export(
    user: User, document: str, taken: datetime, connection: BaseDBAsyncClient
) -> None:
    """The export as a JSON file attached to a short email (AttachmentTooLarge past
    `EMAIL_ATTACHMENT_MAX_BYTES`, nothing queued)."""
    filename = export_filename(taken)
    email = compose(DATA_EXPORT_KIND, user, {"filename": filename, "taken": _day(taken)})
    email.attachments = (Attachment(filename, "application/json", document.encode()),)
    await enqueue_email(email, connection=connection)


async def forget_sent() -> int:
    """The sweep: blank the bodies of sent emails that held a live link or a member's data
    export (the outbox keeps the record that it sent them, not the words), and the address
    of a sent farewell (the last trace of a deleted account's address), and the attachments of
    sent emails (the data export's file)."""
    await forget_sent_attachments()
    await (
        OutboxEmail.filter(sent_at__not_isnull=True, kind=ACCOUNT_DELETED_KIND)
        .exclude(to_email=FORGOTTEN_ADDRESS)
        .update(to_email=FORGOTTEN_ADDRESS, subject="", text_body="", html_body="")
    )
    return await (
        OutboxEmail.filter(
            sent_at__not_isnull=True,
            kind__in=(VERIFY_EMAIL_KIND, DELETION_SCHEDULED_KIND, DATA_EXPORT_KIND),
        )
        .exclude(text_body="")
        .update(text_body="", html_body="")
    )
