"""`MentorshipRequest` fields as SQL over a request row, a user's request pages, and a request's
history and message thread."""

from __future__ import annotations

from graphql import GraphQLObjectType

import resolvers.fast_reads.users as users_sql
from models import json_sql as js
from models.privacy import can_see_request_sql
from models.request_guards import OPEN_STATUSES
from models.requests import EventKind, MentorshipRequest, RequestEvent, RequestStatus
from models.sql import enum_list
from resolvers.fast_reads.build import Build, each
from resolvers.fast_reads.connections import Page, connection, cursor_values, page_slice
from resolvers.fast_reads.selection import Selected, Unsupported
from resolvers.pagination import NEWEST_FIRST

__all__ = ["one_request", "request_list", "request_object"]

REQUESTS = MentorshipRequest._meta.db_table
EVENTS = RequestEvent._meta.db_table

_COLUMNS = {
    "status": "status",
    "message": "message",
    "background": "background",
    "expectation": "expectation",
    "responseMessage": "response_message",
    "declineReason": "decline_reason",
}
_TIMES = {
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "viewedAt": "viewed_at",
    "respondedAt": "responded_at",
}
_OPEN_SQL = enum_list(OPEN_STATUSES)


def one_request(
    build: Build, selected: Selected, id_sql: str, runtime: GraphQLObjectType | None = None
) -> str:
    """The request whose id is `id_sql` if the viewer may see it (`can_see_request`), or null."""
    r = build.alias("r")
    request = request_object(build, selected, r, runtime)
    visible = can_see_request_sql(build.viewer, r)
    return f"(SELECT {request} FROM {REQUESTS} {r} WHERE {r}.id = {id_sql} AND {visible})"


def request_object(
    build: Build, selected: Selected, r: str, runtime: GraphQLObjectType | None = None
) -> str:
    """The `MentorshipRequest` fields selected, for the request row `r` (one the viewer may
    see: reached through a request list of the viewer's own or an admin's, or checked)."""

    def field_sql(child: Selected) -> str:
        name = child.name
        if name in _COLUMNS:
            return f"{r}.{_COLUMNS[name]}"
        if name in _TIMES:
            return js.iso_timestamp(f"{r}.{_TIMES[name]}")
        if name == "id":
            return js.global_id("MentorshipRequest", f"{r}.id")
        if name in ("mentor", "mentee"):
            return users_sql.one_user(build, child, f"{r}.{name}_id")
        if name == "history":
            return _events(build, child, r, EventKind.STATUS_CHANGE)
        if name == "messages":
            return _events(build, child, r, EventKind.MESSAGE)
        if name in ("menteeOpenRequestCount", "menteeActiveMentorshipCount"):
            return _mentee_load(build, name, r)
        raise Unsupported(f"MentorshipRequest.{name}")

    return each(build, selected, field_sql, runtime)


def _mentee_load(build: Build, name: str, r: str) -> str:
    """The mentee's other open requests / other active mentorships, for the request's mentor
    only (`models.request_guards.others_open_and_active`)."""
    if build.viewer is None:
        return "NULL"
    if name == "menteeOpenRequestCount":
        matching, this = f"status IN ({_OPEN_SQL})", f"{r}.status IN ({_OPEN_SQL})"
    else:
        approved = f"'{RequestStatus.APPROVED.value}'"
        matching, this = f"status = {approved}", f"{r}.status = {approved}"
    others = (
        f"(SELECT count(*) FILTER (WHERE {matching}) FROM {REQUESTS}"
        f" WHERE mentee_id = {r}.mentee_id) - (CASE WHEN {this} THEN 1 ELSE 0 END)"
    )
    return f"CASE WHEN {build.viewer}.id = {r}.mentor_id THEN {others} END"


def _events(build: Build, selected: Selected, r: str, kind: EventKind) -> str:
    """The events of one kind of the request `r`, oldest first: its status changes
    (`history`) or its message thread (`messages`)."""
    e = build.alias("e")

    def field_sql(child: Selected) -> str:
        name = child.name
        if name == "id":
            return js.global_id("RequestEvent", f"{e}.id")
        if name == "cursor":
            return js.int_cursor([f"{e}.id"])
        if name == "kind":
            return f"{e}.kind"
        if name == "fromStatus":
            return f"{e}.from_status"
        if name == "toStatus":
            return f"{e}.to_status"
        if name == "occurredAt":
            return js.iso_timestamp(f"{e}.occurred_at")
        if name == "note":
            return f"{e}.note"
        if name == "actor":
            return users_sql.one_user(build, child, f"{e}.actor_id")
        if name == "request":
            return request_object(build, child, r)
        raise Unsupported(f"RequestEvent.{name}")

    event = each(build, selected, field_sql)
    return (
        f"(SELECT coalesce(json_agg({event} ORDER BY {e}.id), '[]') FROM {EVENTS} {e}"
        f" WHERE {e}.request_id = {r}.id AND {e}.kind = '{kind.value}')"
    )


def request_list(build: Build, selected: Selected, u: str, side: str) -> str:
    """`sentRequests` / `receivedRequests` of the user `u` (`resolvers/request_overviews.py`):
    newest first, keyset on id. The caller decides who may see it."""
    arguments = build.arguments(selected)
    asked = page_slice(arguments)
    where = [f"{side} = {u}.id"]
    statuses = tuple(dict.fromkeys(RequestStatus(s) for s in arguments.get("status") or ()))
    if statuses:
        where.append(f"status IN ({enum_list(statuses)})")
    total_where = " AND ".join(where)
    # The ordinary path compares any integer; beyond the column's range it is declined here.
    # Newest first: `after` bounds the ids from above, `before` from below.
    after = cursor_values(asked.after, MentorshipRequest, NEWEST_FIRST)
    if after is not None:
        where.append(f"id < {build.param(after[0])}::bigint")
    before = cursor_values(asked.before, MentorshipRequest, NEWEST_FIRST)
    if before is not None:
        where.append(f"id > {build.param(before[0])}::bigint")
    columns = ", ".join(MentorshipRequest._meta.db_fields)
    read = "ASC" if asked.backward else "DESC"
    x = build.alias("x")
    # Ranked after the LIMIT: the window runs over at most size + 1 rows, not all of them.
    ranked = (
        f"(SELECT {columns}, row_number() OVER (ORDER BY id {read}) AS n FROM"
        f" (SELECT {columns} FROM {REQUESTS} WHERE {' AND '.join(where)}"
        f" ORDER BY id {read} LIMIT {asked.size + 1}) newest) {x}"
    )
    page = Page(
        ranked=ranked,
        alias=x,
        slice=asked,
        item=lambda child: request_object(build, child, x),
        cursor=lambda: js.int_cursor([f"{x}.id"]),
        total=lambda: f"(SELECT count(*) FROM {REQUESTS} WHERE {total_where})",
    )
    return connection(build, selected, page)
