"""What a block hides from listings: neither member is listed or suggested to the other.

The blocked member does not find the blocker in the directory (nor its facet counts), the
spotlight, their recommendations or the mentors suggested to them by email; nor does the
blocker find the member they blocked. `models/safety/blocks.py` holds the block itself; this module
depends on the blocks table only, so every listing (`models/directory/directory.py`,
`models/directory/spotlight.py`, `models/directory/recommendation_data.py`,
`models/requests/suggestions.py`) and the compiled reads can use it without importing the lifecycle.

Each rule has its SQL form here, over SQL expressions for the listed user's id and the
viewer's id: the ordinary path gives the viewer's id as a literal integer, the compiled reads
`v.id` (the viewer's row of their statement), so a cached statement serves every viewer.
"""

from __future__ import annotations

from typing import cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q, RawSQL

from mentorgraph.models.accounts.users import User
from mentorgraph.models.safety.safety_records import MemberBlock

__all__ = ["BLOCKS", "block_between_sql", "blocked_either_way", "hidden_count", "viewer_sql"]

BLOCKS = MemberBlock._meta.db_table
USERS = User._meta.db_table


def viewer_sql(viewer: User | None) -> str | None:
    """The ordinary path's viewer id as SQL (an int, so a literal is safe); None: anonymous."""
    return None if viewer is None else str(int(viewer.id))


def block_between_sql(user_id: str, viewer_id: str) -> str:
    """Whether a block stands between the two, either way round: two probes, by the unique
    (blocker, blocked) pair and the (blocked, blocker) index."""
    return (
        f"EXISTS (SELECT 1 FROM {BLOCKS} hb"
        f" WHERE (hb.blocker_id = {user_id} AND hb.blocked_id = {viewer_id})"
        f" OR (hb.blocker_id = {viewer_id} AND hb.blocked_id = {user_id}))"
    )


def hidden_count(viewer_id: str) -> RawSQL:
    """An annotation over `users` rows for a Tortoise query (keep those where it is 0): 1 when
    a block stands between the row's user and the viewer. A number, not a boolean, so the
    same filter reads alike on PostgreSQL and SQLite."""
    between = block_between_sql(f"{USERS}.id", viewer_id)
    return RawSQL(f"(CASE WHEN {between} THEN 1 ELSE 0 END)")


async def blocked_either_way(conn: BaseDBAsyncClient | None, member_id: int) -> set[int]:
    """Everyone with a block between them and `member_id`, either way round (one statement by
    the pair index and its reverse)."""
    pairs = (
        await MemberBlock.filter(Q(blocker_id=member_id) | Q(blocked_id=member_id))
        .using_db(conn)
        .values_list("blocker_id", "blocked_id")
    )
    return {b if a == member_id else a for a, b in cast("list[tuple[int, int]]", pairs)}
