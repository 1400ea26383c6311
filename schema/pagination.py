"""Relay connections over keyset pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry

from resolvers.pagination import Page

__all__ = ["Connection", "Edge", "PageInfo", "connection"]

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


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

    @strawberry.field(description="The page's items without cursors (the same as `edges.node`).")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many items the whole list holds (runs only if asked).")
    async def total_count(self) -> int:
        return await self._count()


def connection(page: Page[Any]) -> Connection[Any]:
    edges = [Edge(cursor=c, node=item) for c, item in zip(page.cursors, page.items, strict=True)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
        _count=page.count,
    )
