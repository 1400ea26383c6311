"""Per-request DataLoaders: every relation read in one statement per batch, whatever the page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import cached_property, partial
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from mentorgraph.models.accounts.users import Channel, Favorite, User, UserLanguage, UserTag
from mentorgraph.models.directory.responsiveness import Responsiveness, responsiveness_of
from mentorgraph.models.graph.lineage import Lineage, lineage_of
from mentorgraph.models.policies import contacts_revealed_to
from mentorgraph.models.requests.feedback import MentorshipFeedback, Rating, ratings_of
from mentorgraph.models.requests.reminders import RequestReminder
from mentorgraph.models.requests.requests import (
    EventKind,
    MentorshipRequest,
    RequestEvent,
    RequestStatus,
)
from mentorgraph.models.sql import column_values
from mentorgraph.resolvers.requests import request_loaders

__all__ = ["Loaders"]

R = TypeVar("R", bound=Model)


async def _by_id(model: type[R], ids: Sequence[int]) -> list[R | None]:
    """The rows of `model` with these ids, in the order asked; None where there is none."""
    found = {row.id: row for row in await model.filter(id__in=list(ids))}  # type: ignore[attr-defined]
    return [found.get(i) for i in ids]


async def _users(ids: Sequence[int]) -> list[User | None]:
    return await _by_id(User, ids)


async def _values_per_user(
    model: type[Model], column: str, user_ids: Sequence[int]
) -> list[list[str]]:
    """Each user's `column` values, in their `position` order."""
    # Plain rows, not model objects: on every directory page, building models cost more than SQL.
    by_user: dict[int, list[str]] = defaultdict(list)
    rows = (
        await model.filter(user_id__in=list(user_ids))
        .order_by("user_id", "position")
        .values_list("user_id", column)
    )
    for user_id, value in rows:
        by_user[user_id].append(value)
    return [by_user[i] for i in user_ids]


async def _channels(user_ids: Sequence[int]) -> list[list[Channel]]:
    by_user: dict[int, list[Channel]] = defaultdict(list)
    rows = await Channel.filter(user_id__in=list(user_ids)).order_by("user_id", "position")
    for row in rows:
        by_user[row.user_id].append(row)  # type: ignore[attr-defined]
    return [by_user[i] for i in user_ids]


async def _per_request(model: type[R], request_ids: Sequence[int], **only: object) -> list[list[R]]:
    """Each request's rows of `model` (events of one kind, feedback), oldest first."""
    by_request: dict[int, list[R]] = defaultdict(list)
    for row in await model.filter(request_id__in=list(request_ids), **only).order_by("id"):
        by_request[row.request_id].append(row)  # type: ignore[attr-defined]
    return [by_request[i] for i in request_ids]


def _primed(
    load: Callable[[Sequence[int]], Awaitable[list[R | None]]], known: Mapping[int, R] | None
) -> DataLoader[int, R | None]:
    loader: DataLoader[int, R | None] = DataLoader(load)
    if known:
        loader.prime_many(known)
    return loader


class Loaders:
    """Created per operation (and per subscription event): a cache never outlives its viewer.

    Each loader is built on first use: a subscription event that touches two of them should
    not pay for nine (thousands of subscriptions each get a fresh `Loaders` per event).
    """

    def __init__(
        self,
        viewer: User | None,
        *,
        users: Mapping[int, User] | None = None,
        requests: Mapping[int, MentorshipRequest] | None = None,
        events: Mapping[int, RequestEvent] | None = None,
    ) -> None:
        self.viewer = viewer
        # Rows the caller just read: primed into their loader if it is ever built.
        self._known_users = users
        self._known_requests = requests
        self._known_events = events

    @cached_property
    def user(self) -> DataLoader[int, User | None]:
        return _primed(_users, self._known_users)

    @cached_property
    def tags(self) -> DataLoader[int, list[str]]:
        return DataLoader(partial(_values_per_user, UserTag, "tag"))

    @cached_property
    def languages(self) -> DataLoader[int, list[str]]:
        return DataLoader(partial(_values_per_user, UserLanguage, "language"))

    @cached_property
    def channels(self) -> DataLoader[int, list[Channel]]:
        return DataLoader(_channels)

    @cached_property
    def request(self) -> DataLoader[int, MentorshipRequest | None]:
        return _primed(partial(_by_id, MentorshipRequest), self._known_requests)

    @cached_property
    def event(self) -> DataLoader[int, RequestEvent | None]:
        return _primed(partial(_by_id, RequestEvent), self._known_events)

    @cached_property
    def history(self) -> DataLoader[int, list[RequestEvent]]:
        return DataLoader(partial(_per_request, RequestEvent, kind=EventKind.STATUS_CHANGE))

    @cached_property
    def thread(self) -> DataLoader[int, list[RequestEvent]]:
        return DataLoader(partial(_per_request, RequestEvent, kind=EventKind.MESSAGE))

    @cached_property
    def reminders(self) -> DataLoader[int, list[RequestReminder]]:
        return DataLoader(partial(_per_request, RequestReminder))

    @cached_property
    def is_favorite(self) -> DataLoader[int, bool]:
        return DataLoader(self._favorites)

    @cached_property
    def contact_revealed(self) -> DataLoader[int, bool]:
        return DataLoader(self._revealed)

    @cached_property
    def responsiveness(self) -> DataLoader[int, Responsiveness]:
        return DataLoader(responsiveness_of)

    # The request overviews of `User` (lifecycle), keyed by user id (pages: by `PageKey`).
    @cached_property
    def sent_counts(self) -> DataLoader[int, dict[RequestStatus, int]]:
        return DataLoader(partial(request_loaders.status_counts, "mentee_id"))

    @cached_property
    def received_counts(self) -> DataLoader[int, dict[RequestStatus, int]]:
        return DataLoader(partial(request_loaders.status_counts, "mentor_id"))

    @cached_property
    def request_pages(self) -> DataLoader[request_loaders.PageKey, list[MentorshipRequest]]:
        return DataLoader(self._request_pages)

    @cached_property
    def active_mentors(self) -> DataLoader[int, list[int]]:
        return DataLoader(partial(request_loaders.active_partners, "mentee_id"))

    @cached_property
    def active_mentees(self) -> DataLoader[int, list[int]]:
        return DataLoader(partial(request_loaders.active_partners, "mentor_id"))

    # The public aggregates of the mentorship graph, keyed by user id.
    @cached_property
    def lineage(self) -> DataLoader[int, Lineage]:
        return DataLoader(lineage_of)

    @cached_property
    def rating(self) -> DataLoader[int, Rating]:
        return DataLoader(ratings_of)

    @cached_property
    def feedback(self) -> DataLoader[int, list[MentorshipFeedback]]:
        return DataLoader(partial(_per_request, MentorshipFeedback))

    async def _request_pages(
        self, keys: Sequence[request_loaders.PageKey]
    ) -> list[list[MentorshipRequest]]:
        """The pages, and the users their callers will read on the items, primed into `user`:
        then each item's `mentor`/`mentee` is ready at once (`requests_read.user_now`) instead
        of a coroutine and a future per item. Same one user statement as the items would run.
        """
        pages = await request_loaders.request_pages(keys)
        wanted = {
            getattr(item, side)
            for key, page in zip(keys, pages, strict=True)
            for side in key.with_users
            for item in page
        }
        missing = [i for i in wanted if self.user.cache_map.get(i) is None]
        if missing:
            self.user.prime_many(dict(zip(missing, await _users(missing), strict=True)))
        return pages

    async def _favorites(self, mentor_ids: Sequence[int]) -> list[bool]:
        if self.viewer is None:
            return [False] * len(mentor_ids)
        favorites = column_values(
            await Favorite.filter(
                user_id=self.viewer.id, mentor_id__in=list(mentor_ids)
            ).values_list("mentor_id", flat=True),
            int,
        )
        return [i in favorites for i in mentor_ids]

    async def _revealed(self, user_ids: Sequence[int]) -> list[bool]:
        if self.viewer is None:
            return [False] * len(user_ids)
        revealed = await contacts_revealed_to(self.viewer.id, user_ids)
        return [i in revealed for i in user_ids]
