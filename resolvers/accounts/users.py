"""Reading users: their private fields (privacy from `mentorgraph.models.policies`) and
relations."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence, Set
from datetime import datetime

from mentorgraph.models.accounts.users import Channel, User
from mentorgraph.models.directory.listing import offered
from mentorgraph.models.directory.responsiveness import Responsiveness
from mentorgraph.models.policies import ADMIN_ONLY, MENTOR_PUBLIC, contact_visible, is_self_or_admin
from mentorgraph.models.safety import standing
from mentorgraph.models.safety.standing import MemberStatus
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.ready import now_or_later

__all__ = [
    "channels_of",
    "email_of",
    "email_verified_of",
    "has_room",
    "is_favorite",
    "languages_of",
    "locale_of",
    "open_slots_of",
    "preload",
    "responsiveness_of",
    "status_of",
    "suspended_until_of",
    "tags_of",
]


def email_of(ctx: Context, user: User) -> str | Awaitable[str | None] | None:
    """At once for the user themself, admins and anonymous viewers; a partner's (the `CONTACT`
    policy) after one batched look-up."""
    if ctx.viewer is None or is_self_or_admin(ctx.viewer, user.id):
        return user.email if contact_visible(ctx.viewer, user, revealed=False) else None
    return _partner_email(ctx, user)


async def _partner_email(ctx: Context, user: User) -> str | None:
    return user.email if await _contact_visible(ctx, user) else None


def status_of(ctx: Context, user: User) -> MemberStatus | None:
    return standing.status_of(user) if ADMIN_ONLY.python(ctx.viewer) else None


def suspended_until_of(ctx: Context, user: User) -> datetime | None:
    """Admins: the end of a suspension still running (a past one is no suspension)."""
    if not ADMIN_ONLY.python(ctx.viewer) or standing.status_of(user) != MemberStatus.SUSPENDED:
        return None
    return user.suspended_until


def locale_of(ctx: Context, user: User) -> str | None:
    return user.locale if is_self_or_admin(ctx.viewer, user.id) else None


def email_verified_of(ctx: Context, user: User) -> bool | None:
    return user.email_verified if is_self_or_admin(ctx.viewer, user.id) else None


async def channels_of(ctx: Context, user: User) -> list[Channel] | None:
    if await _contact_visible(ctx, user):
        return await ctx.loaders.channels.load(user.id)
    return None


async def _contact_visible(ctx: Context, user: User) -> bool:
    """The `CONTACT` policy, its partner look-up batched (and skipped when it cannot matter)."""
    revealed = (
        ctx.viewer is not None
        and not is_self_or_admin(ctx.viewer, user.id)
        and await ctx.loaders.contact_revealed.load(user.id)
    )
    return contact_visible(ctx.viewer, user, bool(revealed))


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
    if not MENTOR_PUBLIC.python(ctx.viewer, user):
        return None
    return now_or_later(ctx.loaders.responsiveness, user.id)


async def open_slots_of(ctx: Context, user: User) -> int | None:
    """How many more mentees a mentor takes now (capacity less active mentees, never below
    0); null for members who are no mentor."""
    if not user.is_mentor:
        return None
    active = await ctx.loaders.active_mentees.load(user.id)
    return max(user.capacity - len(active), 0)


async def has_room(ctx: Context, user: User) -> bool:
    """Whether a mentee can ask this mentor now: an available mentor with an open slot."""
    if not offered(user):
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
