"""PostgreSQL expressions that render values inside the database exactly as the ordinary read
path serialises them, for the fast read path (`resolvers/fast_reads/`), which has PostgreSQL
build a whole answer as JSON.

Every expression here has a Python twin that the ordinary path uses; the differential tests
(`tests/api/test_fast_reads_differential.py`) hold the two to identical output.
"""

from __future__ import annotations

from collections.abc import Sequence

from mentorgraph.models.accounts.users import Channel, Favorite, Role, UserLanguage, UserTag

__all__ = [
    "favorite",
    "global_id",
    "int_cursor",
    "iso_timestamp",
    "ordered_values",
    "roles",
    "user_channels",
]


def _base64url(text_sql: str) -> str:
    # base64 without padding, URL alphabet, as `base64.urlsafe_b64encode(...).rstrip("=")`.
    # PostgreSQL's `encode(..., 'base64')` breaks lines every 76 characters: remove them.
    return (
        f"rtrim(translate(encode(convert_to({text_sql}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')"
    )


def global_id(type_name: str, pk_sql: str) -> str:
    """`mentorgraph.resolvers.ids.encode_global_id` (type names are identifiers: safe to inline)."""
    assert type_name.isidentifier()
    return _base64url(f"'{type_name}:' || {pk_sql}")


def int_cursor(keys_sql: Sequence[str]) -> str:
    """`mentorgraph.resolvers.pagination.encode_cursor` of integer keys: base64url of `[1,2]`.

    NULL when the first key is NULL (an empty page has no end cursor)."""
    joined = " || ',' || ".join(keys_sql)
    return _base64url(f"'[' || {joined} || ']'")


def iso_timestamp(column_sql: str) -> str:
    """`datetime.isoformat()` of a UTC timestamp: microseconds only when not zero, `+00:00`."""
    utc = f"({column_sql} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN extract(microseconds FROM {utc})::bigint % 1000000 = 0 THEN ''"
        f" ELSE to_char({utc}, '.US') END || '+00:00')"
    )


def ordered_values(model: type[UserTag] | type[UserLanguage], user_id_sql: str) -> str:
    """A user's tags or languages, most important first, as a JSON array (never null)."""
    column = "tag" if model is UserTag else "language"
    table = model._meta.db_table
    return (
        f"(SELECT coalesce(json_agg(v.{column} ORDER BY v.position, v.id), '[]')"
        f" FROM {table} v WHERE v.user_id = {user_id_sql})"
    )


def user_channels(user_id_sql: str, fields_sql: str) -> str:
    """A user's channels in their order; `fields_sql` builds one from the row `c`."""
    return (
        f"(SELECT coalesce(json_agg({fields_sql} ORDER BY c.position, c.id), '[]')"
        f" FROM {Channel._meta.db_table} c WHERE c.user_id = {user_id_sql})"
    )


def favorite(viewer: str | None, mentor_id_sql: str) -> str:
    """Whether the viewer (the alias of their `users` row; None when anonymous) keeps the mentor
    among their favourites."""
    if viewer is None:
        return "false"
    return (
        f"EXISTS (SELECT 1 FROM {Favorite._meta.db_table} f"
        f" WHERE f.user_id = {viewer}.id AND f.mentor_id = {mentor_id_sql})"
    )


def roles(user_alias: str) -> str:
    """`User.roles`: MEMBER always, then MENTOR and ADMIN when held, as a JSON array."""
    return (
        f"""('["{Role.MEMBER.value}"'"""
        f""" || CASE WHEN {user_alias}.is_mentor THEN ',"{Role.MENTOR.value}"' ELSE '' END"""
        f""" || CASE WHEN {user_alias}.is_admin THEN ',"{Role.ADMIN.value}"' ELSE '' END"""
        " || ']')::json"
    )
