"""`node(id:)` and `nodes(ids:)`: any entity by its global id."""

from __future__ import annotations

from typing import Annotated

import strawberry

from mentorgraph.models.accounts.users import User
from mentorgraph.resolvers import nodes
from mentorgraph.resolvers.accounts import users
from mentorgraph.schema.context import Info
from mentorgraph.schema.node_interface import Node
from mentorgraph.schema.resolver_fields import field_resolver
from mentorgraph.schema.selection import own_fields

__all__ = ["NodeQuery"]


@strawberry.type
class NodeQuery:
    @field_resolver(description="Any object by its id; null when absent or not visible.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id (any `id`).")],
    ) -> Node | None:
        found = await nodes.load_node(info.context, id)
        if isinstance(found, User):
            # One mentor's profile: its relations load together, and its fields answer at once.
            await users.preload(info.context, [found], own_fields(info))
        # A model row: strawberry picks its Node type by `is_type_of`.
        node: Node | None = found
        return node

    @field_resolver(description="Objects by id, in order; null for each absent or hidden one.")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Global ids, any types mixed.")
        ],
    ) -> list[Node | None]:
        return await nodes.load_nodes(info.context, ids)
