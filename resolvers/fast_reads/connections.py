"""Relay connections (`edges`, `nodes`, `pageInfo`, `totalCount`) over ranked rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model

from resolvers.errors import BadUserInput
from resolvers.fast_reads.build import Build, each
from resolvers.fast_reads.selection import Selected, Unsupported, UnsupportedValue
from resolvers.pagination import OrderKey, check_first, cursor_fits, decode_cursor

__all__ = ["Page", "after_values", "connection", "page_size"]


@dataclass
class Page:
    """Rows ranked 1..size+1 in `ranked` (a FROM item whose rank is `{alias}.n`)."""

    ranked: str
    alias: str
    size: int
    # SQL of one item (for a selection) and of its cursor, over the row(s) `ranked` yields.
    item: Callable[[Selected], str]
    cursor: Callable[[], str]
    total: Callable[[], str]


def page_size(arguments: Mapping[str, Any]) -> int:
    try:
        return check_first(arguments.get("first"))
    except BadUserInput:
        raise UnsupportedValue("first out of range") from None


def after_values(
    arguments: Mapping[str, Any], model: type[Model], order: Sequence[OrderKey]
) -> list[Any] | None:
    """The keys of the `after` cursor (None without one), checked as `keyset_page` checks them;
    a cursor it would refuse, or whose values do not fit the columns, is declined."""
    if not arguments.get("after"):
        return None
    try:
        values = decode_cursor(arguments["after"], len(order))
    except BadUserInput:
        raise UnsupportedValue("bad cursor") from None
    if not cursor_fits(model, order, values):
        raise UnsupportedValue("cursor beyond its columns")
    return values


def connection(build: Build, selected: Selected, page: Page) -> str:
    """One aggregate over the ranked rows, whatever the selection: they are read once."""
    n = f"{page.alias}.n"
    shown = f"{n} <= {int(page.size)}"

    def shown_items(item_sql: str) -> str:
        return f"coalesce(json_agg({item_sql} ORDER BY {n}) FILTER (WHERE {shown}), '[]')"

    def edge_field(part: Selected) -> str:
        if part.name == "cursor":
            return page.cursor()
        if part.name == "node":
            return page.item(part)
        raise Unsupported(f"Edge.{part.name}")

    def info_field(part: Selected) -> str:
        if part.name == "hasNextPage":
            return f"count(*) > {int(page.size)}"
        if part.name == "endCursor":
            return f"(array_agg({page.cursor()} ORDER BY {n} DESC) FILTER (WHERE {shown}))[1]"
        raise Unsupported(f"PageInfo.{part.name}")

    def field_sql(child: Selected) -> str:
        if child.name == "nodes":
            return shown_items(page.item(child))
        if child.name == "edges":
            return shown_items(each(build, child, edge_field))
        if child.name == "pageInfo":
            return each(build, child, info_field)
        if child.name == "totalCount":
            return page.total()
        raise Unsupported(f"Connection.{child.name}")

    # HAVING makes it one aggregate row even when the selection aggregates nothing (only
    # `__typename` or `totalCount`): otherwise one row per ranked row, or none.
    return f"(SELECT {each(build, selected, field_sql)} FROM {page.ranked} HAVING true)"
