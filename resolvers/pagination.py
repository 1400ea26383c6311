"""Keyset pagination: an opaque cursor holds the sort key of the last row seen (no offsets).

Every connection pages both ways, as the Relay cursor connections spec says: `first`/`after`
reads forward from a cursor (or the list's start), `last`/`before` backward from a cursor (or
the list's end); `after` and `before` may be given together (the page lies between them).
Choices where the spec lets the server choose:

- `first` and `last` together are refused (BAD_USER_INPUT): the spec allows it but advises
  against it, and no client sends it;
- neither given: the first `DEFAULT_PAGE_SIZE` items; `last` is limited to `MAX_PAGE_SIZE` as
  `first` is (both are checked by `Slice.of`, the one place that declares it);
- `hasPreviousPage` is true only when paging backward and more items lie before the page;
  forward, it is false (the spec's "if the server can efficiently determine..." left out: it
  would cost a second query on every page). Likewise `hasNextPage` is false when paging
  backward. Relay and Apollo's `relayStylePagination` only read the flag of the direction
  they page in;
- `startCursor`/`endCursor` are null on an empty page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from mentorgraph.resolvers.errors import BadUserInput, check_range

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "NEWEST_FIRST",
    "OrderKey",
    "Page",
    "Slice",
    "checked_cursor",
    "cursor_fits",
    "decode_cursor",
    "encode_cursor",
    "keyset_page",
    "reverse",
    "seek_after",
    "seek_before",
    "sliced",
]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

M = TypeVar("M", bound=Model)

# (field name, descending?) — the last key must be unique (the primary key).
OrderKey = tuple[str, bool]
# Newest first by the primary key (rows numbered in the order they were written).
NEWEST_FIRST: list[OrderKey] = [("id", True)]


@dataclass
class Page(Generic[M]):
    items: list[M]
    cursors: list[str]
    has_next_page: bool
    count: Callable[[], Awaitable[int]]
    has_previous_page: bool = False


@dataclass(frozen=True)
class Slice:
    """Which page of a list a connection's arguments ask for."""

    size: int
    after: str | None = None
    before: str | None = None
    # `last` given: the page is the `size` items nearest `before` (or the list's end).
    backward: bool = False

    @classmethod
    def of(
        cls,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Slice:
        """The page `first`/`after`/`last`/`before` ask for; BadUserInput for `first` and
        `last` together, or either outside 0..`MAX_PAGE_SIZE`."""
        if first is not None and last is not None:
            raise BadUserInput("Pass either 'first' or 'last', not both.", field="last")
        if last is not None:
            size = check_range("last", last, 0, MAX_PAGE_SIZE)
        elif first is not None:
            size = check_range("first", first, 0, MAX_PAGE_SIZE)
        else:
            size = DEFAULT_PAGE_SIZE
        return cls(size, after or None, before or None, last is not None)

    def page(self, rows: Sequence[M], cursors: Sequence[str]) -> tuple[list[M], list[str], bool]:
        """The page's items and cursors in list order, and whether more lie beyond it in the
        direction read, from the `size + 1` rows read in that direction."""
        more = len(rows) > self.size
        items, kept = list(rows[: self.size]), list(cursors[: self.size])
        if self.backward:
            items.reverse()
            kept.reverse()
        return items, kept, more

    def flags(self, more: bool) -> tuple[bool, bool]:
        """(hasNextPage, hasPreviousPage): `more` in the direction read, false the other way."""
        return (False, more) if self.backward else (more, False)


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int, field: str = "after") -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise BadUserInput(f"'{cursor}' is not a valid cursor for this list.", field=field)
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        raise BadUserInput(f"'{cursor}' is not a valid cursor for this list.", field=field)
    return values


def cursor_fits(model: type[Model], order: Sequence[OrderKey], values: Sequence[Any]) -> bool:
    """Whether each cursor value fits its column: a forged cursor must not reach the database
    (a string for an integer, or an integer out of the column's range, fails there)."""
    for (name, _), value in zip(order, values, strict=True):
        field = model._meta.fields_map[name]
        if field.field_type is int:
            bounds = field.constraints
            if not isinstance(value, int) or not bounds["ge"] <= value <= bounds["le"]:
                return False
        elif field.field_type is str and (not isinstance(value, str) or "\x00" in value):
            return False
    return True


def seek_after(order: Sequence[OrderKey], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in `order`: a >= x and ((a > x) or (a = x and b > y) or ...).

    The leading `a >= x` is implied by the alternatives but gives the planner a range on the
    first key, so PostgreSQL seeks the sort index deep into a list instead of filtering every
    row before the cursor (the bare `OR` form is not sargable). It is what the row-value
    comparison `(a, b) > (x, y)` would buy, and it also holds when the keys sort in different
    directions, which a single row-value comparison cannot express.
    """
    alternatives = []
    for i, (name, descending) in enumerate(order):
        equal = {f"{n}": v for (n, _), v in zip(order[:i], values[:i], strict=True)}
        beyond = {f"{name}__{'lt' if descending else 'gt'}": values[i]}
        alternatives.append(Q(**equal, **beyond))
    (first_name, first_descending), first_value = order[0], values[0]
    seek = Q(**{f"{first_name}__{'lte' if first_descending else 'gte'}": first_value})
    return seek & Q(*alternatives, join_type="OR")


def reverse(order: Sequence[OrderKey]) -> list[OrderKey]:
    """The same keys read the other way (a backward page reads its rows in this order)."""
    return [(name, not descending) for name, descending in order]


def seek_before(order: Sequence[OrderKey], values: Sequence[Any]) -> Q:
    """Rows strictly before `values` in `order`: after them in the reversed order."""
    return seek_after(reverse(order), values)


def checked_cursor(
    model: type[Model], order: Sequence[OrderKey], cursor: str, field: str
) -> list[Any]:
    """The keys of `cursor` (the argument `field`); BadUserInput unless they fit the columns."""
    values = decode_cursor(cursor, len(order), field)
    if not cursor_fits(model, order, values):
        raise BadUserInput(f"'{cursor}' is not a valid cursor for this list.", field=field)
    return values


def sliced(queryset: QuerySet[M], order: Sequence[OrderKey], page: Slice) -> QuerySet[M]:
    """`queryset` between the page's cursors, in the order the page reads it (reversed for
    a backward page), at most `size + 1` rows (one more tells whether more lie beyond)."""
    if page.after:
        after = checked_cursor(queryset.model, order, page.after, "after")
        queryset = queryset.filter(seek_after(order, after))
    if page.before:
        before = checked_cursor(queryset.model, order, page.before, "before")
        queryset = queryset.filter(seek_before(order, before))
    read = reverse(order) if page.backward else order
    ordering = [f"-{name}" if descending else name for name, descending in read]
    return queryset.order_by(*ordering).limit(page.size + 1)


async def keyset_page(queryset: QuerySet[M], order: Sequence[OrderKey], page: Slice) -> Page[M]:
    # The cursors are checked even for an empty page.
    read = sliced(queryset, order, page)
    rows = await read if page.size else []
    cursors = [encode_cursor([getattr(row, name) for name, _ in order]) for row in rows]
    items, kept, more = page.page(rows, cursors)
    has_next, has_previous = page.flags(more)
    return Page(
        items=items,
        cursors=kept,
        has_next_page=has_next,
        has_previous_page=has_previous,
        count=queryset.count,
    )
