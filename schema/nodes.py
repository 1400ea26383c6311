"""`node(id:)` and `nodes(ids:)`: any entity by its global id."""

from __future__ import annotations

import strawberry

from resolvers import nodes
from schema.context import Info
from schema.node import Node

__all__ = ["NodeQuery"]


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its id; null when absent or not visible.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await nodes.load_node(info.context, id)

    @strawberry.field(description="Objects by id, in order; null for each absent or hidden one.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        return await nodes.load_nodes(info.context, ids)
