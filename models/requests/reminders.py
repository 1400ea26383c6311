"""Reminders sent to a mentor about one unanswered request.

The ladder's reminders carry their step (`number` 1 or 2): the unique index on
(request, number) is what makes each step happen once per request, however many sweeps overlap.
Reminders an admin sends by hand have no number (NULLs never collide), and are limited to one a
day per request by the rule in `models/requests/ladder.py`.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import MentorshipRequest

__all__ = ["RequestReminder"]


class RequestReminder(Model):
    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[MentorshipRequest] = fields.ForeignKeyField(
        "models.MentorshipRequest", related_name="reminders", on_delete=fields.CASCADE
    )
    # 1 or 2 for the ladder's steps; NULL for a reminder an admin sent by hand.
    number = fields.SmallIntField(null=True)
    # The admin who sent it by hand; NULL when the system did.
    sent_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reminders_sent", null=True, on_delete=fields.SET_NULL
    )
    sent_at = fields.DatetimeField()

    request_id: int
    sent_by_id: int | None

    class Meta:
        table = "request_reminders"
        unique_together = (("request", "number"),)
        indexes = [("request_id", "sent_at")]
