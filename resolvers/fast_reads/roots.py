"""The root fields the fast path answers, and the statement for a whole operation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import FragmentDefinitionNode, GraphQLObjectType, GraphQLSchema, VariableValues

from models import directory
from models import json_sql as js
from models.directory import ORDER_KEYS, FacetKind, MentorFilter, MentorOrder
from models.errors import RuleViolation
from models.users import User
from resolvers.errors import BadUserInput
from resolvers.fast_reads.build import Build, Statement, each, json_object
from resolvers.fast_reads.connections import Page, connection, cursor_values, page_slice
from resolvers.fast_reads.requests import one_request
from resolvers.fast_reads.selection import Selected, Unsupported, UnsupportedValue
from resolvers.fast_reads.users import USERS, one_user, user_object
from resolvers.ids import decode_global_id
from resolvers.pagination import reverse, sliced

__all__ = ["ROOT_FIELDS", "compile_operation"]


def _node(build: Build, selected: Selected) -> str:
    try:
        type_name, pk = decode_global_id(build.arguments(selected)["id"])
    except BadUserInput:
        raise UnsupportedValue("bad id") from None
    one = _NODES.get(type_name)
    if one is None:
        raise UnsupportedValue(f"node of {type_name}")
    # The sub-selection is collected for the id's type (fragments on it or on Node apply).
    runtime = build.schema.get_type(type_name)
    assert isinstance(runtime, GraphQLObjectType)
    return one(build, selected, f"{build.param(pk)}::bigint", runtime)


# The node types answered here, each by who may see it (as `resolvers/nodes.py::NODE_LOADERS`).
_NODES = {"User": one_user, "MentorshipRequest": one_request}


def _viewer(build: Build, selected: Selected) -> str:
    return "NULL" if build.viewer is None else one_user(build, selected, f"{build.viewer}.id")


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


def _mentors(build: Build, selected: Selected) -> str:
    """The directory (`resolvers/directory.py::mentors`): the same Tortoise query for the page,
    embedded, so filters and keyset seek are the ordinary path's own."""
    arguments = build.arguments(selected)
    cleaned = _filter(arguments)
    keys = ORDER_KEYS[MentorOrder(arguments.get("orderBy") or MentorOrder.NEWEST)]
    asked = page_slice(arguments)
    for given in (asked.after, asked.before):
        cursor_values(given, User, keys)  # declined here rather than refused by `sliced`
    matching = directory.matching_mentors(cleaned)
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


def _mentor_facets(build: Build, selected: Selected) -> str:
    """`mentorFacets` (`models.directory.facet_query`, embedded)."""
    cleaned = _filter(build.arguments(selected))

    def facet_sql(child: Selected) -> str:
        if child.name not in _FACETS:
            raise Unsupported(f"MentorFacets.{child.name}")
        counted, column = directory.facet_query(cleaned, _FACETS[child.name])
        f = build.alias("f")

        def count_field(part: Selected) -> str:
            if part.name == "value":
                return f"{f}.{column}"
            if part.name == "count":
                return f"{f}.count"
            raise Unsupported(f"FacetCount.{part.name}")

        one = each(build, child, count_field)
        rows = build.embed(*_sql_of(counted))
        return (
            f"(SELECT coalesce(json_agg({one} ORDER BY {f}.count DESC, {f}.{column}), '[]')"
            f" FROM ({rows}) {f})"
        )

    return each(build, selected, facet_sql)


_ROOTS: dict[str, Callable[[Build, Selected], str]] = {
    "node": _node,
    "viewer": _viewer,
    "mentors": _mentors,
    "mentorFacets": _mentor_facets,
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
    build = Build(schema, fragments, variables, None if viewer_id is None else "v")
    entries = []
    for key, selected in roots.items():
        if selected.name == "__typename":
            entries.append((key, "'Query'"))
            continue
        compile_root = _ROOTS.get(selected.name)
        if compile_root is None:
            raise Unsupported(f"Query.{selected.name}")
        entries.append((key, compile_root(build, selected)))
    sql = f"SELECT json_build_object('data', {json_object(entries)})::text"
    viewer_at = None
    if viewer_id is not None:
        sql += f" FROM {USERS} v WHERE v.id = {build.param(viewer_id)}::bigint"
        viewer_at = len(build.params) - 1
    return Statement(sql, build.params, build.has_markers, build.since_at, viewer_at)
