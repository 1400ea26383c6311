"""The mentorship graph as SQL (declared per field, `fields.py`): `Mentorship` edges,
`User.mentorships` and `mentorshipGraph`.

An edge is its request row (`models/graph/graph.py`); who may see one is who may see the request
(the `REQUEST` policy, whose filter form `mentorgraph.models.graph.graph.visible_edges` uses). The
graph around a user is the ordinary path's recursive walk
(`mentorgraph.models.graph.graph.neighbourhood`), here one `WITH RECURSIVE` inside the operation's
statement, over the same visible edges only.
"""

from __future__ import annotations

from dataclasses import dataclass

import mentorgraph.resolvers.fast_reads.requests as requests_sql
import mentorgraph.resolvers.fast_reads.users as users_sql
from mentorgraph.models import json_sql as js
from mentorgraph.models.graph.graph import (
    EDGE_STATUS,
    EDGE_STATUSES,
    MAX_DEPTH,
    MAX_EDGES,
    MentorshipRole,
    MentorshipStatus,
)
from mentorgraph.models.policies import REQUEST
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.sql import enum_list
from mentorgraph.resolvers.errors import BadUserInput, check_range
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.connections import (
    Page,
    connection,
    cursor_values,
    declare_connection,
    page_slice,
)
from mentorgraph.resolvers.fast_reads.fields import object_sql, reads_enum, renders
from mentorgraph.resolvers.fast_reads.selection import Selected, UnsupportedValue
from mentorgraph.resolvers.ids import decode_id_of
from mentorgraph.resolvers.pagination import MAX_PAGE_SIZE, NEWEST_FIRST

__all__ = ["REQUESTS"]

REQUESTS = MentorshipRequest._meta.db_table
_EDGES_SQL = enum_list(EDGE_STATUSES)
_COMPLETED = f"'{RequestStatus.COMPLETED.value}'"
_PAGED = ("first", "after", "last", "before")


def _visible(build: Build, r: str) -> str:
    """The request row `r` is an edge the viewer may see
    (`mentorgraph.models.graph.graph.visible_edges`)."""
    return f"{r}.status IN ({_EDGES_SQL}) AND {REQUEST.sql(build.viewer, r)}"


# --- `Mentorship`, over an edge's request row (one the viewer may see).


@renders("Mentorship", "mentor", "mentee")
def _party(build: Build, child: Selected, r: str) -> str:
    return users_sql.one_user(build, child, f"{r}.{child.name}_id")


@renders("Mentorship", "status")
def _status(build: Build, child: Selected, r: str) -> str:
    completed, active = MentorshipStatus.COMPLETED.value, MentorshipStatus.ACTIVE.value
    return f"CASE WHEN {r}.status = {_COMPLETED} THEN '{completed}' ELSE '{active}' END"


@renders("Mentorship", "since")
def _since(build: Build, child: Selected, r: str) -> str:
    return js.iso_timestamp(f"{r}.responded_at")  # `mentorgraph.models.graph.graph.edge_since`


@renders("Mentorship", "until")
def _until(build: Build, child: Selected, r: str) -> str:
    # `mentorgraph.models.graph.graph.edge_until`: the last update of a COMPLETED request
    # (terminal).
    return f"CASE WHEN {r}.status = {_COMPLETED} THEN {js.iso_timestamp(f'{r}.updated_at')} END"


@renders("Mentorship", "request")
def _request(build: Build, child: Selected, r: str) -> str:
    return requests_sql.request_object(build, child, r)


declare_connection("MentorshipConnection", "MentorshipEdge")


# The column of each side, and the request status of each mentorship status.
_SIDE = {MentorshipRole.MENTOR: "mentor_id", MentorshipRole.MENTEE: "mentee_id"}
reads_enum("MentorshipRole", (role.name for role in _SIDE))
reads_enum("MentorshipStatus", (status.name for status in EDGE_STATUS))


@renders("User", "mentorships", arguments=(*_PAGED, "role", "status"))
def _mentorships(build: Build, selected: Selected, u: str) -> str:
    """`User.mentorships` of the `users` row `u` (`mentorgraph.resolvers.graph.graph.mentorships`):
    newest first,
    keyset on id, the edges the viewer may see only."""
    arguments = build.arguments(selected)
    asked = page_slice(arguments)
    role = arguments.get("role")
    side = (
        f"({u}.id IN (mentor_id, mentee_id))"
        if role is None
        else f"{_SIDE[MentorshipRole(role)]} = {u}.id"
    )
    wanted = [EDGE_STATUS[MentorshipStatus(s)] for s in arguments.get("status") or ()]
    where = [side, _visible(build, REQUESTS)]
    if wanted:
        where.append(f"status IN ({enum_list(tuple(dict.fromkeys(wanted)))})")
    total_where = " AND ".join(where)
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
    ranked = (
        f"(SELECT {columns}, row_number() OVER (ORDER BY id {read}) AS n FROM"
        f" (SELECT {columns} FROM {REQUESTS} WHERE {' AND '.join(where)}"
        f" ORDER BY id {read} LIMIT {asked.size + 1}) newest) {x}"
    )
    page = Page(
        ranked=ranked,
        alias=x,
        slice=asked,
        item=lambda child: object_sql(build, child, x),
        cursor=lambda: js.int_cursor([f"{x}.id"]),
        total=lambda: f"(SELECT count(*) FROM {REQUESTS} WHERE {total_where})",
    )
    return connection(build, selected, page)


# --- `mentorshipGraph`.


@dataclass(frozen=True)
class _Graph:
    """What the graph's fields are rendered over: the root's `users` row, the ranked reach
    (a CTE of `user_id` and rank `n`) and how many of it are shown."""

    root: str
    reach: str
    first: int

    def shown(self) -> str:
        return f"(SELECT user_id FROM {self.reach} WHERE n <= {self.first})"


@renders("Query", "mentorshipGraph", arguments=("rootId", "depth", "first"))
def _mentorship_graph(build: Build, selected: Selected, _row: None) -> str:
    """`mentorgraph.resolvers.graph.graph.mentorship_graph`: the walk, the people reached and the
    edges between
    them, in one subquery; null without the root."""
    arguments = build.arguments(selected)
    try:
        root_pk = decode_id_of("User", arguments["rootId"], "rootId")
        depth = check_range("depth", arguments["depth"], 1, MAX_DEPTH)
        first = check_range("first", arguments["first"], 1, MAX_PAGE_SIZE)
    except BadUserInput:  # the ordinary path reports it
        raise UnsupportedValue("bad graph arguments") from None
    root_sql = f"{build.param(root_pk)}::int"
    walk, reach = build.alias("walk"), build.alias("reach")
    w, r = build.alias("w"), build.alias("r")
    # UNION drops repeated (user, depth) rows, so a cycle cannot grow the walk (as the
    # ordinary path's `_WALK`); the reach is ranked nearest first, then by id.
    ctes = (
        f"WITH RECURSIVE {walk}(user_id, depth) AS ("
        f"SELECT {root_sql}, 0 UNION"
        f" SELECT CASE WHEN {r}.mentor_id = {w}.user_id THEN {r}.mentee_id ELSE {r}.mentor_id END,"
        f" {w}.depth + 1 FROM {walk} {w} JOIN {REQUESTS} {r}"
        f" ON ({r}.mentor_id = {w}.user_id OR {r}.mentee_id = {w}.user_id)"
        f" WHERE {w}.depth < {depth} AND {_visible(build, r)}),"
        f" {reach} AS (SELECT user_id, row_number() OVER (ORDER BY min(depth), user_id) AS n"
        f" FROM {walk} GROUP BY user_id ORDER BY min(depth), user_id LIMIT {first + 1})"
    )
    root = build.alias("u")
    graph = object_sql(build, selected, _Graph(root, reach, first))
    return f"({ctes} SELECT {graph} FROM {users_sql.USERS} {root} WHERE {root}.id = {root_sql})"


@renders("MentorshipGraph", "root")
def _root(build: Build, child: Selected, graph: _Graph) -> str:
    return users_sql.user_object(build, child, graph.root)


@renders("MentorshipGraph", "nodes")
def _nodes(build: Build, child: Selected, graph: _Graph) -> str:
    u = build.alias("u")
    person = users_sql.user_object(build, child, u)
    return (
        f"(SELECT coalesce(json_agg({person} ORDER BY {graph.reach}.n), '[]') FROM {graph.reach}"
        f" JOIN {users_sql.USERS} {u} ON {u}.id = {graph.reach}.user_id"
        f" WHERE {graph.reach}.n <= {graph.first})"
    )


@renders("MentorshipGraph", "truncated")
def _truncated(build: Build, child: Selected, graph: _Graph) -> str:
    return f"(SELECT count(*) > {graph.first} FROM {graph.reach})"


@renders("MentorshipGraph", "edges")
def _edges(build: Build, child: Selected, graph: _Graph) -> str:
    """The visible edges between the people shown, oldest first, at most `MAX_EDGES`."""
    e = build.alias("r")
    edge = object_sql(build, child, e)
    between = (
        f"SELECT * FROM {REQUESTS} {e} WHERE {_visible(build, e)}"
        f" AND {e}.mentor_id IN {graph.shown()} AND {e}.mentee_id IN {graph.shown()}"
        f" ORDER BY {e}.id LIMIT {MAX_EDGES}"
    )
    return f"(SELECT coalesce(json_agg({edge} ORDER BY {e}.id), '[]') FROM ({between}) {e})"
