"""Our graphql-transport-ws handler: Strawberry's, with the 4403 rule for a missing token.

`connection_init` without a token is accepted (future public subscriptions may need none);
a subscription that needs a viewer then refuses at subscribe time by closing the socket with
4403, as a bad token does, and the close reason carries the UNAUTHENTICATED message.
"""

from __future__ import annotations

from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.types.execution import ExecutionResult

from resolvers.context import Context

__all__ = ["TransportHandler"]

# Close code for a refused token (graphql-transport-ws: "Forbidden").
FORBIDDEN = 4403
# A WebSocket close reason holds at most 123 bytes of UTF-8.
MAX_REASON_BYTES = 123


def _close_reason(message: str) -> str:
    encoded = message.encode()
    if len(encoded) <= MAX_REASON_BYTES:
        return message
    return encoded[: MAX_REASON_BYTES - 3].decode(errors="ignore") + "..."


class TransportHandler(BaseGraphQLTransportWSHandler[Any, None]):
    async def _send_result_stream(
        self, operation: Operation[Any, None], result_source: Any
    ) -> None:
        first = True

        async def results() -> Any:
            nonlocal first
            async for result in result_source:
                if first and self._anonymous_refused(result):
                    await self.websocket.close(
                        code=FORBIDDEN, reason=_close_reason(result.errors[0].message)
                    )
                    self.operations.pop(operation.id, None)
                    operation.completed = True
                    return
                first = False
                yield result

        await super()._send_result_stream(operation, results())

    def _anonymous_refused(self, result: object) -> bool:
        """The operation's first answer is UNAUTHENTICATED on a socket without a viewer."""
        if not isinstance(result, ExecutionResult) or not result.errors:
            return False
        context = self.context
        if not isinstance(context, Context) or context.viewer is not None:
            return False
        return (result.errors[0].extensions or {}).get("code") == "UNAUTHENTICATED"
