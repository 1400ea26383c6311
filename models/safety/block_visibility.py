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
from tortoise.expressions import Q, RawSQL, Subquery

from mentorgraph.models.accounts.users import User
from mentorgraph.models.safety.safety_records import MemberBlock

__all__ = ["BLOCKS", "block_between_sql", "blocked_either_way", "unblocked_q", "viewer_sql"]

BLOCKS = MemberBlock._meta.db_table
USERS = User._meta.db_table


def viewer_sql(viewer: User | None) -> str | None:
    """The ordinary path's viewer id as SQL (an int, so a literal is safe); None: anonymous."""
    return None if viewer is None else str(int(viewer.id))


def block_between_sql(user_id: str, viewer_id: str) -> str:
    """Whether a block stands between the two, either way round: `user_id` among the ids the
    viewer blocked or was blocked by (the unique (blocker, blocked) pair and the (blocked,
    blocker) index find them). The list depends on the viewer only, so over many listed rows
    PostgreSQL reads it once and hashes it (a per-row EXISTS probed the index twice a row: a
    signed-in directory or facet count over 10,000 mentors took 2-3x an anonymous one), and
    SQLite materialises it once."""
    return (
        f"{user_id} IN (SELECT hb.blocked_id FROM {BLOCKS} hb WHERE hb.blocker_id = {viewer_id}"
        f" UNION ALL SELECT hb.blocker_id FROM {BLOCKS} hb WHERE hb.blocked_id = {viewer_id})"
    )


def unblocked_q(viewer_id: str) -> Q:
    """A filter over `users` rows for a Tortoise query: no block between the row's user and the
    viewer, either way round (`block_between_sql`'s rule as two NOT IN lists, each read once
    and hashed). A filter PostgreSQL can estimate, where an annotation compared with a number
    was guessed to keep 0.5 % of the rows and sent the facet counts into a nested loop."""
    viewer = RawSQL(viewer_id)
    blocked = MemberBlock.filter(blocker_id=viewer).values("blocked_id")
    blockers = MemberBlock.filter(blocked_id=viewer).values("blocker_id")
    return ~Q(id__in=Subquery(blocked)) & ~Q(id__in=Subquery(blockers))


async def blocked_either_way(conn: BaseDBAsyncClient | None, member_id: int) -> set[int]:
    """Everyone with a block between them and `member_id`, either way round (one statement by
    the pair index and its reverse)."""
    pairs = (
        await MemberBlock.filter(Q(blocker_id=member_id) | Q(blocked_id=member_id))
        .using_db(conn)
        .values_list("blocker_id", "blocked_id")
    )
    return {b if a == member_id else a for a, b in cast("list[tuple[int, int]]", pairs)}
