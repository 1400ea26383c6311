"""`User` fields as SQL over a `users` row: profile, private fields (with the privacy rules'
SQL twins), responsiveness, request overviews and active mentorships."""

from __future__ import annotations

from graphql import GraphQLObjectType

import resolvers.fast_reads.requests as requests_sql
from models import json_sql as js
from models.favorites import favorites_of_sql
from models.feedback import rating_sql
from models.lineage import lineage_size_sql, mentored_count_sql, was_mentee_here_sql
from models.privacy import channels_visible_sql, is_self_or_admin_sql
from models.request_guards import OPEN_STATUSES
from models.requests import MentorshipRequest, RequestStatus
from models.responsiveness import responsiveness_sql
from models.sql import enum_list
from models.users import Favorite, User, UserLanguage, UserTag
from resolvers.fast_reads.build import Build, each
from resolvers.fast_reads.connections import Page, connection, cursor_values, page_slice
from resolvers.fast_reads.selection import Selected, Unsupported
from resolvers.favorites import FAVORITE_ORDER

__all__ = ["USERS", "one_user", "user_object"]

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
    return each(build, selected, lambda child: _field(build, child, u), runtime)


def one_user(
    build: Build, selected: Selected, id_sql: str, runtime: GraphQLObjectType | None = None
) -> str:
    """The user whose id is `id_sql`, or null."""
    u = build.alias("u")
    user = user_object(build, selected, u, runtime)
    return f"(SELECT {user} FROM {USERS} {u} WHERE {u}.id = {id_sql})"


def _field(build: Build, child: Selected, u: str) -> str:
    name = child.name
    if name in _COLUMNS:
        return f"{u}.{_COLUMNS[name]}"
    if name == "id":
        return js.global_id("User", f"{u}.id")
    if name == "createdAt":
        return js.iso_timestamp(f"{u}.created_at")
    if name == "unavailableUntil":
        return js.iso_timestamp(f"{u}.unavailable_until")
    if name == "openSlots":
        # `resolvers.users.open_slots_of`: null for members who are no mentor.
        return f"CASE WHEN {u}.is_mentor THEN greatest({_open_slots(u)}, 0) END"
    if name == "hasRoom":
        return f"({u}.is_mentor AND {u}.available AND {_open_slots(u)} > 0)"
    if name == "roles":
        return js.roles(u)
    if name == "tags":
        return js.ordered_values(UserTag, f"{u}.id")
    if name == "spokenLanguages":
        return js.ordered_values(UserLanguage, f"{u}.id")
    if name == "isFavorite":
        return js.favorite(build.viewer, f"{u}.id")
    if name == "responsiveness":
        return _responsiveness(build, child, u)
    if name in _LINEAGE:
        # Public for mentors; null for members who never became one (`graph.lineage_of`).
        return f"CASE WHEN {u}.is_mentor THEN {_LINEAGE[name](f'{u}.id')} END"
    if name == "rating":
        return _rating(build, child, u)
    if name == "channels":
        channel = each(build, child, _channel_field)
        return (
            f"CASE WHEN {channels_visible_sql(build.viewer, u)}"
            f" THEN {js.user_channels(f'{u}.id', channel)} END"
        )
    # The rest is the user's own (and admins'): null for everyone else.
    visible = is_self_or_admin_sql(build.viewer, f"{u}.id")
    if name == "email":
        return f"CASE WHEN {visible} THEN {u}.email END"
    if name in ("sentRequests", "receivedRequests"):
        page = requests_sql.request_list(build, child, u, _SIDES[name])
        return f"CASE WHEN {visible} THEN {page} END"
    if name in ("sentRequestCounts", "receivedRequestCounts"):
        return f"CASE WHEN {visible} THEN {_status_counts(build, child, u, _SIDES[name])} END"
    if name in ("activeMentors", "activeMentees"):
        return f"CASE WHEN {visible} THEN {_active_partners(build, child, u, _SIDES[name])} END"
    if name == "favoriteMentors":
        return f"CASE WHEN {visible} THEN {_favorite_mentors(build, child, u)} END"
    raise Unsupported(f"User.{name}")


def _open_slots(u: str) -> str:
    """`models.directory.OPEN_SLOTS` over the row `u`."""
    return f"{u}.capacity - {_active_count(u)}"


def _active_count(u: str) -> str:
    approved = RequestStatus.APPROVED.value
    return f"(SELECT count(*) FROM {REQUESTS} WHERE mentor_id = {u}.id AND status = '{approved}')"


def _channel_field(child: Selected) -> str:
    if child.name in ("type", "handle"):
        return f"c.{child.name}"
    raise Unsupported(f"Channel.{child.name}")


def _responsiveness(build: Build, selected: Selected, u: str) -> str:
    rs = build.alias("rs")

    def field_sql(child: Selected) -> str:
        name = child.name
        if name == "responseRate":
            return build.marker("rate", f"json_build_array({rs}.answered, {rs}.unanswered)")
        if name == "medianResponseHours":
            return build.marker("hours", f"{rs}.median_hours")
        if name == "lastActiveAt":
            return js.iso_timestamp(f"{rs}.last_active_at")
        if name == "openRequests":
            return f"{rs}.open_requests"
        if name == "activeMentees":
            return f"{rs}.active_mentees"
        raise Unsupported(f"Responsiveness.{name}")

    record = each(build, selected, field_sql)
    source = responsiveness_sql(f"{u}.id", build.since())
    # Public for mentors, null for other members (`resolvers.users.responsiveness_of`).
    return f"CASE WHEN {u}.is_mentor THEN (SELECT {record} FROM {source} {rs}) END"


def _rating(build: Build, selected: Selected, u: str) -> str:
    """A mentor's rating by their mentees (`feedback.rating_of`); null for other members."""
    rt = build.alias("rt")

    def field_sql(child: Selected) -> str:
        if child.name == "average":
            return build.marker("average", f"json_build_array({rt}.total, {rt}.count)")
        if child.name == "count":
            return f"{rt}.count"
        raise Unsupported(f"Rating.{child.name}")

    rating = each(build, selected, field_sql)
    return f"CASE WHEN {u}.is_mentor THEN (SELECT {rating} FROM {rating_sql(f'{u}.id')} {rt}) END"


def _status_counts(build: Build, selected: Selected, u: str, side: str) -> str:
    """`RequestStatusCounts` (`schema/types/request_overview.py::counts_of`)."""
    per_status = {s.value.lower(): f"status = '{s.value}'" for s in RequestStatus}
    per_status["open"] = f"status IN ({enum_list(OPEN_STATUSES)})"

    def field_sql(child: Selected) -> str:
        if child.name == "total":
            return "count(*)"
        if child.name in per_status:
            return f"count(*) FILTER (WHERE {per_status[child.name]})"
        raise Unsupported(f"RequestStatusCounts.{child.name}")

    counts = each(build, selected, field_sql)
    return f"(SELECT {counts} FROM {REQUESTS} WHERE {side} = {u}.id)"


def _active_partners(build: Build, selected: Selected, u: str, side: str) -> str:
    """The users on the other side of the user's APPROVED requests, oldest request first."""
    other, partner, r = _OTHER_SIDE[side], build.alias("u"), build.alias("r")
    person = user_object(build, selected, partner)
    return (
        f"(SELECT coalesce(json_agg({person} ORDER BY {r}.id), '[]') FROM {REQUESTS} {r}"
        f" JOIN {USERS} {partner} ON {partner}.id = {r}.{other}"
        f" WHERE {r}.{side} = {u}.id AND {r}.status = '{RequestStatus.APPROVED.value}')"
    )


def _favorite_mentors(build: Build, selected: Selected, u: str) -> str:
    """The user's favourite mentors, newest favourite first (`resolvers/favorites.py`)."""
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
