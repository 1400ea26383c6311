"""The record of a mentor's availability being changed by someone else: the system (too many
expired requests) or an admin. Admins read it; the sweep reads it to count expiries only since
the mentor's last change."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from mentorgraph.models.accounts.users import User

__all__ = ["AvailabilityChange"]


class AvailabilityChange(Model):
    id = fields.IntField(primary_key=True)
    mentor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="availability_changes", on_delete=fields.CASCADE
    )
    available = fields.BooleanField()
    # The admin who changed it; NULL when the system did.
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User",
        related_name="availability_changes_made",
        null=True,
        on_delete=fields.SET_NULL,
    )
    reason = fields.TextField()
    occurred_at = fields.DatetimeField()

    mentor_id: int
    actor_id: int | None

    class Meta:
        table = "availability_changes"
        indexes = [("mentor_id", "id")]
