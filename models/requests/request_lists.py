"""The newest requests of many users at once: one statement for a whole page of users.

A nested `sentRequests` / `receivedRequests` under a list of users would otherwise run one keyset
query per user. A window function ranks each user's requests and keeps the first `limit` of each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.sql import enum_list

__all__ = ["Side", "newest_per_user"]

# Which side of the request the user is on: the mentee sent it, the mentor received it.
Side = Literal["mentee_id", "mentor_id"]


async def newest_per_user(
    side: Side,
    user_ids: Sequence[int],
    *,
    statuses: Sequence[RequestStatus],
    limit: int,
    id_below: int | None,
    id_above: int | None = None,
    oldest_first: bool = False,
) -> dict[int, list[MentorshipRequest]]:
    """Per user, up to `limit` of their requests with ids between `id_above` and `id_below`
    (exclusive), the newest first; the oldest first with `oldest_first` (a backward page of
    the newest-first list reads from its far end)."""
    if side not in ("mentee_id", "mentor_id"):
        raise ValueError(side)
    if not user_ids or limit <= 0:
        return {}
    # Every value is an int or a member of a closed enum, so inlining it is safe (and lets one
    # statement serve both SQL dialects without placeholder differences).
    where = [f"{side} IN ({', '.join(str(int(i)) for i in user_ids)})"]
    if statuses:
        where.append(f"status IN ({enum_list(RequestStatus(s) for s in statuses)})")
    if id_below is not None:
        where.append(f"id < {int(id_below)}")
    if id_above is not None:
        where.append(f"id > {int(id_above)}")
    direction = "ASC" if oldest_first else "DESC"
    # The whole rows in the same statement (not their ids, then the rows by id): a page of 50
    # mentors holds 5,000 requests, and a second statement with an IN list of 5,000 ids cost
    # more to build in Python than both statements cost in the database.
    columns = ", ".join(MentorshipRequest._meta.db_fields)
    sql = (
        f"SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER"
        f" (PARTITION BY {side} ORDER BY id {direction}) AS rank"
        f" FROM {MentorshipRequest._meta.db_table} WHERE {' AND '.join(where)}) AS ranked"
        f" WHERE rank <= {int(limit)} ORDER BY id {direction}"
    )
    requests: list[MentorshipRequest] = await MentorshipRequest.raw(sql)
    by_user: dict[int, list[MentorshipRequest]] = defaultdict(list)
    for request in requests:
        by_user[getattr(request, side)].append(request)
    return by_user
