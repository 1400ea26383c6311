"""Reading users: their private fields (privacy from `models.privacy`) and relations."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence, Set

from models.privacy import is_self_or_admin
from models.responsiveness import Responsiveness
from models.users import Channel, User
from resolvers.context import Context
from resolvers.ready import now_or_later

__all__ = [
    "channels_of",
    "email_of",
    "has_room",
    "is_favorite",
    "languages_of",
    "open_slots_of",
    "preload",
    "responsiveness_of",
    "tags_of",
]


def email_of(ctx: Context, user: User) -> str | None:
    return user.email if is_self_or_admin(ctx.viewer, user.id) else None


async def channels_of(ctx: Context, user: User) -> list[Channel] | None:
    if is_self_or_admin(ctx.viewer, user.id) or (
        user.is_mentor and await ctx.loaders.channels_revealed.load(user.id)
    ):
        return await ctx.loaders.channels.load(user.id)
    return None


# Profile relations answer at once when the page loaded them ahead (`preload`), else they load.
def tags_of(ctx: Context, user: User) -> list[str] | Awaitable[list[str]]:
    return now_or_later(ctx.loaders.tags, user.id)


def languages_of(ctx: Context, user: User) -> list[str] | Awaitable[list[str]]:
    return now_or_later(ctx.loaders.languages, user.id)


async def is_favorite(ctx: Context, user: User) -> bool:
    return await ctx.loaders.is_favorite.load(user.id)


def responsiveness_of(
    ctx: Context, user: User
) -> Responsiveness | Awaitable[Responsiveness] | None:
    """Public for mentors (a reputation mentees rely on); null for other members."""
    return now_or_later(ctx.loaders.responsiveness, user.id) if user.is_mentor else None


async def open_slots_of(ctx: Context, user: User) -> int | None:
    """How many more mentees a mentor takes now (capacity less active mentees, never below
    0); null for members who are no mentor."""
    if not user.is_mentor:
        return None
    active = await ctx.loaders.active_mentees.load(user.id)
    return max(user.capacity - len(active), 0)


async def has_room(ctx: Context, user: User) -> bool:
    """Whether a mentee can ask this mentor now: an available mentor with an open slot."""
    if not user.is_mentor or not user.available:
        return False
    return bool(await open_slots_of(ctx, user))


async def preload(ctx: Context, users: Sequence[User], fields: Set[str]) -> None:
    """Load the public relations a page's query selects on its users, one batch statement
    each (the statements the fields would run), so that each field answers without waiting."""
    ids = [u.id for u in users]
    loads: list[Awaitable[object]] = []
    if "tags" in fields:
        loads.append(ctx.loaders.tags.load_many(ids))
    if "spokenLanguages" in fields:
        loads.append(ctx.loaders.languages.load_many(ids))
    mentor_ids = [u.id for u in users if u.is_mentor]
    if "responsiveness" in fields and mentor_ids:
        loads.append(ctx.loaders.responsiveness.load_many(mentor_ids))
    if loads:
        await asyncio.gather(*loads)
