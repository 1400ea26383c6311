"""Favourite mentors: a member's bookmarks in the directory."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from mentorgraph.models.accounts.users import Favorite, User
from mentorgraph.models.errors import ErrorCode, RuleViolation

__all__ = ["add_favorite", "favorites_of", "favorites_of_sql", "remove_favorite"]


def _not_found() -> RuleViolation:
    return RuleViolation(ErrorCode.NOT_FOUND, "There is no such mentor.", ["mentorId"])


async def add_favorite(user: User, mentor_id: int) -> User:
    """Adds `mentor_id` to `user`'s favourites; adding it again changes nothing."""
    mentor = await User.get_or_none(id=mentor_id, is_mentor=True)
    if mentor is None:
        raise _not_found()
    # The unique (user, mentor) constraint decides, not a check-then-insert: two concurrent adds
    # both succeed and leave one row.
    await Favorite.bulk_create(
        [Favorite(user_id=user.id, mentor_id=mentor.id)], ignore_conflicts=True
    )
    return mentor


async def remove_favorite(user: User, mentor_id: int) -> User:
    """Removes `mentor_id` from `user`'s favourites; removing an absent one changes nothing."""
    target = await User.get_or_none(id=mentor_id)
    removed = await Favorite.filter(user_id=user.id, mentor_id=mentor_id).delete()
    # Someone who stopped mentoring can still be removed, but is not a mentor to name otherwise.
    if target is None or not (target.is_mentor or removed):
        raise _not_found()
    return target


def favorites_of(user_id: int) -> QuerySet[Favorite]:
    """`user_id`'s favourites of people who still mentor (unordered; the caller pages it)."""
    return Favorite.filter(user_id=user_id, mentor__is_mentor=True)


def favorites_of_sql(user_id_sql: str) -> str:
    """`favorites_of` in PostgreSQL, for the fast read path: the favourites' `id` and
    `mentor_id` (a WHERE clause may follow)."""
    favorites, users = Favorite._meta.db_table, User._meta.db_table
    return (
        f"SELECT fav.id, fav.mentor_id FROM {favorites} fav JOIN {users} favored"
        f" ON favored.id = fav.mentor_id WHERE fav.user_id = {user_id_sql} AND favored.is_mentor"
    )
