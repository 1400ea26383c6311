"""The rules every GraphQL request meets, over HTTP (`graphql_http`) and WebSocket (`ws_transport`).

Both transports call these functions and nothing else decides what a well-formed request is,
so the two cannot drift apart: a size limit (`Settings.max_body_bytes`: an HTTP body, a
WebSocket message), the shape of the parameters (a `query` string, `variables` an object,
`operationName` a string) and no NUL anywhere. Who the token names is `TokenService`'s (also
shared); a WebSocket re-checks it on every `subscribe` and when the token expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "GraphQLParams",
    "RequestRefused",
    "check_size",
    "contains_nul",
    "graphql_params",
    "too_large_message",
]


class RequestRefused(Exception):
    """A request that breaks a rule: the client's fault, answered with `code` (HTTP: `status`)."""

    def __init__(self, message: str, *, status: int = 400, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    @property
    def formatted(self) -> dict[str, Any]:
        return {"message": self.message, "extensions": {"code": self.code}}


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


def too_large_message(max_bytes: int) -> str:
    return f"Request body exceeds {max_bytes} bytes."


def check_size(size: int, max_bytes: int) -> None:
    """An HTTP body or a WebSocket message of `size` bytes."""
    if size > max_bytes:
        raise RequestRefused(too_large_message(max_bytes), status=413)


def contains_nul(value: Any) -> bool:
    """Whether any string in a parsed JSON value holds a NUL character.

    No field accepts one, and PostgreSQL cannot store one in text: refuse it at the door rather
    than let it fail deep inside a resolver. A loop, not recursion: any nesting depth is fine.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def graphql_params(params: object) -> GraphQLParams:
    """The request's parameters (a parsed JSON body, query string or `subscribe` payload)."""
    if not isinstance(params, dict) or not isinstance(params.get("query"), str):
        raise RequestRefused("Send a JSON object with a 'query' string.")
    if contains_nul(params):
        raise RequestRefused("Text must not contain NUL characters.")
    variables = params.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise RequestRefused("'variables' must be an object.")
    operation_name = params.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestRefused("'operationName' must be a string.")
    return GraphQLParams(params["query"], variables, operation_name)
