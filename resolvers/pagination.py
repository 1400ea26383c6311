"""Keyset pagination: an opaque cursor holds the sort key of the last row seen (no offsets)."""

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

from resolvers.errors import BadUserInput, check_range

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "NEWEST_FIRST",
    "OrderKey",
    "Page",
    "check_first",
    "cursor_fits",
    "decode_cursor",
    "encode_cursor",
    "keyset_page",
    "seek_after",
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


def check_first(first: int | None) -> int:
    return DEFAULT_PAGE_SIZE if first is None else check_range("first", first, 0, MAX_PAGE_SIZE)


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise BadUserInput(f"'{cursor}' is not a valid cursor for this list.", field="after")
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        raise BadUserInput(f"'{cursor}' is not a valid cursor for this list.", field="after")
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


async def keyset_page(
    queryset: QuerySet[M],
    order: Sequence[OrderKey],
    *,
    first: int | None,
    after: str | None,
) -> Page[M]:
    size = check_first(first)
    page_qs = queryset
    if after:
        values = decode_cursor(after, len(order))
        if not cursor_fits(queryset.model, order, values):
            raise BadUserInput(f"'{after}' is not a valid cursor for this list.", field="after")
        page_qs = page_qs.filter(seek_after(order, values))
    ordering = [f"-{name}" if descending else name for name, descending in order]
    rows = await page_qs.order_by(*ordering).limit(size + 1) if size else []
    items = list(rows[:size])
    cursors = [encode_cursor([getattr(item, name) for name, _ in order]) for item in items]
    return Page(
        items=items,
        cursors=cursors,
        has_next_page=len(rows) > size,
        count=queryset.count,
    )
