"""The records of members' safety (issue 16): who blocked whom, reports of members and
requests, and the audit of every admin action. The rules live beside them:
`models/safety/blocks.py`,
`models/safety/reports.py`, `models/safety/moderation.py`, `models/admin/audit.py`."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from mentorgraph.models.accounts.users import User

__all__ = [
    "AdminAuditEntry",
    "AuditAction",
    "MemberBlock",
    "MemberReport",
    "ReportCategory",
    "ReportStatus",
]


class MemberBlock(Model):
    """`blocker` blocked `blocked`: one row per pair (the unique pair decides concurrent
    blocks), gone when unblocked."""

    id = fields.IntField(primary_key=True)
    blocker: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    blocked: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()

    blocker_id: int
    blocked_id: int

    class Meta:
        table = "member_blocks"
        unique_together = (("blocker", "blocked"),)
        # The other way round: "has this member blocked me?" (request creation, contact).
        indexes = [("blocked_id", "blocker_id")]


class ReportCategory(StrEnum):
    HARASSMENT = "HARASSMENT"
    SPAM = "SPAM"
    INAPPROPRIATE = "INAPPROPRIATE"
    IMPERSONATION = "IMPERSONATION"
    SAFETY = "SAFETY"
    OTHER = "OTHER"


class ReportStatus(StrEnum):
    OPEN = "OPEN"
    DISMISSED = "DISMISSED"
    ACTIONED = "ACTIONED"


class MemberReport(Model):
    """A member's report of another member, or of a request (then `target_user` is its other
    side). One OPEN report per reporter and target: the partial unique index decides."""

    id = fields.IntField(primary_key=True)
    reporter: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    target_user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    # Set for a report of a request (no foreign key: the report outlives nothing it names).
    target_request_id = fields.IntField(null=True)
    # "user:<id>" or "request:<id>": what the one-open-report rule is about.
    target_key = fields.CharField(max_length=40)
    category = fields.CharEnumField(ReportCategory, max_length=16)
    reason = fields.TextField()
    status = fields.CharEnumField(ReportStatus, max_length=10, default=ReportStatus.OPEN)
    created_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True)
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    resolution_note = fields.TextField(null=True)

    reporter_id: int
    target_user_id: int
    resolved_by_id: int | None

    class Meta:
        table = "member_reports"
        indexes = [
            # The admin queue: by status, oldest first.
            ("status", "id"),
            ("target_user_id", "id"),
            # And `uniq_open_report_per_target` (reporter_id, target_key) WHERE status = 'OPEN',
            # created by migration 0014 in SQL (a partial unique index, both databases).
        ]


class AuditAction(StrEnum):
    """Every kind of admin action the audit records."""

    REVIEW_APPLICATION = "REVIEW_APPLICATION"
    SET_MENTOR_AVAILABILITY = "SET_MENTOR_AVAILABILITY"
    SEND_MENTOR_REMINDER = "SEND_MENTOR_REMINDER"
    DECLINE_REQUEST = "DECLINE_REQUEST"
    CANCEL_REQUEST = "CANCEL_REQUEST"
    DISMISS_REPORT = "DISMISS_REPORT"
    WARN_MEMBER = "WARN_MEMBER"
    SUSPEND_MEMBER = "SUSPEND_MEMBER"
    UNSUSPEND_MEMBER = "UNSUSPEND_MEMBER"
    BAN_MEMBER = "BAN_MEMBER"


class AdminAuditEntry(Model):
    """One admin action: who (`actor`), what (`action`, its target member, request or report),
    when, and why (the admin's own words, or the action's). Written in the action's own
    transaction, so an action and its record commit together. Never updated."""

    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharEnumField(AuditAction, max_length=32)
    target_user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    target_request_id = fields.IntField(null=True)
    target_report_id = fields.IntField(null=True)
    reason = fields.TextField(default="")
    occurred_at = fields.DatetimeField()

    actor_id: int | None
    target_user_id: int | None

    class Meta:
        table = "admin_audit"
        # Newest first, by each filter (`adminAuditLog(actor, action, target)`).
        indexes = [("actor_id", "id"), ("action", "id"), ("target_user_id", "id")]
