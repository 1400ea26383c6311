"""How often each member wants email for each kind of notification: at once, in a daily
digest, or never. One row per (member, kind) that differs from the default (at once).

Only notification emails are optional: security and account emails (password reset, password
changed, verification, application decisions) are always sent and have no kind here.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User

__all__ = [
    "DEFAULT_FREQUENCY",
    "EmailFrequency",
    "EmailPreference",
    "NotificationKind",
    "frequencies_for",
    "preferences_of",
    "set_frequency",
]


class NotificationKind(StrEnum):
    """What a notification is about; also the unit of an email preference."""

    REQUEST_NEW = "REQUEST_NEW"
    REQUEST_APPROVED = "REQUEST_APPROVED"
    # Declined by the mentor, or by the system (MENTOR_INACTIVE: the request's declineReason).
    REQUEST_DECLINED = "REQUEST_DECLINED"
    REQUEST_CANCELLED = "REQUEST_CANCELLED"
    REQUEST_REMINDER = "REQUEST_REMINDER"
    REQUEST_EXPIRED = "REQUEST_EXPIRED"
    REQUEST_MESSAGE = "REQUEST_MESSAGE"
    FEEDBACK_RECEIVED = "FEEDBACK_RECEIVED"
    # A mentor was set unavailable by an admin or by the silent-mentor rule.
    SET_UNAVAILABLE = "SET_UNAVAILABLE"


class EmailFrequency(StrEnum):
    IMMEDIATELY = "IMMEDIATELY"
    DAILY_DIGEST = "DAILY_DIGEST"
    NEVER = "NEVER"


DEFAULT_FREQUENCY = EmailFrequency.IMMEDIATELY


class EmailPreference(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="email_preferences", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(NotificationKind, max_length=24)
    frequency = fields.CharEnumField(EmailFrequency, max_length=16)
    updated_at = fields.DatetimeField()

    user_id: int

    class Meta:
        table = "email_preferences"
        # One answer per kind, whatever races: setting it is an upsert on this key.
        unique_together = (("user", "kind"),)


async def preferences_of(user_id: int) -> dict[NotificationKind, EmailFrequency]:
    """Every kind with the member's frequency (the default where they chose none)."""
    rows = await EmailPreference.filter(user_id=user_id)
    chosen = {row.kind: row.frequency for row in rows}
    return {kind: chosen.get(kind, DEFAULT_FREQUENCY) for kind in NotificationKind}


async def frequencies_for(
    conn: BaseDBAsyncClient, user_ids: Sequence[int]
) -> dict[tuple[int, NotificationKind], EmailFrequency]:
    """The non-default choices of these members, read on `conn` (the notifying transaction)."""
    rows = await EmailPreference.filter(user_id__in=list(set(user_ids))).using_db(conn)
    return {(row.user_id, row.kind): row.frequency for row in rows}


async def set_frequency(
    user_id: int, kinds: Sequence[NotificationKind], frequency: EmailFrequency
) -> None:
    """Set `kinds` to `frequency`: an update, else an insert that the unique key guards (a
    concurrent setter of the same kind wins the insert; then ours updates its row)."""
    now = clock.now()
    for kind in kinds:
        chosen = EmailPreference.filter(user_id=user_id, kind=kind)
        if await chosen.update(frequency=frequency, updated_at=now):
            continue
        try:
            await EmailPreference.create(
                user_id=user_id, kind=kind, frequency=frequency, updated_at=now
            )
        except IntegrityError:
            await chosen.update(frequency=frequency, updated_at=now)
