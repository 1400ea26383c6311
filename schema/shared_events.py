"""Run a subscription event's selection set once per viewer and document, not per socket.

A live event is one object handed to every subscription that may see it (see
`mentorgraph.bus`). Subscriptions of the same viewer with the same document and variables
would compute the same answer for it, each with its own fresh `Loaders`: with thousands of
them (one viewer's many tabs, an admin dashboard) that repeated execution is most of the cost
of a fan-out. This executor computes it once and hands the same result to all of them.

Nothing is shared across events, viewers, documents or variables: the key holds the event
object itself (replayed events are loaded per subscription, so they never share), the
operation, the variables and the viewer's id and role. Permissions were checked for each
subscription before the event reached execution (`resolvers.request_events`).
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from typing import Any

from graphql import OperationType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from resolvers.context import Context
from schema.awaitable import is_awaitable

__all__ = ["SharedEventExecution"]

# Results kept for reuse: enough for the events in flight at once, bounded for memory.
MAX_SHARED = 2048

# key -> (the objects whose ids are in the key, kept alive so ids stay unique; the result)
_shared: OrderedDict[tuple[Any, ...], tuple[tuple[Any, Any], Any]] = OrderedDict()


class SharedEventExecution(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Model instances are values, not pending work (see `schema.awaitable`); sub-executors
        # are shallow copies of this one and inherit it.
        self.is_awaitable = is_awaitable  # type: ignore[assignment]

    def execute_operation(self, serially: bool | None = None) -> Any:
        root, context = self.root_value, self.context_value
        if (
            root is None
            or self.operation.operation is not OperationType.SUBSCRIPTION
            or not isinstance(context, Context)
            or context.viewer is None
        ):
            return super().execute_operation(serially)
        viewer = context.viewer
        variables = json.dumps(self.variable_values.coerced, sort_keys=True, default=str)
        key = (id(root), id(self.operation), variables, viewer.id, viewer.is_admin)
        found = _shared.get(key)
        if found is not None:
            result = found[1]
            return asyncio.shield(result) if isinstance(result, asyncio.Future) else result
        result = super().execute_operation(serially)
        if self.is_awaitable(result):
            result = asyncio.ensure_future(result)
        _shared[key] = ((root, self.operation), result)
        if len(_shared) > MAX_SHARED:
            _shared.popitem(last=False)
        return asyncio.shield(result) if isinstance(result, asyncio.Future) else result
