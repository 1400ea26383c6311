"""addFavoriteMentor, removeFavoriteMentor and a user's favourite mentors."""

from __future__ import annotations

from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory import favorites
from mentorgraph.models.privacy import is_self_or_admin
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.ids import decode_id_of
from mentorgraph.resolvers.pagination import NEWEST_FIRST, Page, Slice, keyset_page

__all__ = ["add_favorite", "favorite_mentors", "remove_favorite"]

# Newest favourite first: favourites are numbered in the order they were added.
FAVORITE_ORDER = NEWEST_FIRST


async def add_favorite(ctx: Context, mentor_id: str) -> User:
    viewer = ctx.require_viewer()
    return await favorites.add_favorite(viewer, decode_id_of("User", mentor_id, "mentorId"))


async def remove_favorite(ctx: Context, mentor_id: str) -> User:
    viewer = ctx.require_viewer()
    return await favorites.remove_favorite(viewer, decode_id_of("User", mentor_id, "mentorId"))


async def favorite_mentors(ctx: Context, user: User, page: Slice) -> Page[User] | None:
    """`user`'s favourite mentors, for the user themself and admins; None for anyone else."""
    if not is_self_or_admin(ctx.viewer, user.id):
        return None
    kept_favorites = await keyset_page(favorites.favorites_of(user.id), FAVORITE_ORDER, page)
    # One statement for the whole page; the loader also serves the mentors' nested fields.
    mentors = await ctx.loaders.user.load_many(
        [f.mentor_id for f in kept_favorites.items]  # type: ignore[attr-defined]
    )
    # A mentor deleted between the two reads drops out, with its cursor.
    kept = [(m, c) for m, c in zip(mentors, kept_favorites.cursors, strict=True) if m is not None]
    return Page(
        items=[m for m, _ in kept],
        cursors=[c for _, c in kept],
        has_next_page=kept_favorites.has_next_page,
        has_previous_page=kept_favorites.has_previous_page,
        count=kept_favorites.count,
    )
