"""Batched reads behind the request overviews of `User`: one statement per relation and batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

from tortoise.functions import Count

from models.requests import MentorshipRequest, RequestStatus

__all__ = ["active_partners", "status_counts"]

# Which side of the request the user is on: the mentee sent it, the mentor received it.
Side = Literal["mentee_id", "mentor_id"]
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
