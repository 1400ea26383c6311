"""A query operation as ONE PostgreSQL statement that builds the whole answer as JSON.

Each supported field becomes an SQL expression that renders its value exactly as the ordinary
executor would (`models/json_sql.py`, the privacy predicates of `models/privacy.py`, the
responsiveness twin in `models/responsiveness.py`). Anything else raises `Unsupported`, and the
ordinary executor answers instead: unknown fields, arguments the resolvers would refuse (so
every error comes from the ordinary path), values whose text only Python renders exactly.

Those last ones (response rate, median hours, cursors with text keys) leave a marker object
`{"$name": raw}` in the JSON that `finish.py` replaces using the ordinary path's own functions;
`$` cannot start a GraphQL response key, so a marker is never mistaken for data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    VariableValues,
)
from graphql.execution.values import get_argument_values

from models import clock, directory
from models import json_sql as js
from models.directory import ORDER_KEYS, MentorOrder
from models.privacy import channels_visible_sql, is_self_or_admin_sql
from models.requests import MentorshipRequest, RequestStatus
from models.responsiveness import WINDOW, responsiveness_sql
from models.users import User, UserLanguage, UserTag
from resolvers.errors import BadUserInput
from resolvers.fast_reads.selection import (
    Selected,
    Unsupported,
    UnsupportedValue,
    child_type,
    collect,
)
from resolvers.ids import decode_global_id
from resolvers.pagination import check_first, cursor_fits, decode_cursor, seek_after

__all__ = ["ROOT_FIELDS", "Statement", "compile_operation"]

USERS = User._meta.db_table
REQUESTS = MentorshipRequest._meta.db_table
# json_build_object takes at most 100 arguments: 50 keys.
MAX_KEYS = 50

_USER_COLUMNS = {
    "name": "name",
    "title": "title",
    "bio": "bio",
    "avatarUrl": "avatar_url",
    "country": "country",
    "isMentor": "is_mentor",
    "available": "available",
    "capacity": "capacity",
}
_REQUEST_COLUMNS = {
    "status": "status",
    "message": "message",
    "background": "background",
    "expectation": "expectation",
    "responseMessage": "response_message",
    "declineReason": "decline_reason",
}
_REQUEST_TIMES = {
    "createdAt": "created_at",
    "updatedAt": "updated_at",
    "viewedAt": "viewed_at",
    "respondedAt": "responded_at",
}


@dataclass
class Statement:
    sql: str
    params: list[Any]
    # Whether the JSON holds markers for `finish.py` to replace.
    has_markers: bool
    # Where the parameters hold the two values that change between equal requests: the start
    # of the responsiveness window (it moves with the clock) and the viewer's id.
    since_at: int | None = None
    viewer_at: int | None = None

    def bind(self, viewer_id: int | None) -> list[Any]:
        """The parameters for another run of this statement, now, for `viewer_id` (who must be
        signed in if and only if the statement was compiled for a signed-in viewer)."""
        params = list(self.params)
        if self.since_at is not None:
            params[self.since_at] = clock.now() - WINDOW
        if self.viewer_at is not None:
            params[self.viewer_at] = viewer_id
        return params


@dataclass
class _Build:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: VariableValues
    # The alias of the viewer's `users` row in the statement; None when anonymous.
    viewer: str | None
    params: list[Any] = field(default_factory=list)
    has_markers: bool = False
    _aliases: int = 0
    _since: str | None = None
    since_at: int | None = None

    def alias(self, prefix: str) -> str:
        self._aliases += 1
        return f"{prefix}{self._aliases}"

    def param(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}"

    def embed(self, sql: str, values: list[Any]) -> str:
        """Another statement's SQL with its `$n` renumbered after ours (Tortoise numbers from 1;
        its SQL holds no `$` but in placeholders: values are always parameters)."""
        offset = len(self.params)
        self.params.extend(values)
        return re.sub(r"\$(\d+)", lambda m: f"${int(m.group(1)) + offset}", sql)

    def since(self) -> str:
        if self._since is None:
            self._since = self.param(clock.now() - WINDOW)
            self.since_at = len(self.params) - 1
        return self._since

    def marker(self, name: str, value_sql: str) -> str:
        self.has_markers = True
        return f"json_build_object('${name}', {value_sql})"

    def arguments(self, selected: Selected) -> dict[str, Any]:
        return get_argument_values(selected.definition, selected.node, self.variables)

    def fields(
        self, selected: Selected, runtime: GraphQLObjectType | None = None
    ) -> tuple[GraphQLObjectType, dict[str, Selected]]:
        """The sub-fields of `selected` for its object type (or `runtime`, for an interface)."""
        runtime = runtime or child_type(self.schema, selected)
        return runtime, collect(self.schema, runtime, selected.selection_sets(), self.fragments)


def _object(entries: list[tuple[str, str]]) -> str:
    if len(entries) > MAX_KEYS:
        raise Unsupported("too many fields in one object")
    if not entries:
        return "json_build_object()"
    inner = ", ".join(f"{_literal(key)}, {value}" for key, value in entries)
    return f"json_build_object({inner})"


def _literal(text: str) -> str:
    # Response keys are GraphQL names ([_A-Za-z][_0-9A-Za-z]*): no quote can occur.
    assert re.fullmatch(r"[_A-Za-z][_0-9A-Za-z]*", text), text
    return f"'{text}'"


def _typename(runtime: GraphQLObjectType) -> str:
    return _literal(runtime.name)


def _each(
    build: _Build,
    selected: Selected,
    render: Callable[[GraphQLObjectType, Selected], str],
    runtime: GraphQLObjectType | None = None,
) -> str:
    runtime, children = build.fields(selected, runtime)
    entries = []
    for key, child in children.items():
        value = _typename(runtime) if child.name == "__typename" else render(runtime, child)
        entries.append((key, value))
    return _object(entries)


# --- Users -------------------------------------------------------------------------------


def user_object(
    build: _Build, selected: Selected, u: str, runtime: GraphQLObjectType | None = None
) -> str:
    """The `User` fields selected under `selected`, for the `users` row `u`."""
    return _each(build, selected, lambda _, child: _user_field(build, child, u), runtime)


def _user_field(build: _Build, child: Selected, u: str) -> str:
    name = child.name
    if name in _USER_COLUMNS:
        return f"{u}.{_USER_COLUMNS[name]}"
    if name == "id":
        return js.global_id("User", f"{u}.id")
    if name == "createdAt":
        return js.iso_timestamp(f"{u}.created_at")
    if name == "email":
        visible = is_self_or_admin_sql(build.viewer, f"{u}.id")
        return f"CASE WHEN {visible} THEN {u}.email END"
    if name == "tags":
        return js.ordered_values(UserTag, f"{u}.id")
    if name == "spokenLanguages":
        return js.ordered_values(UserLanguage, f"{u}.id")
    if name == "isFavorite":
        return js.favorite(build.viewer, f"{u}.id")
    if name == "channels":
        each = _each(build, child, lambda _, c: _channel_field(c))
        return (
            f"CASE WHEN {channels_visible_sql(build.viewer, u)}"
            f" THEN {js.user_channels(f'{u}.id', each)} END"
        )
    if name == "responsiveness":
        return _responsiveness(build, child, u)
    if name in ("sentRequests", "receivedRequests"):
        side = "mentee_id" if name == "sentRequests" else "mentor_id"
        return _request_list(build, child, u, side)
    raise Unsupported(f"User.{name}")


def _channel_field(child: Selected) -> str:
    if child.name in ("type", "handle"):
        return f"c.{child.name}"
    raise Unsupported(f"Channel.{child.name}")


def _responsiveness(build: _Build, selected: Selected, u: str) -> str:
    rs = build.alias("rs")

    def field_sql(_: GraphQLObjectType, child: Selected) -> str:
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

    record = _each(build, selected, field_sql)
    source = responsiveness_sql(f"{u}.id", build.since())
    # Public for mentors, null for other members (`resolvers.users.responsiveness_of`).
    return f"CASE WHEN {u}.is_mentor THEN (SELECT {record} FROM {source} {rs}) END"


# --- Connections -------------------------------------------------------------------------


@dataclass
class _Page:
    """Rows ranked 1..size+1 in `ranked` (a FROM item with alias `x` and rank `x.n`)."""

    ranked: str
    size: int
    # SQL of one item / one cursor, over the row(s) the FROM item joins.
    item: Callable[[Selected], str]
    cursor: Callable[[], str]
    total: Callable[[], str]


def _connection(build: _Build, selected: Selected, page: _Page) -> str:
    """A Relay connection (`edges`, `nodes`, `pageInfo`, `totalCount`) in one aggregate over
    the ranked rows: the page's rows are read once whatever the selection."""
    shown = f"x.n <= {int(page.size)}"

    def shown_items(item_sql: str) -> str:
        return f"coalesce(json_agg({item_sql} ORDER BY x.n) FILTER (WHERE {shown}), '[]')"

    def field_sql(_: GraphQLObjectType, child: Selected) -> str:
        name = child.name
        if name == "nodes":
            return shown_items(page.item(child))
        if name == "edges":

            def edge_field(_: GraphQLObjectType, part: Selected) -> str:
                if part.name == "cursor":
                    return page.cursor()
                if part.name == "node":
                    return page.item(part)
                raise Unsupported(f"Edge.{part.name}")

            edge = _each(build, child, edge_field)
            return shown_items(edge)
        if name == "pageInfo":

            def info_field(_: GraphQLObjectType, part: Selected) -> str:
                if part.name == "hasNextPage":
                    return f"count(*) > {int(page.size)}"
                if part.name == "endCursor":
                    last = f"array_agg({page.cursor()} ORDER BY x.n DESC) FILTER (WHERE {shown})"
                    return f"({last})[1]"
                raise Unsupported(f"PageInfo.{part.name}")

            return _each(build, child, info_field)
        if name == "totalCount":
            return page.total()
        raise Unsupported(f"Connection.{name}")

    return f"(SELECT {_each(build, selected, field_sql)} FROM {page.ranked})"


def _first(arguments: Mapping[str, Any]) -> int:
    try:
        return check_first(arguments.get("first"))
    except BadUserInput:
        raise UnsupportedValue("first out of range") from None


def _request_list(build: _Build, selected: Selected, u: str, side: str) -> str:
    """`sentRequests` / `receivedRequests` of the user `u` (`resolvers/request_overviews.py`):
    newest first, keyset on id, for the user and admins; null for everyone else."""
    arguments = build.arguments(selected)
    size = _first(arguments)
    where = [f"{side} = {u}.id"]
    statuses = tuple(dict.fromkeys(RequestStatus(s) for s in arguments.get("status") or ()))
    if statuses:
        where.append(f"status IN ({', '.join(repr(s.value) for s in statuses)})")
    total_where = " AND ".join(where)
    if arguments.get("after"):
        try:
            [before] = decode_cursor(arguments["after"], 1)
        except BadUserInput:
            raise UnsupportedValue("bad cursor") from None
        if not isinstance(before, int) or isinstance(before, bool):
            raise UnsupportedValue("bad cursor")
        where.append(f"id < {build.param(before)}::bigint")
    columns = ", ".join(MentorshipRequest._meta.db_fields)
    # Ranked after the LIMIT: the window runs over at most size + 1 rows, not all of them.
    ranked = (
        f"(SELECT {columns}, row_number() OVER (ORDER BY id DESC) AS n FROM"
        f" (SELECT {columns} FROM {REQUESTS} WHERE {' AND '.join(where)}"
        f" ORDER BY id DESC LIMIT {size + 1}) newest) x"
    )
    page = _Page(
        ranked=ranked,
        size=size,
        item=lambda child: request_object(build, child, "x"),
        cursor=lambda: js.int_cursor(["x.id"]),
        total=lambda: f"(SELECT count(*) FROM {REQUESTS} WHERE {total_where})",
    )
    visible = is_self_or_admin_sql(build.viewer, f"{u}.id")
    return f"CASE WHEN {visible} THEN {_connection(build, selected, page)} END"


# --- Requests ----------------------------------------------------------------------------


def request_object(build: _Build, selected: Selected, r: str) -> str:
    """The `MentorshipRequest` fields selected, for the request row `r` (already visible)."""

    def field_sql(_: GraphQLObjectType, child: Selected) -> str:
        name = child.name
        if name in _REQUEST_COLUMNS:
            return f"{r}.{_REQUEST_COLUMNS[name]}"
        if name in _REQUEST_TIMES:
            return js.iso_timestamp(f"{r}.{_REQUEST_TIMES[name]}")
        if name == "id":
            return js.global_id("MentorshipRequest", f"{r}.id")
        if name in ("mentor", "mentee"):
            u = build.alias("u")
            user = user_object(build, child, u)
            return f"(SELECT {user} FROM {USERS} {u} WHERE {u}.id = {r}.{name}_id)"
        raise Unsupported(f"MentorshipRequest.{name}")

    return _each(build, selected, field_sql)


# --- Root fields -------------------------------------------------------------------------


def _one_user(
    build: _Build, selected: Selected, pk_sql: str, runtime: GraphQLObjectType | None = None
) -> str:
    u = build.alias("u")
    user = user_object(build, selected, u, runtime)
    return f"(SELECT {user} FROM {USERS} {u} WHERE {u}.id = {pk_sql})"


def _node(build: _Build, selected: Selected) -> str:
    try:
        type_name, pk = decode_global_id(build.arguments(selected)["id"])
    except BadUserInput:
        raise UnsupportedValue("bad id") from None
    if type_name != "User":
        raise UnsupportedValue(f"node of {type_name}")
    # The runtime type is User: the sub-selection is collected for it (fragments on User/Node).
    user_type = build.schema.get_type("User")
    assert isinstance(user_type, GraphQLObjectType)
    return _one_user(build, selected, f"{build.param(pk)}::bigint", user_type)


def _viewer(build: _Build, selected: Selected) -> str:
    if build.viewer is None:
        return "NULL"
    return _one_user(build, selected, f"{build.viewer}.id")


def _mentors(build: _Build, selected: Selected) -> str:
    """The directory (`resolvers/directory.py::mentors`): the same Tortoise query for the page,
    embedded, so filters and keyset seek are the ordinary path's own."""
    arguments = build.arguments(selected)
    given = arguments.get("filter") or {}
    try:
        cleaned = directory.clean_filter(
            search=given.get("search"),
            tags=given.get("tags"),
            country=given.get("country"),
            spoken_language=given.get("spokenLanguage"),
            available_only=given.get("availableOnly", True),
        )
    except Exception:  # RuleViolation: the ordinary path reports it
        raise UnsupportedValue("bad filter") from None
    order = MentorOrder(arguments.get("orderBy") or MentorOrder.NEWEST)
    keys = ORDER_KEYS[order]
    size = _first(arguments)
    matching = directory.matching_mentors(cleaned)
    page_qs = matching
    if arguments.get("after"):
        try:
            values = decode_cursor(arguments["after"], len(keys))
        except BadUserInput:
            raise UnsupportedValue("bad cursor") from None
        if not cursor_fits(User, keys, values):
            raise UnsupportedValue("bad cursor")
        page_qs = page_qs.filter(seek_after(keys, values))
    ordering = [f"-{name}" if descending else name for name, descending in keys]
    limited = page_qs.order_by(*ordering).limit(size + 1)
    page_sql = build.embed(*_sql_of(limited.values(*(name for name, _ in keys))))
    if not size:
        # `first: 0` reads nothing in the ordinary path, so hasNextPage is false there.
        page_sql = f"SELECT * FROM ({page_sql}) nothing LIMIT 0"
    rank = ", ".join(f"p.{name} {'DESC' if d else 'ASC'}" for name, d in keys)
    u = build.alias("u")
    ranked = (
        f"(SELECT p.id, row_number() OVER (ORDER BY {rank}) AS n FROM ({page_sql}) p) x"
        f" JOIN {USERS} {u} ON {u}.id = x.id"
    )

    def cursor() -> str:
        if all(User._meta.fields_map[name].field_type is int for name, _ in keys):
            return js.int_cursor([f"{u}.{name}" for name, _ in keys])
        # Text keys: JSON-escaped by Python's `json.dumps` (ASCII escapes): done in finish.
        return build.marker(
            "cursor", f"json_build_array({', '.join(f'{u}.{name}' for name, _ in keys)})"
        )

    def total() -> str:
        count_sql = build.embed(*_sql_of(matching.values("id")))
        return f"(SELECT count(*) FROM ({count_sql}) matching)"

    page = _Page(
        ranked=ranked,
        size=size,
        item=lambda child: user_object(build, child, u),
        cursor=cursor,
        total=total,
    )
    return _connection(build, selected, page)


def _sql_of(queryset: Any) -> tuple[str, list[Any]]:
    queryset._make_query()
    sql, values = queryset.query.get_parameterized_sql()
    return sql, list(values)


_ROOTS: dict[str, Callable[[_Build, Selected], str]] = {
    "node": _node,
    "viewer": _viewer,
    "mentors": _mentors,
}
ROOT_FIELDS = frozenset([*_ROOTS, "__typename"])


def compile_operation(
    schema: GraphQLSchema,
    roots: Mapping[str, Selected],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: VariableValues,
    viewer_id: int | None,
) -> Statement:
    """The statement answering the operation's root fields; `Unsupported` when it cannot.

    Signed in, the statement reads the viewer's row (`v`) itself, and answers nothing (NULL)
    when it no longer exists: the ordinary path then refuses the token."""
    build = _Build(schema, fragments, variables, None if viewer_id is None else "v")
    entries = []
    for key, selected in roots.items():
        if selected.name == "__typename":
            entries.append((key, "'Query'"))
            continue
        compile_root = _ROOTS.get(selected.name)
        if compile_root is None:
            raise Unsupported(f"Query.{selected.name}")
        entries.append((key, compile_root(build, selected)))
    sql = f"SELECT json_build_object('data', {_object(entries)})::text"
    statement = Statement(sql, build.params, build.has_markers)
    if viewer_id is not None:
        statement.sql += f" FROM {USERS} v WHERE v.id = {build.param(viewer_id)}::bigint"
        statement.viewer_at = len(build.params) - 1
    if build.since_at is not None:
        statement.since_at = build.since_at
    return statement
