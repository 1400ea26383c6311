"""A request's clock: when it expires, and the reminders its mentor was sent about it."""

from __future__ import annotations

from datetime import datetime

from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.ladder import expires_at
from mentorgraph.models.requests.reminders import RequestReminder
from mentorgraph.models.requests.requests import MentorshipRequest
from mentorgraph.resolvers.context import Context

__all__ = ["expires_at_of", "reminder_sender", "reminders_of"]


def expires_at_of(request: MentorshipRequest) -> datetime | None:
    return expires_at(request)


async def reminders_of(ctx: Context, request: MentorshipRequest) -> list[RequestReminder]:
    """Oldest first. The request is one the viewer may see (its mentor, mentee, or an admin)."""
    return await ctx.loaders.reminders.load(request.id)


async def reminder_sender(ctx: Context, reminder: RequestReminder) -> User | None:
    """The admin who sent a reminder by hand: admins only (null for the parties, and for the
    ladder's reminders)."""
    viewer = ctx.viewer
    if viewer is None or not viewer.is_admin or reminder.sent_by_id is None:
        return None
    return await ctx.loaders.user.load(reminder.sent_by_id)
