"""Reading users: their private fields (privacy from `models.privacy`) and relations."""

from __future__ import annotations

from models.privacy import is_self_or_admin
from models.responsiveness import Responsiveness
from models.users import Channel, User
from resolvers.context import Context

__all__ = ["channels_of", "email_of", "is_favorite", "languages_of", "responsiveness_of", "tags_of"]


def email_of(ctx: Context, user: User) -> str | None:
    return user.email if is_self_or_admin(ctx.viewer, user.id) else None


async def channels_of(ctx: Context, user: User) -> list[Channel] | None:
    if is_self_or_admin(ctx.viewer, user.id) or (
        user.is_mentor and await ctx.loaders.channels_revealed.load(user.id)
    ):
        return await ctx.loaders.channels.load(user.id)
    return None


async def tags_of(ctx: Context, user: User) -> list[str]:
    return await ctx.loaders.tags.load(user.id)


async def languages_of(ctx: Context, user: User) -> list[str]:
    return await ctx.loaders.languages.load(user.id)


async def is_favorite(ctx: Context, user: User) -> bool:
    return await ctx.loaders.is_favorite.load(user.id)


async def responsiveness_of(ctx: Context, user: User) -> Responsiveness | None:
    """Public for mentors (a reputation mentees rely on); null for other members."""
    return await ctx.loaders.responsiveness.load(user.id) if user.is_mentor else None
