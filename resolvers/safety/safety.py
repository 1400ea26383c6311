"""Blocks, reports, the admins' queue and actions, the audit log and the member list: thin
calls into `models/` (the rules), after the viewer's right to ask (signed in, or admin)."""

from __future__ import annotations

from datetime import datetime

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.admin import audit, members
from mentorgraph.models.admin.members import MemberRole
from mentorgraph.models.errors import RuleViolation
from mentorgraph.models.requests.requests import MentorshipRequest
from mentorgraph.models.safety import blocks, moderation, reports
from mentorgraph.models.safety.safety_records import (
    AdminAuditEntry,
    AuditAction,
    MemberBlock,
    MemberReport,
    ReportCategory,
    ReportStatus,
)
from mentorgraph.models.safety.standing import MemberStatus
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.errors import BadUserInput
from mentorgraph.resolvers.ids import decode_id_of
from mentorgraph.resolvers.pagination import NEWEST_FIRST, Page, Slice, keyset_page

__all__ = [
    "OLDEST_FIRST",
    "admin_audit_log",
    "ban_member",
    "block_member",
    "blocked_members",
    "dismiss_report",
    "member_list",
    "report_member",
    "report_queue",
    "report_request",
    "suspend_member",
    "unblock_member",
    "unsuspend_member",
    "warn_member",
]

# The queue: what waits longest first.
OLDEST_FIRST = [("id", False)]


def _user(global_id: str, field: str = "userId") -> int:
    return decode_id_of("User", global_id, field)


def _report(global_id: str | None) -> int | None:
    return None if global_id is None else decode_id_of("MemberReport", global_id, "reportId")


async def block_member(ctx: Context, user_id: str) -> tuple[User, list[MentorshipRequest]]:
    return await blocks.block(ctx.require_viewer(), _user(user_id))


async def unblock_member(ctx: Context, user_id: str) -> User:
    return await blocks.unblock(ctx.require_viewer(), _user(user_id))


async def blocked_members(ctx: Context, page: Slice) -> Page[MemberBlock]:
    viewer = ctx.require_viewer()
    return await keyset_page(blocks.blocked_by(viewer.id), NEWEST_FIRST, page)


async def report_member(
    ctx: Context, user_id: str, category: ReportCategory, reason: str
) -> MemberReport:
    return await reports.report_member(ctx.require_viewer(), _user(user_id), category, reason)


async def report_request(
    ctx: Context, request_id: str, category: ReportCategory, reason: str
) -> MemberReport:
    viewer = ctx.require_viewer()
    pk = decode_id_of("MentorshipRequest", request_id, "requestId")
    return await reports.report_request(viewer, pk, category, reason)


async def report_queue(
    ctx: Context, status: ReportStatus | None, page: Slice
) -> Page[MemberReport]:
    ctx.require_admin()
    return await keyset_page(reports.queue(status), OLDEST_FIRST, page)


async def dismiss_report(ctx: Context, report_id: str, note: str | None) -> MemberReport:
    admin = ctx.require_admin()
    pk = decode_id_of("MemberReport", report_id, "reportId")
    return await reports.dismiss(admin, pk, _note(note))


def _note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > moderation.MAX_REASON:
        raise BadUserInput(f"'note' is at most {moderation.MAX_REASON} characters.", field="note")
    return text or None


async def warn_member(ctx: Context, user_id: str, reason: str, report_id: str | None) -> User:
    admin = ctx.require_admin()
    return await moderation.warn(admin, _user(user_id), reason, _report(report_id))


async def suspend_member(
    ctx: Context, user_id: str, until: datetime, reason: str, report_id: str | None
) -> tuple[User, list[MentorshipRequest]]:
    admin = ctx.require_admin()
    return await moderation.suspend(admin, _user(user_id), until, reason, _report(report_id))


async def ban_member(
    ctx: Context, user_id: str, reason: str, report_id: str | None
) -> tuple[User, list[MentorshipRequest]]:
    admin = ctx.require_admin()
    return await moderation.ban(admin, _user(user_id), reason, _report(report_id))


async def unsuspend_member(ctx: Context, user_id: str, reason: str) -> User:
    admin = ctx.require_admin()
    return await moderation.lift(admin, _user(user_id), reason)


async def admin_audit_log(
    ctx: Context,
    *,
    actor: str | None,
    action: AuditAction | None,
    target: str | None,
    page: Slice,
) -> Page[AdminAuditEntry]:
    ctx.require_admin()
    found = audit.entries(
        actor_id=None if actor is None else _user(actor, "actor"),
        action=action,
        target_user_id=None if target is None else _user(target, "target"),
    )
    return await keyset_page(found, NEWEST_FIRST, page)


def clean_member_search(search: str | None) -> str | None:
    """The search prefix, or BadUserInput (a client's fault: too long, control characters)."""
    try:
        return members.clean_search(search)
    except RuleViolation as exc:
        raise BadUserInput(exc.message, field="search") from None


async def member_list(
    ctx: Context,
    *,
    role: MemberRole | None,
    status: MemberStatus | None,
    search: str | None,
    page: Slice,
) -> Page[User]:
    ctx.require_admin()
    found = members.members(
        now=clock.now(), role=role, status=status, search=clean_member_search(search)
    )
    return await keyset_page(found, NEWEST_FIRST, page)
