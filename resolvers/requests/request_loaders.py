"""Batched reads behind the request overviews of `User`: one statement per relation and batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple, cast

from tortoise.functions import Count

from mentorgraph.models.requests.request_lists import Side, newest_per_user
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus

__all__ = ["PageKey", "Side", "active_partners", "request_pages", "status_counts"]
_OTHER: dict[Side, Side] = {"mentee_id": "mentor_id", "mentor_id": "mentee_id"}


async def status_counts(side: Side, user_ids: Sequence[int]) -> list[dict[RequestStatus, int]]:
    """Per user, how many of their requests (on `side`) are in each status: one GROUP BY."""
    rows = (
        await MentorshipRequest.filter(**{f"{side}__in": list(user_ids)})
        .annotate(n=Count("id"))
        .group_by(side, "status")
        .values(side, "status", "n")
    )
    by_user: dict[int, dict[RequestStatus, int]] = defaultdict(dict)
    for row in rows:
        by_user[row[side]][RequestStatus(row["status"])] = row["n"]
    return [by_user[i] for i in user_ids]


async def active_partners(side: Side, user_ids: Sequence[int]) -> list[list[int]]:
    """Per user, the ids on the other side of their APPROVED requests, oldest first."""
    other = _OTHER[side]
    rows = (
        await MentorshipRequest.filter(
            **{f"{side}__in": list(user_ids)}, status=RequestStatus.APPROVED
        )
        .order_by("id")
        .values_list(side, other)
    )
    by_user: dict[int, list[int]] = defaultdict(list)
    for user_id, partner_id in rows:
        by_user[user_id].append(partner_id)
    return [by_user[i] for i in user_ids]


class PageKey(NamedTuple):
    """One user's page of requests; keys that differ only in `user_id` share one statement."""

    side: Side
    statuses: tuple[RequestStatus, ...]
    limit: int
    # Ids strictly between (the list is newest first: `after` bounds from above).
    id_below: int | None
    id_above: int | None
    oldest_first: bool
    user_id: int
    # Whose users the caller reads on the items (not part of the statement).
    with_users: tuple[Side, ...] = ()


async def request_pages(keys: Sequence[PageKey]) -> list[list[MentorshipRequest]]:
    # Keys equal but for `user_id` (and `with_users`): one statement.
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for key in keys:
        groups[key[:6]].append(key.user_id)
    found: dict[tuple[object, ...], list[MentorshipRequest]] = {}
    for shared, user_ids in groups.items():
        side, statuses, limit, id_below, id_above, oldest_first = cast("_Shared", shared)
        by_user = await newest_per_user(
            side,
            user_ids,
            statuses=statuses,
            limit=limit,
            id_below=id_below,
            id_above=id_above,
            oldest_first=oldest_first,
        )
        for user_id in user_ids:
            found[(*shared, user_id)] = by_user.get(user_id, [])
    return [found[key[:7]] for key in keys]


_Shared = tuple[Side, tuple[RequestStatus, ...], int, int | None, int | None, bool]
