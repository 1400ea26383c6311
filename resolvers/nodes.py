"""Loading any entity by its global id, applying who may see it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.directory.applications import visible_application
from mentorgraph.resolvers.errors import BadUserInput
from mentorgraph.resolvers.ids import decode_global_id
from mentorgraph.resolvers.pagination import MAX_PAGE_SIZE
from mentorgraph.resolvers.requests.requests_read import visible_event, visible_request

__all__ = ["NODE_LOADERS", "load_node", "load_nodes"]


async def _user(ctx: Context, pk: int) -> Any:
    return await ctx.loaders.user.load(pk)


# Type name -> how to load one visible object of it. Features register their types here.
NODE_LOADERS: dict[str, Callable[[Context, int], Awaitable[Any]]] = {
    "User": _user,
    "MentorshipRequest": visible_request,
    "RequestEvent": visible_event,
    "MentorApplication": visible_application,
}


async def load_node(ctx: Context, global_id: str) -> Any:
    type_name, pk = decode_global_id(global_id)
    loader = NODE_LOADERS.get(type_name)
    return await loader(ctx, pk) if loader else None


async def load_nodes(ctx: Context, global_ids: Sequence[str]) -> list[Any]:
    if len(global_ids) > MAX_PAGE_SIZE:
        raise BadUserInput(f"Ask for at most {MAX_PAGE_SIZE} ids at once.", field="ids")
    # Loaders batch: the gathered loads of one type become one statement.
    return list(await asyncio.gather(*(load_node(ctx, i) for i in global_ids)))
