"""The viewer's notifications, unread count, marking them read, and email preferences."""

from __future__ import annotations

from collections.abc import Sequence

from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.notifications import inbox
from mentorgraph.models.notifications.email_preferences import (
    EmailFrequency,
    NotificationKind,
    preferences_of,
    set_frequency,
)
from mentorgraph.models.notifications.inbox import MAX_MARK_IDS, Notification
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.ids import decode_id_of
from mentorgraph.resolvers.pagination import NEWEST_FIRST, Page, Slice, keyset_page

__all__ = [
    "email_preferences",
    "mark_all_read",
    "mark_read",
    "notifications",
    "set_email_preference",
    "unread_count",
]


async def notifications(ctx: Context, page: Slice, *, unread_only: bool) -> Page[Notification]:
    """The viewer's own, newest first (nobody reads another member's, admins neither)."""
    viewer = ctx.require_viewer()
    return await keyset_page(
        inbox.notifications_of(viewer.id, unread_only=unread_only), NEWEST_FIRST, page
    )


async def unread_count(ctx: Context) -> int:
    return await inbox.unread_count(ctx.require_viewer().id)


async def mark_read(ctx: Context, ids: Sequence[str]) -> tuple[int, int]:
    """(how many went from unread to read, the unread count after)."""
    viewer = ctx.require_viewer()
    if len(ids) > MAX_MARK_IDS:  # before decoding: a long list costs nothing
        raise RuleViolation(
            ErrorCode.INVALID_INPUT, f"Mark at most {MAX_MARK_IDS} notifications at once.", ["ids"]
        )
    keys = [decode_id_of("Notification", i, "ids") for i in ids]
    marked = await inbox.mark_read(viewer, keys)
    return marked, await inbox.unread_count(viewer.id)


async def mark_all_read(ctx: Context) -> tuple[int, int]:
    viewer = ctx.require_viewer()
    marked = await inbox.mark_all_read(viewer)
    return marked, await inbox.unread_count(viewer.id)


async def email_preferences(ctx: Context) -> list[tuple[NotificationKind, EmailFrequency]]:
    chosen = await preferences_of(ctx.require_viewer().id)
    return list(chosen.items())


async def set_email_preference(
    ctx: Context, kind: NotificationKind, frequency: EmailFrequency
) -> list[tuple[NotificationKind, EmailFrequency]]:
    viewer = ctx.require_viewer()
    await set_frequency(viewer.id, [kind], frequency)
    return list((await preferences_of(viewer.id)).items())
