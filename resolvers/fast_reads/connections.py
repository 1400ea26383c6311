"""Relay connections (`edges`, `nodes`, `pageInfo`, `totalCount`) over ranked rows.

A list reads its rows in the page's direction (`Slice.backward`: the list's order reversed) and
ranks them 1..size+1 in that order, as `resolvers.pagination.keyset_page` reads them; the page
shows ranks 1..size, in the list's order (ranks descending for a backward page)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model

from resolvers.errors import BadUserInput
from resolvers.fast_reads.build import Build, each
from resolvers.fast_reads.selection import Selected, Unsupported, UnsupportedValue
from resolvers.pagination import OrderKey, Slice, checked_cursor

__all__ = ["Page", "connection", "cursor_values", "page_slice"]


@dataclass
class Page:
    """Rows ranked 1..size+1 in `ranked` (a FROM item whose rank is `{alias}.n`)."""

    ranked: str
    alias: str
    slice: Slice
    # SQL of one item (for a selection) and of its cursor, over the row(s) `ranked` yields.
    item: Callable[[Selected], str]
    cursor: Callable[[], str]
    total: Callable[[], str]


def page_slice(arguments: Mapping[str, Any]) -> Slice:
    """The page `first`/`after`/`last`/`before` ask for; what the ordinary path refuses is
    declined (it reports it)."""
    try:
        return Slice.of(
            arguments.get("first"),
            arguments.get("after"),
            arguments.get("last"),
            arguments.get("before"),
        )
    except BadUserInput:
        raise UnsupportedValue("page arguments refused") from None


def cursor_values(
    cursor: str | None, model: type[Model], order: Sequence[OrderKey]
) -> list[Any] | None:
    """The keys of a cursor (None without one), checked as `keyset_page` checks them; a cursor
    it would refuse, or whose values do not fit the columns, is declined."""
    if not cursor:
        return None
    try:
        return checked_cursor(model, order, cursor, "after")
    except BadUserInput:
        raise UnsupportedValue("bad cursor") from None


def connection(build: Build, selected: Selected, page: Page) -> str:
    """One aggregate over the ranked rows, whatever the selection: they are read once."""
    n = f"{page.alias}.n"
    size = int(page.slice.size)
    shown = f"{n} <= {size}"
    # The list's order, and its reverse, over the ranks.
    listed, reversed_ = (f"{n} DESC", n) if page.slice.backward else (n, f"{n} DESC")
    more = f"count(*) > {size}"

    def shown_items(item_sql: str) -> str:
        return f"coalesce(json_agg({item_sql} ORDER BY {listed}) FILTER (WHERE {shown}), '[]')"

    def cursor_at(order: str) -> str:
        return f"(array_agg({page.cursor()} ORDER BY {order}) FILTER (WHERE {shown}))[1]"

    def edge_field(part: Selected) -> str:
        if part.name == "cursor":
            return page.cursor()
        if part.name == "node":
            return page.item(part)
        raise Unsupported(f"Edge.{part.name}")

    def info_field(part: Selected) -> str:
        # `more` in the direction read, false the other way (`Slice.flags`).
        if part.name == "hasNextPage":
            return "false" if page.slice.backward else more
        if part.name == "hasPreviousPage":
            return more if page.slice.backward else "false"
        if part.name == "startCursor":
            return cursor_at(listed)
        if part.name == "endCursor":
            return cursor_at(reversed_)
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
