"""The safety enums (issue 16), apart from their types so `User` can use `MemberStatus`."""

from __future__ import annotations

from mentorgraph.models.admin.members import MemberRole as MemberRoleEnum
from mentorgraph.models.safety.safety_records import AuditAction as AuditActionEnum
from mentorgraph.models.safety.safety_records import ReportCategory as ReportCategoryEnum
from mentorgraph.models.safety.safety_records import ReportStatus as ReportStatusEnum
from mentorgraph.models.safety.standing import MemberStatus as MemberStatusEnum
from mentorgraph.schema.documentation import described_enum

__all__ = ["AuditAction", "MemberRole", "MemberStatus", "ReportCategory", "ReportStatus"]

MemberStatus = described_enum(
    MemberStatusEnum,
    name="MemberStatus",
    description="A member's standing in the community: the first that holds of BANNED,"
    " SUSPENDED, DELETED, DELETION_PENDING, UNVERIFIED, else ACTIVE.",
    values={
        "ACTIVE": "May sign in and take part.",
        "SUSPENDED": "May not sign in until `suspendedUntil`; then ACTIVE again by itself.",
        "BANNED": "May not sign in until an admin lifts the ban.",
        "UNVERIFIED": "Has not confirmed their email address yet: may sign in, sends no"
        " requests and is not listed.",
        "DELETION_PENDING": "Asked to delete their account: not listed; may sign in and cancel"
        " until the grace period ends.",
        "DELETED": 'The account was deleted: anonymised ("Deleted member"), its records kept.',
    },
)
MemberRole = described_enum(
    MemberRoleEnum,
    name="MemberRole",
    description="Which members to list.",
    values={
        "MEMBER": "Members who are neither mentors nor admins.",
        "MENTOR": "Mentors.",
        "ADMIN": "Admins.",
    },
)
ReportCategory = described_enum(
    ReportCategoryEnum,
    name="ReportCategory",
    description="What a report is about.",
    values={
        "HARASSMENT": "Harassment or abuse.",
        "SPAM": "Spam or advertising.",
        "INAPPROPRIATE": "Inappropriate content.",
        "IMPERSONATION": "Pretending to be someone else.",
        "SAFETY": "A risk to someone's safety.",
        "OTHER": "Something else, said in the reason.",
    },
)
ReportStatus = described_enum(
    ReportStatusEnum,
    name="ReportStatus",
    description="Where a report stands in the admins' queue.",
    values={
        "OPEN": "Waiting for an admin.",
        "DISMISSED": "An admin found nothing to act on.",
        "ACTIONED": "An admin warned, suspended or banned the member.",
    },
)
AuditAction = described_enum(
    AuditActionEnum,
    name="AuditAction",
    description="What an admin did (`adminAuditLog`).",
    values={
        "REVIEW_APPLICATION": "Approved or rejected a mentor application.",
        "SET_MENTOR_AVAILABILITY": "Set a mentor available or unavailable.",
        "SEND_MENTOR_REMINDER": "Reminded a mentor of an unanswered request.",
        "DECLINE_REQUEST": "Declined a request as an admin.",
        "CANCEL_REQUEST": "Cancelled a request as an admin.",
        "DISMISS_REPORT": "Dismissed a report.",
        "WARN_MEMBER": "Warned a member.",
        "SUSPEND_MEMBER": "Suspended a member until a time.",
        "UNSUSPEND_MEMBER": "Lifted a member's suspension or ban.",
        "BAN_MEMBER": "Banned a member.",
    },
)
