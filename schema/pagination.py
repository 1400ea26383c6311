"""Relay connections over keyset pages, paged both ways (`resolvers/pagination.py` says how).

Every field returning a connection takes the four arguments the Relay cursor connections spec
names; declare them with `PageArguments` so they read the same everywhere:

    async def things(self, info: Info, first: First = None, after: After = None,
                     last: Last = None, before: Before = None) -> Connection[Thing]:
        page = await resolvers.things(info.context, Slice.of(first, after, last, before))
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from mentorgraph.resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page
from mentorgraph.schema.resolver_fields import field_resolver

__all__ = ["After", "Before", "Connection", "Edge", "First", "Last", "PageInfo", "connection"]

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page forward: at most this many items after `after` (or from the start);"
        f" 0 to {MAX_PAGE_SIZE}, {DEFAULT_PAGE_SIZE} when neither `first` nor `last` is given."
        " Not together with `last`."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Only items after this cursor (an `endCursor` or a `cursor`)."),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description=f"Page backward: at most this many items before `before` (or from the end);"
        f" 0 to {MAX_PAGE_SIZE}. Not together with `first`."
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(
        description="Only items before this cursor (a `startCursor` or a `cursor`)."
    ),
]

T = TypeVar("T")


@strawberry.type(description="Where a page lies in its list (the Relay cursor connections spec).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Paging forward (`first`): whether more items follow this page."
        " False when paging backward."
    )
    has_previous_page: bool = strawberry.field(
        description="Paging backward (`last`): whether more items precede this page."
        " False when paging forward."
    )
    start_cursor: str | None = strawberry.field(
        description="The first item's cursor (the next `before`); null on an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="The last item's cursor (the next `after`); null on an empty page."
    )


@strawberry.type(description="One item of a page, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Opaque: pass it as `after` to read the items after this one."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(
    description="A page of a list (a Relay connection): `first` items after the cursor `after`;"
    " `pageInfo` says whether more follow and where the page ends."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The page's items with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where the page ends and what follows.")
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @field_resolver(description="The page's items without cursors (the same as `edges.node`).")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @field_resolver(description="How many items the whole list holds (runs only if asked).")
    async def total_count(self) -> int:
        return await self._count()


def connection(page: Page[Any]) -> Connection[Any]:
    edges = [Edge(cursor=c, node=item) for c, item in zip(page.cursors, page.items, strict=True)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        _count=page.count,
    )
