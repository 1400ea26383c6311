"""`User` fields as SQL over a `users` row (declared per field, `fields.py`): profile, private
fields (the policies' SQL forms), responsiveness, rating, request overviews, active mentorships
and favourites; and the small types only a user reaches (`Channel`, `Responsiveness`, `Rating`,
`RequestStatusCounts`)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType

import mentorgraph.resolvers.fast_reads.requests as requests_sql
from mentorgraph.models import json_sql as js
from mentorgraph.models.accounts.users import Favorite, User, UserLanguage, UserTag
from mentorgraph.models.directory.favorites import favorites_of_sql
from mentorgraph.models.directory.listing import offered_sql
from mentorgraph.models.directory.responsiveness import responsiveness_sql
from mentorgraph.models.graph.lineage import (
    lineage_size_sql,
    mentored_count_sql,
    was_mentee_here_sql,
)
from mentorgraph.models.policies import CONTACT, MENTOR_PUBLIC, SELF_OR_ADMIN
from mentorgraph.models.requests.feedback import rating_sql
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.sql import enum_list
from mentorgraph.resolvers.directory.favorites import FAVORITE_ORDER
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.connections import Page, connection, cursor_values, page_slice
from mentorgraph.resolvers.fast_reads.fields import object_sql, renders
from mentorgraph.resolvers.fast_reads.selection import Selected

__all__ = ["USERS", "one_user", "user_id", "user_object"]

USERS = User._meta.db_table
REQUESTS = MentorshipRequest._meta.db_table

_COLUMNS = {
    "name": "name",
    "title": "title",
    "bio": "bio",
    "avatarUrl": "avatar_url",
    "country": "country",
    "isMentor": "is_mentor",
    "available": "available",
    "capacity": "capacity",
}
# The user's side of a request for each overview field, and the other side.
_SIDES = {
    "sentRequests": "mentee_id",
    "receivedRequests": "mentor_id",
    "sentRequestCounts": "mentee_id",
    "receivedRequestCounts": "mentor_id",
    "activeMentors": "mentee_id",
    "activeMentees": "mentor_id",
}
_OTHER_SIDE = {"mentee_id": "mentor_id", "mentor_id": "mentee_id"}
_LINEAGE = {
    "mentoredCount": mentored_count_sql,
    "lineageSize": lineage_size_sql,
    "wasMenteeHere": was_mentee_here_sql,
}


def user_object(
    build: Build, selected: Selected, u: str, runtime: GraphQLObjectType | None = None
) -> str:
    """The `User` fields selected under `selected`, for the `users` row `u`."""
    return object_sql(build, selected, u, runtime)


def one_user(
    build: Build, selected: Selected, id_sql: str, runtime: GraphQLObjectType | None = None
) -> str:
    """The user whose id is `id_sql`, or null."""
    u = build.alias("u")
    user = user_object(build, selected, u, runtime)
    return f"(SELECT {user} FROM {USERS} {u} WHERE {u}.id = {id_sql})"


def user_id(u: str) -> str:
    """The subject of `SELF_OR_ADMIN` for the `users` row `u`."""
    return f"{u}.id"


# Private fields: the user's own (and admins'), null for everyone else.
_PRIVATE: dict[str, Any] = {"policy": SELF_OR_ADMIN, "subject": user_id}
_PAGED = ("first", "after", "last", "before")


@renders("User", "unavailableUntil")
def _unavailable_until(build: Build, child: Selected, u: str) -> str:
    return js.iso_timestamp(f"{u}.unavailable_until")


@renders("User", "openSlots")
def _open_slots_field(build: Build, child: Selected, u: str) -> str:
    """`mentorgraph.resolvers.accounts.users.open_slots_of`: null for members who are no mentor."""
    return f"CASE WHEN {u}.is_mentor THEN greatest({_open_slots(u)}, 0) END"


@renders("User", "hasRoom")
def _has_room(build: Build, child: Selected, u: str) -> str:
    return f"({offered_sql(u)} AND {_open_slots(u)} > 0)"


def _open_slots(u: str) -> str:
    """`mentorgraph.models.directory.directory.OPEN_SLOTS` over the row `u`."""
    return f"{u}.capacity - {_active_count(u)}"


def _active_count(u: str) -> str:
    approved = RequestStatus.APPROVED.value
    return f"(SELECT count(*) FROM {REQUESTS} WHERE mentor_id = {u}.id AND status = '{approved}')"


@renders("User", *_COLUMNS)
def _column(build: Build, child: Selected, u: str) -> str:
    return f"{u}.{_COLUMNS[child.name]}"


@renders("User", "id")
def _id(build: Build, child: Selected, u: str) -> str:
    return js.global_id("User", f"{u}.id")


@renders("User", "createdAt")
def _created_at(build: Build, child: Selected, u: str) -> str:
    return js.iso_timestamp(f"{u}.created_at")


@renders("User", "roles")
def _roles(build: Build, child: Selected, u: str) -> str:
    return js.roles(u)


@renders("User", "tags", "spokenLanguages")
def _profile_values(build: Build, child: Selected, u: str) -> str:
    return js.ordered_values(UserTag if child.name == "tags" else UserLanguage, f"{u}.id")


@renders("User", "isFavorite")
def _is_favorite(build: Build, child: Selected, u: str) -> str:
    return js.favorite(build.viewer, f"{u}.id")


@renders("User", *_LINEAGE, policy=MENTOR_PUBLIC)
def _lineage(build: Build, child: Selected, u: str) -> str:
    # Null for members who never became mentors (`graph.lineage_of`).
    return _LINEAGE[child.name](f"{u}.id")


@renders("User", "channels", policy=CONTACT)
def _channels(build: Build, child: Selected, u: str) -> str:
    return js.user_channels(f"{u}.id", object_sql(build, child, None))


@renders("User", "email", policy=CONTACT)
def _email(build: Build, child: Selected, u: str) -> str:
    return f"{u}.email"


@renders("User", "locale", **_PRIVATE)
def _locale(build: Build, child: Selected, u: str) -> str:
    return f"{u}.locale"


@renders("User", "emailVerified", **_PRIVATE)
def _email_verified(build: Build, child: Selected, u: str) -> str:
    return f"{u}.email_verified"


@renders("User", "sentRequests", "receivedRequests", arguments=(*_PAGED, "status"), **_PRIVATE)
def _request_list(build: Build, child: Selected, u: str) -> str:
    return requests_sql.request_list(build, child, u, _SIDES[child.name])


@renders("User", "sentRequestCounts", "receivedRequestCounts", **_PRIVATE)
def _counts(build: Build, child: Selected, u: str) -> str:
    """`RequestStatusCounts` (`schema/requests/request_overview.py::counts_of`)."""
    counts = object_sql(build, child, None)
    # HAVING makes it one aggregate row even when every count is skipped (`new @skip(...)`
    # leaves no aggregate in the object, and then one row per request was returned).
    return f"(SELECT {counts} FROM {REQUESTS} WHERE {_SIDES[child.name]} = {u}.id HAVING true)"


@renders("User", "activeMentors", "activeMentees", **_PRIVATE)
def _active_partners(build: Build, child: Selected, u: str) -> str:
    """The users on the other side of the user's APPROVED requests, oldest request first."""
    side = _SIDES[child.name]
    other, partner, r = _OTHER_SIDE[side], build.alias("u"), build.alias("r")
    person = user_object(build, child, partner)
    return (
        f"(SELECT coalesce(json_agg({person} ORDER BY {r}.id), '[]') FROM {REQUESTS} {r}"
        f" JOIN {USERS} {partner} ON {partner}.id = {r}.{other}"
        f" WHERE {r}.{side} = {u}.id AND {r}.status = '{RequestStatus.APPROVED.value}')"
    )


@renders("Channel", "type", "handle")
def _channel_field(build: Build, child: Selected, _row: None) -> str:
    return f"c.{child.name}"


@renders("User", "responsiveness", policy=MENTOR_PUBLIC)
def _responsiveness(build: Build, child: Selected, u: str) -> str:
    rs = build.alias("rs")
    record = object_sql(build, child, rs)
    return f"(SELECT {record} FROM {responsiveness_sql(f'{u}.id', build.since())} {rs})"


@renders("Responsiveness", "responseRate")
def _response_rate(build: Build, child: Selected, rs: str) -> str:
    return build.marker("rate", f"json_build_array({rs}.answered, {rs}.unanswered)")


@renders("Responsiveness", "medianResponseHours")
def _median_hours(build: Build, child: Selected, rs: str) -> str:
    return build.marker("hours", f"{rs}.median_hours")


@renders("Responsiveness", "lastActiveAt")
def _last_active(build: Build, child: Selected, rs: str) -> str:
    return js.iso_timestamp(f"{rs}.last_active_at")


@renders("Responsiveness", "openRequests", "activeMentees")
def _responsiveness_count(build: Build, child: Selected, rs: str) -> str:
    return f"{rs}.{'open_requests' if child.name == 'openRequests' else 'active_mentees'}"


@renders("User", "rating", policy=MENTOR_PUBLIC)
def _rating(build: Build, child: Selected, u: str) -> str:
    """A mentor's rating by their mentees (`feedback.rating_of`)."""
    rt = build.alias("rt")
    return f"(SELECT {object_sql(build, child, rt)} FROM {rating_sql(f'{u}.id')} {rt})"


@renders("Rating", "average")
def _average(build: Build, child: Selected, rt: str) -> str:
    return build.marker("average", f"json_build_array({rt}.total, {rt}.count)")


@renders("Rating", "count")
def _rating_count(build: Build, child: Selected, rt: str) -> str:
    return f"{rt}.count"


_PER_STATUS = {s.value.lower(): f"status = '{s.value}'" for s in RequestStatus}
_PER_STATUS["open"] = f"status IN ({enum_list(OPEN_STATUSES)})"


@renders("RequestStatusCounts", "total", *_PER_STATUS)
def _status_count(build: Build, child: Selected, _row: None) -> str:
    if child.name == "total":
        return "count(*)"
    return f"count(*) FILTER (WHERE {_PER_STATUS[child.name]})"


@renders("User", "favoriteMentors", arguments=_PAGED, **_PRIVATE)
def _favorite_mentors(build: Build, selected: Selected, u: str) -> str:
    """The user's favourite mentors, newest favourite first (`resolvers/directory/favorites.py`)."""
    arguments = build.arguments(selected)
    asked = page_slice(arguments)
    rows = favorites_of_sql(f"{u}.id")
    # Newest first: `after` bounds the ids from above, `before` from below.
    after = cursor_values(asked.after, Favorite, FAVORITE_ORDER)
    if after is not None:
        rows += f" AND fav.id < {build.param(after[0])}::bigint"
    before = cursor_values(asked.before, Favorite, FAVORITE_ORDER)
    if before is not None:
        rows += f" AND fav.id > {build.param(before[0])}::bigint"
    # `first: 0` reads nothing in the ordinary path, so hasNextPage is false there.
    size = asked.size
    limit = size + 1 if size else 0
    read = "ASC" if asked.backward else "DESC"
    x, mentor = build.alias("x"), build.alias("u")
    ranked = (
        f"(SELECT q.id, q.mentor_id, row_number() OVER (ORDER BY q.id {read}) AS n"
        f" FROM ({rows} ORDER BY fav.id {read} LIMIT {limit}) q) {x}"
        f" JOIN {USERS} {mentor} ON {mentor}.id = {x}.mentor_id"
    )
    page = Page(
        ranked=ranked,
        alias=x,
        slice=asked,
        item=lambda child: user_object(build, child, mentor),
        cursor=lambda: js.int_cursor([f"{x}.id"]),
        total=lambda: f"(SELECT count(*) FROM ({favorites_of_sql(f'{u}.id')}) favorites)",
    )
    return connection(build, selected, page)
