"""`MentorshipRequest` fields as SQL over a request row, a user's request pages, and a request's
history and message thread."""

from __future__ import annotations

from graphql import GraphQLObjectType

import mentorgraph.resolvers.fast_reads.users as users_sql
from mentorgraph.models import json_sql as js
from mentorgraph.models.policies import MENTEE_LOAD, REQUEST
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import (
    EventKind,
    MentorshipRequest,
    RequestEvent,
    RequestStatus,
)
from mentorgraph.models.sql import enum_list
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.connections import Page, connection, cursor_values, page_slice
from mentorgraph.resolvers.fast_reads.fields import object_sql, reads_enum, renders
from mentorgraph.resolvers.fast_reads.selection import Selected
from mentorgraph.resolvers.pagination import NEWEST_FIRST

__all__ = ["one_request", "request_list", "request_object"]

# A status argument is the column's own value (`enum_list`): every status the model has.
reads_enum("RequestStatus", (status.name for status in RequestStatus))

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
    visible = REQUEST.sql(build.viewer, r)
    return f"(SELECT {request} FROM {REQUESTS} {r} WHERE {r}.id = {id_sql} AND {visible})"


def request_object(
    build: Build, selected: Selected, r: str, runtime: GraphQLObjectType | None = None
) -> str:
    """The `MentorshipRequest` fields selected, for the request row `r` (one the viewer may
    see: reached through a request list of the viewer's own or an admin's, or checked)."""
    return object_sql(build, selected, r, runtime)


@renders("MentorshipRequest", *_COLUMNS)
def _column(build: Build, child: Selected, r: str) -> str:
    return f"{r}.{_COLUMNS[child.name]}"


@renders("MentorshipRequest", *_TIMES)
def _time(build: Build, child: Selected, r: str) -> str:
    return js.iso_timestamp(f"{r}.{_TIMES[child.name]}")


@renders("MentorshipRequest", "id")
def _id(build: Build, child: Selected, r: str) -> str:
    return js.global_id("MentorshipRequest", f"{r}.id")


@renders("MentorshipRequest", "mentor", "mentee")
def _party(build: Build, child: Selected, r: str) -> str:
    return users_sql.one_user(build, child, f"{r}.{child.name}_id")


@renders("MentorshipRequest", "history", "messages")
def _events(build: Build, child: Selected, r: str) -> str:
    """The events of one kind of the request `r`, oldest first: its status changes
    (`history`) or its message thread (`messages`)."""
    kind = EventKind.STATUS_CHANGE if child.name == "history" else EventKind.MESSAGE
    e = build.alias("e")
    event = object_sql(build, child, (e, r))
    return (
        f"(SELECT coalesce(json_agg({event} ORDER BY {e}.id), '[]') FROM {EVENTS} {e}"
        f" WHERE {e}.request_id = {r}.id AND {e}.kind = '{kind.value}')"
    )


@renders(
    "MentorshipRequest", "menteeOpenRequestCount", "menteeActiveMentorshipCount", policy=MENTEE_LOAD
)
def _mentee_load(build: Build, child: Selected, r: str) -> str:
    """The mentee's other open requests / other active mentorships
    (`mentorgraph.models.requests.request_guards.others_open_and_active`)."""
    if child.name == "menteeOpenRequestCount":
        matching, this = f"status IN ({_OPEN_SQL})", f"{r}.status IN ({_OPEN_SQL})"
    else:
        approved = f"'{RequestStatus.APPROVED.value}'"
        matching, this = f"status = {approved}", f"{r}.status = {approved}"
    return (
        f"(SELECT count(*) FILTER (WHERE {matching}) FROM {REQUESTS}"
        f" WHERE mentee_id = {r}.mentee_id) - (CASE WHEN {this} THEN 1 ELSE 0 END)"
    )


# A `RequestEvent` is rendered over (its row, its request's row).
_EVENT_COLUMNS = {
    "kind": "kind",
    "fromStatus": "from_status",
    "toStatus": "to_status",
    "note": "note",
}


@renders("RequestEvent", *_EVENT_COLUMNS)
def _event_column(build: Build, child: Selected, row: tuple[str, str]) -> str:
    return f"{row[0]}.{_EVENT_COLUMNS[child.name]}"


@renders("RequestEvent", "id")
def _event_id(build: Build, child: Selected, row: tuple[str, str]) -> str:
    return js.global_id("RequestEvent", f"{row[0]}.id")


@renders("RequestEvent", "cursor")
def _event_cursor(build: Build, child: Selected, row: tuple[str, str]) -> str:
    return js.int_cursor([f"{row[0]}.id"])


@renders("RequestEvent", "occurredAt")
def _occurred_at(build: Build, child: Selected, row: tuple[str, str]) -> str:
    return js.iso_timestamp(f"{row[0]}.occurred_at")


@renders("RequestEvent", "actor")
def _actor(build: Build, child: Selected, row: tuple[str, str]) -> str:
    return users_sql.one_user(build, child, f"{row[0]}.actor_id")


@renders("RequestEvent", "request")
def _event_request(build: Build, child: Selected, row: tuple[str, str]) -> str:
    return request_object(build, child, row[1])


def request_list(build: Build, selected: Selected, u: str, side: str) -> str:
    """`sentRequests` / `receivedRequests` of the user `u`
    (`resolvers/requests/request_overviews.py`):
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
