"""A page of a Tortoise query, embedded: the ordinary path's own filters and keyset seek
(`mentorgraph.resolvers.pagination.sliced`), its SQL and values spliced into the operation's
statement."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tortoise.queryset import QuerySet

from mentorgraph.models import json_sql as js
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.connections import Page, connection, cursor_values, page_slice
from mentorgraph.resolvers.fast_reads.selection import Selected
from mentorgraph.resolvers.pagination import OrderKey, reverse, sliced

__all__ = ["int_keyset_connection", "sql_of"]


def sql_of(queryset: Any) -> tuple[str, list[Any]]:
    """The SQL and values a Tortoise query would send. NOTE: `_make_query` is Tortoise's own
    (1.1.9, pinned); `QuerySet.sql()` builds the same but gives no values."""
    queryset._make_query()
    sql, values = queryset.query.get_parameterized_sql()
    return sql, list(values)


def int_keyset_connection(
    build: Build,
    selected: Selected,
    queryset: QuerySet[Any],
    keys: Sequence[OrderKey],
    item: Callable[[Selected, str], str],
    tokens: Mapping[str, str] | None = None,
) -> str:
    """The connection `selected` asks for over `queryset` in the order `keys` (integer columns),
    as `mentorgraph.resolvers.pagination.keyset_page` pages it; `item(selection, alias)` renders one
    row of the query's table under `alias`. `tokens`: words of the query's raw SQL (`RawSQL`) to
    replace by SQL of the statement once embedded (a parameter `Build.renewed_param` renews)."""

    def embedded(query: Any) -> str:
        sql = build.embed(*sql_of(query))
        for token, replacement in (tokens or {}).items():
            sql = sql.replace(token, replacement)
        return sql

    arguments = build.arguments(selected)
    asked = page_slice(arguments)
    model = queryset.model
    for given in (asked.after, asked.before):
        cursor_values(given, model, keys)  # declined here rather than refused by `sliced`
    names = [name for name, _ in keys]
    assert "id" in names, "rows are joined back by id"
    page_sql = embedded(sliced(queryset, keys, asked).values(*names))
    if not asked.size:
        # `first: 0` reads nothing in the ordinary path, so hasNextPage is false there.
        page_sql = f"SELECT * FROM ({page_sql}) nothing LIMIT 0"
    table = model._meta.db_table
    row, x = build.alias("t"), build.alias("x")
    read = reverse(keys) if asked.backward else keys
    rank = ", ".join(f"p.{name} {'DESC' if d else 'ASC'}" for name, d in read)
    ranked = (
        f"(SELECT p.id, row_number() OVER (ORDER BY {rank}) AS n FROM ({page_sql}) p) {x}"
        f" JOIN {table} {row} ON {row}.id = {x}.id"
    )

    def total() -> str:
        count_sql = embedded(queryset.values("id"))
        return f"(SELECT count(*) FROM ({count_sql}) matching)"

    page = Page(
        ranked=ranked,
        alias=x,
        slice=asked,
        item=lambda child: item(child, row),
        cursor=lambda: js.int_cursor([f"{row}.{name}" for name, _ in keys]),
        total=total,
    )
    return connection(build, selected, page)
