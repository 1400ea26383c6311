"""The audit of admin actions: who did what to whom, when and why, written in the action's own
transaction (an action and its record commit together, or neither), and read by admins
(`adminAuditLog`), newest first."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.safety.safety_records import AdminAuditEntry, AuditAction

__all__ = ["MAX_REASON", "entries", "record"]

# Reasons are the admin's words (bounded by the mutations) or the action's own.
MAX_REASON = 2000


async def record(
    conn: BaseDBAsyncClient | None,
    actor: User,
    action: AuditAction,
    *,
    reason: str | None = None,
    target_user_id: int | None = None,
    target_request_id: int | None = None,
    target_report_id: int | None = None,
) -> AdminAuditEntry:
    """One entry; in the caller's transaction `conn` (None: its own statement)."""
    return await AdminAuditEntry.create(
        actor_id=actor.id,
        action=action,
        reason=(reason or "")[:MAX_REASON],
        target_user_id=target_user_id,
        target_request_id=target_request_id,
        target_report_id=target_report_id,
        occurred_at=clock.now(),
        using_db=conn,
    )


def entries(
    *,
    actor_id: int | None = None,
    action: AuditAction | None = None,
    target_user_id: int | None = None,
) -> QuerySet[AdminAuditEntry]:
    """The entries matching every filter given (unordered; the caller pages newest first).
    Each filter alone is served by its `(column, id)` index."""
    found = AdminAuditEntry.all()
    if actor_id is not None:
        found = found.filter(actor_id=actor_id)
    if action is not None:
        found = found.filter(action=action)
    if target_user_id is not None:
        found = found.filter(target_user_id=target_user_id)
    return found
