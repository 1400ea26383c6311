"""Mentorship requests and their audit trail (one `RequestEvent` per status change)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import PartialIndex
from tortoise.models import Model

from mentorgraph.models.accounts.users import User

__all__ = [
    "SYSTEM_DECLINE_REASONS",
    "DeclineReason",
    "EventKind",
    "MentorshipRequest",
    "RequestEvent",
    "RequestStatus",
]


class RequestStatus(StrEnum):
    NEW = "NEW"
    VIEWED = "VIEWED"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"
    COMPLETED = "COMPLETED"


class DeclineReason(StrEnum):
    NOT_A_GOOD_FIT = "NOT_A_GOOD_FIT"
    NO_CAPACITY = "NO_CAPACITY"
    NOT_ENOUGH_INFORMATION = "NOT_ENOUGH_INFORMATION"
    OUT_OF_EXPERTISE = "OUT_OF_EXPERTISE"
    MENTOR_INACTIVE = "MENTOR_INACTIVE"
    # The mentor closed their account (`lifecycle.close_requests_of_leaving`).
    ACCOUNT_CLOSED = "ACCOUNT_CLOSED"
    OTHER = "OTHER"


# The reasons only the system gives: never a mentor's choice (the email answer page, the demo).
SYSTEM_DECLINE_REASONS = frozenset({DeclineReason.MENTOR_INACTIVE, DeclineReason.ACCOUNT_CLOSED})


class EventKind(StrEnum):
    """What a `RequestEvent` records: a status change, or a message of the request's thread
    (`mentorgraph.models.requests.request_messages`; its text is the note, the status stays as it
    was)."""

    STATUS_CHANGE = "STATUS_CHANGE"
    MESSAGE = "MESSAGE"


class MentorshipRequest(Model):
    id = fields.IntField(primary_key=True)
    mentor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="received_requests", on_delete=fields.CASCADE
    )
    mentee: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sent_requests", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(RequestStatus, max_length=16, default=RequestStatus.NEW)
    message = fields.TextField()
    background = fields.TextField()
    expectation = fields.TextField()
    decline_reason = fields.CharEnumField(DeclineReason, max_length=32, null=True)
    response_message = fields.TextField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    viewed_at = fields.DatetimeField(null=True)
    responded_at = fields.DatetimeField(null=True)

    mentor_id: int
    mentee_id: int

    class Meta:
        table = "mentorship_requests"
        indexes = [
            # A user's sent / received lists, filtered by status, newest first (keyset on id).
            ("mentee_id", "status", "id"),
            ("mentor_id", "status", "id"),
            # A mentor's newest requests of any status: a seek, not all of a busy mentor's
            # thousands of requests sorted (a mentee has a few, served well by the one above).
            ("mentor_id", "id"),
            # Sweeps and the admin's view: open requests by age.
            ("status", "created_at"),
        ]


class RequestEvent(Model):
    # The primary key doubles as the ordered cursor of the audit trail and of subscriptions.
    id = fields.BigIntField(primary_key=True)
    request: fields.ForeignKeyRelation[MentorshipRequest] = fields.ForeignKeyField(
        "models.MentorshipRequest", related_name="events", on_delete=fields.CASCADE, db_index=True
    )
    from_status = fields.CharEnumField(RequestStatus, max_length=16, null=True)
    to_status = fields.CharEnumField(RequestStatus, max_length=16)
    # NULL when the system acted (expiry, automatic declines).
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="request_events", null=True, on_delete=fields.SET_NULL
    )
    occurred_at = fields.DatetimeField()
    note = fields.TextField(null=True)
    # A database default too: the rows written before threads existed are status changes.
    kind = fields.CharEnumField(
        EventKind,
        max_length=16,
        default=EventKind.STATUS_CHANGE,
        db_default=EventKind.STATUS_CHANGE.value,
    )

    request_id: int
    actor_id: int | None

    class Meta:
        table = "request_events"
        # The sweep's recent expiries and their requests (`set_silent_mentors_unavailable`),
        # from the index alone instead of the whole audit trail every minute; only expiries
        # are indexed, a small part of it.
        indexes = [
            PartialIndex(
                fields=["occurred_at", "request_id"],
                condition={"to_status": RequestStatus.EXPIRED.value},
            ),
            # An author's recent messages, for the flood throttle
            # (`mentorgraph.models.requests.request_messages`).
            PartialIndex(
                fields=["actor_id", "occurred_at"],
                condition={"kind": EventKind.MESSAGE.value},
            ),
        ]
