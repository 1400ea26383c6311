"""The root fields the fast path answers, and the statement for a whole operation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    VariableValues,
)

# Every module that declares fields is imported here (`coverage.py` relies on it).
import mentorgraph.resolvers.fast_reads.admin_statistics
import mentorgraph.resolvers.fast_reads.feedback
import mentorgraph.resolvers.fast_reads.graph
import mentorgraph.resolvers.fast_reads.notifications
import mentorgraph.resolvers.fast_reads.payloads
import mentorgraph.resolvers.fast_reads.recommendations
import mentorgraph.resolvers.fast_reads.request_clock
import mentorgraph.resolvers.fast_reads.safety
import mentorgraph.resolvers.fast_reads.sessions
import mentorgraph.resolvers.fast_reads.spotlight  # noqa: F401
from mentorgraph.models import clock
from mentorgraph.models import json_sql as js
from mentorgraph.models.accounts import sessions
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory import directory
from mentorgraph.models.directory.directory import ORDER_KEYS, FacetKind, MentorFilter, MentorOrder
from mentorgraph.models.errors import RuleViolation
from mentorgraph.models.policies import ADMIN_ONLY
from mentorgraph.models.safety.standing import good_standing_sql
from mentorgraph.resolvers.errors import BadUserInput
from mentorgraph.resolvers.fast_reads.admin import one_application
from mentorgraph.resolvers.fast_reads.build import Build, Statement, json_object
from mentorgraph.resolvers.fast_reads.connections import Page, connection, cursor_values, page_slice
from mentorgraph.resolvers.fast_reads.fields import (
    FIELDS,
    field_sql,
    object_sql,
    reads_enum,
    reads_input,
    renders,
)
from mentorgraph.resolvers.fast_reads.nodes import one_event
from mentorgraph.resolvers.fast_reads.requests import one_request
from mentorgraph.resolvers.fast_reads.selection import Selected, UnsupportedValue, collect
from mentorgraph.resolvers.fast_reads.users import USERS, one_user, user_object
from mentorgraph.resolvers.ids import decode_global_id
from mentorgraph.resolvers.pagination import MAX_PAGE_SIZE, reverse, sliced

__all__ = ["compile_operation", "is_root_declared", "viewer_conditions"]


@renders("Query", "node", arguments=["id"])
def _node(build: Build, selected: Selected, _row: None) -> str:
    return _one_node(build, selected, build.arguments(selected)["id"])


@renders("Query", "nodes", arguments=["ids"])
def _nodes(build: Build, selected: Selected, _row: None) -> str:
    """Each id as `node(id:)` answers it, in order (`mentorgraph.resolvers.nodes.load_nodes`); more
    ids
    than it takes, or any id it refuses, is declined (it reports them)."""
    ids = build.arguments(selected)["ids"]
    if len(ids) > MAX_PAGE_SIZE:
        raise UnsupportedValue("too many ids")
    if not ids:
        return "'[]'::json"
    # json_build_array takes at most 100 arguments: MAX_PAGE_SIZE is 100.
    return f"json_build_array({', '.join(_one_node(build, selected, i) for i in ids)})"


def _one_node(build: Build, selected: Selected, global_id: str) -> str:
    try:
        type_name, pk = decode_global_id(global_id)
    except BadUserInput:
        raise UnsupportedValue("bad id") from None
    one = _NODES.get(type_name)
    if one is None:  # no such type: null, as `load_node`
        return "NULL::json"
    # The sub-selection is collected for the id's type (fragments on it or on Node apply).
    runtime = build.schema.get_type(type_name)
    assert isinstance(runtime, GraphQLObjectType)
    return one(build, selected, f"{build.param(pk)}::bigint", runtime)


# The node types answered here, each by who may see it (as `resolvers/nodes.py::NODE_LOADERS`).
_NODES = {
    "User": one_user,
    "MentorshipRequest": one_request,
    "RequestEvent": one_event,
    "MentorApplication": one_application,
}


@renders("Query", "viewer")
def _viewer(build: Build, selected: Selected, _row: None) -> str:
    return "NULL" if build.viewer is None else one_user(build, selected, f"{build.viewer}.id")


# Each order is the keyset of its sort keys.
reads_enum("MentorOrder", (order.name for order in ORDER_KEYS))
reads_input(
    "MentorFilter", ["search", "tags", "country", "spokenLanguage", "availableOnly", "withRoom"]
)


def _filter(arguments: Mapping[str, Any]) -> MentorFilter:
    given = arguments.get("filter") or {}
    try:
        return directory.clean_filter(
            search=given.get("search"),
            tags=given.get("tags"),
            country=given.get("country"),
            spoken_language=given.get("spokenLanguage"),
            available_only=given.get("availableOnly", True),
            with_room=given.get("withRoom", False),
        )
    except RuleViolation:  # the ordinary path reports it
        raise UnsupportedValue("bad filter") from None


def _sql_of(queryset: Any) -> tuple[str, list[Any]]:
    """The SQL and values a Tortoise query would send. NOTE: `_make_query` is Tortoise's own
    (1.1.9, pinned); `QuerySet.sql()` builds the same but gives no values."""
    queryset._make_query()
    sql, values = queryset.query.get_parameterized_sql()
    return sql, list(values)


@renders("Query", "mentors", arguments=["first", "after", "last", "before", "filter", "orderBy"])
def _mentors(build: Build, selected: Selected, _row: None) -> str:
    """The directory (`resolvers/directory/directory.py::mentors`): the same Tortoise query for the
    page,
    embedded, so filters and keyset seek are the ordinary path's own."""
    arguments = build.arguments(selected)
    cleaned = _filter(arguments)
    keys = ORDER_KEYS[MentorOrder(arguments.get("orderBy") or MentorOrder.NEWEST)]
    asked = page_slice(arguments)
    for given in (asked.after, asked.before):
        cursor_values(given, User, keys)  # declined here rather than refused by `sliced`
    # Nobody with a block between them and the viewer (`v`, bound per run), as the ordinary path.
    matching = directory.matching_mentors(cleaned, _viewer_id(build))
    limited = sliced(matching, keys, asked)
    page_sql = build.embed(*_sql_of(limited.values(*(name for name, _ in keys))))
    if not asked.size:
        # `first: 0` reads nothing in the ordinary path, so hasNextPage is false there.
        page_sql = f"SELECT * FROM ({page_sql}) nothing LIMIT 0"
    read = reverse(keys) if asked.backward else keys
    rank = ", ".join(f"p.{name} {'DESC' if d else 'ASC'}" for name, d in read)
    u, x = build.alias("u"), build.alias("x")
    ranked = (
        f"(SELECT p.id, row_number() OVER (ORDER BY {rank}) AS n FROM ({page_sql}) p) {x}"
        f" JOIN {USERS} {u} ON {u}.id = {x}.id"
    )

    def cursor() -> str:
        if all(User._meta.fields_map[name].field_type is int for name, _ in keys):
            return js.int_cursor([f"{u}.{name}" for name, _ in keys])
        # Text keys: JSON-escaped by Python's `json.dumps` (ASCII escapes): done in finish.
        columns = ", ".join(f"{u}.{name}" for name, _ in keys)
        return build.marker("cursor", f"json_build_array({columns})")

    def total() -> str:
        count_sql = build.embed(*_sql_of(matching.values("id")))
        return f"(SELECT count(*) FROM ({count_sql}) matching)"

    page = Page(
        ranked=ranked,
        alias=x,
        slice=asked,
        item=lambda child: user_object(build, child, u),
        cursor=cursor,
        total=total,
    )
    return connection(build, selected, page)


_FACETS = {
    "tags": FacetKind.TAGS,
    "countries": FacetKind.COUNTRIES,
    "spokenLanguages": FacetKind.LANGUAGES,
}


def _viewer_id(build: Build) -> str | None:
    """The viewer's id as SQL: their row's (`v`, which the statement binds for each run)."""
    return None if build.viewer is None else f"{build.viewer}.id"


@renders("Query", "mentorFacets", arguments=["filter"])
def _mentor_facets(build: Build, selected: Selected, _row: None) -> str:
    """`mentorFacets` (`mentorgraph.models.directory.directory.facet_query`, embedded)."""
    return object_sql(build, selected, _filter(build.arguments(selected)))


@renders("MentorFacets", *_FACETS)
def _facet(build: Build, child: Selected, cleaned: MentorFilter) -> str:
    counted, column = directory.facet_query(cleaned, _FACETS[child.name], _viewer_id(build))
    f = build.alias("f")
    one = object_sql(build, child, (f, column))
    rows = build.embed(*_sql_of(counted))
    return (
        f"(SELECT coalesce(json_agg({one} ORDER BY {f}.count DESC, {f}.{column}), '[]')"
        f" FROM ({rows}) {f})"
    )


@renders("FacetCount", "value", "count")
def _facet_count(build: Build, child: Selected, row: tuple[str, str]) -> str:
    f, column = row
    return f"{f}.{column}" if child.name == "value" else f"{f}.count"


def is_root_declared(name: str) -> bool:
    """Whether the root field `name` is compiled (the prepared operation's first check)."""
    return name == "__typename" or ("Query", name) in FIELDS


def viewer_conditions(build: Build, viewer_id: int, checks_session: bool) -> tuple[str, int]:
    """The conditions on the viewer's row (`v`) under which a compiled statement answers, once
    everything it reads is rendered (`build.requires_admin` is known then), and where the
    viewer's id sits in the parameters. Its row must exist and not be anonymised, be in good
    standing (a suspended or banned viewer gets nothing: the ordinary path refuses the token,
    `mentorgraph/security.py`, even one without a session), be an admin's where an admins' view
    is read (`admin.py`) and, with `checks_session`, the token's session must be live."""
    conditions = f"v.id = {build.param(viewer_id)}::bigint AND v.deleted_at IS NULL"
    viewer_at = len(build.params) - 1
    if checks_session:
        conditions += f" AND {sessions.live_sql(build.session(), 'v.id')}"
    now = f"{build.renewed_param(clock.now)}::timestamptz"
    conditions += f" AND {good_standing_sql('v', now)}"
    if build.requires_admin:
        conditions += f" AND {ADMIN_ONLY.sql('v', '')}"
    return conditions, viewer_at


def compile_operation(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: VariableValues,
    viewer_id: int | None,
    session_id: int | None = None,
    *,
    checks_session: bool = False,
) -> Statement:
    """The statement answering the operation's root fields; `Unsupported` when it cannot.

    Signed in, the statement reads the viewer's row (`v`) itself, and answers nothing (NULL)
    when it no longer exists, was anonymised (`models/accounts/account_deletion.py`) or is not in
    good standing: the ordinary path then refuses the token. With `checks_session`, it also answers
    nothing when the token's session has ended (`mentorgraph.models.accounts.sessions.live_sql`):
    the caller then makes the ordinary check, which refuses the token as before, so a read with a
    session's
    token is one round trip, not two."""
    query_type = schema.query_type
    assert query_type is not None
    roots = collect(schema, query_type, [operation.selection_set], fragments, variables)
    build = Build(schema, fragments, variables, None if viewer_id is None else "v")
    build.session_id = session_id
    entries = []
    for key, selected in roots.items():
        if selected.name == "__typename":
            entries.append((key, "'Query'"))
            continue
        entries.append((key, field_sql(build, "Query", selected, None)))
    sql = f"SELECT json_build_object('data', {json_object(entries)})::text"
    viewer_at = None
    if viewer_id is not None:
        conditions, viewer_at = viewer_conditions(build, viewer_id, checks_session)
        sql += f" FROM {USERS} v WHERE {conditions}"
    return build.statement(sql, viewer_at)
