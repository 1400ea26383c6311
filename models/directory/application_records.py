"""Applications to become a mentor, reviewed by an admin."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from mentorgraph.models.accounts.users import User

__all__ = ["ApplicationStatus", "MentorApplication"]


class ApplicationStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class MentorApplication(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="mentor_applications", on_delete=fields.CASCADE, db_index=True
    )
    motivation = fields.TextField()
    status = fields.CharEnumField(
        ApplicationStatus, max_length=16, default=ApplicationStatus.PENDING
    )
    decision_reason = fields.TextField(null=True)
    reviewer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reviewed_applications", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    user_id: int
    reviewer_id: int | None

    class Meta:
        table = "mentor_applications"
        indexes = [("status", "id")]
