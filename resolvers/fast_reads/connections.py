"""Relay connections (`edges`, `nodes`, `pageInfo`, `totalCount`) over ranked rows.

A list reads its rows in the page's direction (`Slice.backward`: the list's order reversed) and
ranks them 1..size+1 in that order, as `mentorgraph.resolvers.pagination.keyset_page` reads them;
the page
shows ranks 1..size, in the list's order (ranks descending for a backward page)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model

from mentorgraph.resolvers.errors import BadUserInput
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.fields import declare, object_sql, renders
from mentorgraph.resolvers.fast_reads.selection import Selected, UnsupportedValue
from mentorgraph.resolvers.pagination import OrderKey, Slice, checked_cursor

__all__ = ["Page", "connection", "cursor_values", "declare_connection", "page_slice"]


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

    def on_page(self) -> str:
        """Ranks 1..size are shown; rank size + 1 only says that more follow."""
        return f"{self.alias}.n <= {int(self.slice.size)}"

    def orders(self) -> tuple[str, str]:
        """The list's order over the ranks, and its reverse."""
        n = f"{self.alias}.n"
        return (f"{n} DESC", n) if self.slice.backward else (n, f"{n} DESC")

    def shown(self, item_sql: str) -> str:
        """The items on the page as a JSON array, in the list's order."""
        listed, _ = self.orders()
        return (
            f"coalesce(json_agg({item_sql} ORDER BY {listed}) FILTER (WHERE {self.on_page()}),"
            " '[]')"
        )


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
    """One aggregate over the ranked rows, whatever the selection: they are read once.
    HAVING makes it one aggregate row even when the selection aggregates nothing (only
    `__typename` or `totalCount`): otherwise one row per ranked row, or none."""
    return f"(SELECT {object_sql(build, selected, page)} FROM {page.ranked} HAVING true)"


def declare_connection(connection_type: str, edge_type: str) -> None:
    """The fields of a Relay connection type and of its edge type, over a `Page`."""
    declare(connection_type, ["nodes"], lambda b, child, page: page.shown(page.item(child)))
    declare(
        connection_type,
        ["edges"],
        lambda b, child, page: page.shown(object_sql(b, child, page)),
    )
    declare(connection_type, ["pageInfo"], lambda b, child, page: object_sql(b, child, page))
    declare(connection_type, ["totalCount"], lambda b, child, page: page.total())
    declare(edge_type, ["cursor"], lambda b, child, page: page.cursor())
    declare(edge_type, ["node"], lambda b, child, page: page.item(child))


@renders("PageInfo", "hasNextPage", "hasPreviousPage", "startCursor", "endCursor")
def _page_info(build: Build, child: Selected, page: Page) -> str:
    # `more` in the direction read, false the other way (`Slice.flags`).
    more = f"count(*) > {int(page.slice.size)}"
    if child.name == "hasNextPage":
        return "false" if page.slice.backward else more
    if child.name == "hasPreviousPage":
        return more if page.slice.backward else "false"
    listed, reversed_ = page.orders()
    order = listed if child.name == "startCursor" else reversed_
    return f"(array_agg({page.cursor()} ORDER BY {order}) FILTER (WHERE {page.on_page()}))[1]"


declare_connection("UserConnection", "UserEdge")
declare_connection("MentorshipRequestConnection", "MentorshipRequestEdge")
