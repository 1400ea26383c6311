"""Per-request DataLoaders: every relation read in one statement per batch, whatever the page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import partial

from strawberry.dataloader import DataLoader

from models.feedback import MentorshipFeedback, Rating, ratings_of
from models.lineage import Lineage, lineage_of
from models.privacy import mentors_revealed_to
from models.requests import MentorshipRequest, RequestEvent, RequestStatus
from models.responsiveness import Responsiveness, responsiveness_of
from models.users import Channel, Favorite, User, UserLanguage, UserTag
from resolvers import request_loaders

__all__ = ["Loaders"]


async def _users(ids: Sequence[int]) -> list[User | None]:
    found = {u.id: u for u in await User.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def _tags(user_ids: Sequence[int]) -> list[list[str]]:
    by_user: dict[int, list[str]] = defaultdict(list)
    rows = await UserTag.filter(user_id__in=list(user_ids)).order_by("user_id", "position")
    for row in rows:
        by_user[row.user_id].append(row.tag)  # type: ignore[attr-defined]
    return [by_user[i] for i in user_ids]


async def _languages(user_ids: Sequence[int]) -> list[list[str]]:
    by_user: dict[int, list[str]] = defaultdict(list)
    rows = await UserLanguage.filter(user_id__in=list(user_ids)).order_by("user_id", "position")
    for row in rows:
        by_user[row.user_id].append(row.language)  # type: ignore[attr-defined]
    return [by_user[i] for i in user_ids]


async def _channels(user_ids: Sequence[int]) -> list[list[Channel]]:
    by_user: dict[int, list[Channel]] = defaultdict(list)
    rows = await Channel.filter(user_id__in=list(user_ids)).order_by("user_id", "position")
    for row in rows:
        by_user[row.user_id].append(row)  # type: ignore[attr-defined]
    return [by_user[i] for i in user_ids]


async def _requests(ids: Sequence[int]) -> list[MentorshipRequest | None]:
    found = {r.id: r for r in await MentorshipRequest.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def _events(ids: Sequence[int]) -> list[RequestEvent | None]:
    found = {e.id: e for e in await RequestEvent.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def _history(request_ids: Sequence[int]) -> list[list[RequestEvent]]:
    by_request: dict[int, list[RequestEvent]] = defaultdict(list)
    for event in await RequestEvent.filter(request_id__in=list(request_ids)).order_by("id"):
        by_request[event.request_id].append(event)
    return [by_request[i] for i in request_ids]


async def _feedback(request_ids: Sequence[int]) -> list[list[MentorshipFeedback]]:
    by_request: dict[int, list[MentorshipFeedback]] = defaultdict(list)
    for left in await MentorshipFeedback.filter(request_id__in=list(request_ids)).order_by("id"):
        by_request[left.request_id].append(left)
    return [by_request[i] for i in request_ids]


class Loaders:
    """Created per HTTP request (and per subscription event): a cache never outlives its viewer."""

    def __init__(self, viewer: User | None) -> None:
        self.viewer = viewer
        self.user: DataLoader[int, User | None] = DataLoader(_users)
        self.tags: DataLoader[int, list[str]] = DataLoader(_tags)
        self.languages: DataLoader[int, list[str]] = DataLoader(_languages)
        self.channels: DataLoader[int, list[Channel]] = DataLoader(_channels)
        self.request: DataLoader[int, MentorshipRequest | None] = DataLoader(_requests)
        self.event: DataLoader[int, RequestEvent | None] = DataLoader(_events)
        self.history: DataLoader[int, list[RequestEvent]] = DataLoader(_history)
        self.responsiveness: DataLoader[int, Responsiveness] = DataLoader(responsiveness_of)
        self.is_favorite: DataLoader[int, bool] = DataLoader(self._favorites)
        self.channels_revealed: DataLoader[int, bool] = DataLoader(self._revealed)
        # The request overviews of `User` (lifecycle): keyed by user id.
        self.sent_counts: DataLoader[int, dict[RequestStatus, int]] = DataLoader(
            partial(request_loaders.status_counts, "mentee_id")
        )
        self.received_counts: DataLoader[int, dict[RequestStatus, int]] = DataLoader(
            partial(request_loaders.status_counts, "mentor_id")
        )
        self.active_mentors: DataLoader[int, list[int]] = DataLoader(
            partial(request_loaders.active_partners, "mentee_id")
        )
        self.active_mentees: DataLoader[int, list[int]] = DataLoader(
            partial(request_loaders.active_partners, "mentor_id")
        )
        # The public aggregates of the mentorship graph, keyed by user id.
        self.lineage: DataLoader[int, Lineage] = DataLoader(lineage_of)
        self.rating: DataLoader[int, Rating] = DataLoader(ratings_of)
        self.feedback: DataLoader[int, list[MentorshipFeedback]] = DataLoader(_feedback)

    async def _favorites(self, mentor_ids: Sequence[int]) -> list[bool]:
        if self.viewer is None:
            return [False] * len(mentor_ids)
        favorites = set(
            await Favorite.filter(
                user_id=self.viewer.id, mentor_id__in=list(mentor_ids)
            ).values_list("mentor_id", flat=True)
        )
        return [i in favorites for i in mentor_ids]

    async def _revealed(self, mentor_ids: Sequence[int]) -> list[bool]:
        if self.viewer is None:
            return [False] * len(mentor_ids)
        revealed = await mentors_revealed_to(self.viewer.id, mentor_ids)
        return [i in revealed for i in mentor_ids]
