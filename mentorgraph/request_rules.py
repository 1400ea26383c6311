"""The rules every GraphQL request meets, over HTTP (`graphql_http`) and WebSocket (`ws_transport`).

Both transports call these functions and nothing else decides what a well-formed request is,
so the two cannot drift apart: a size limit (`Settings.max_body_bytes`: an HTTP body, a
WebSocket message), the shape of the parameters (a `query` string, `variables` and
`extensions` objects, `operationName` a string) and no NUL, lone surrogate or deep nesting
anywhere (`json_text`).
Who the token names is `TokenService`'s (also shared); a WebSocket re-checks it on every
`subscribe` and when the token expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mentorgraph.json_text import text_problem

__all__ = [
    "GraphQLParams",
    "RequestRefused",
    "check_size",
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


def graphql_params(params: object) -> GraphQLParams:
    """The request's parameters (a parsed JSON body, query string or `subscribe` payload)."""
    if not isinstance(params, dict) or not isinstance(params.get("query"), str):
        raise RequestRefused("Send a JSON object with a 'query' string.")
    problem = text_problem(params)
    if problem is not None:
        raise RequestRefused(problem)
    variables = params.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise RequestRefused("'variables' must be an object.")
    operation_name = params.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestRefused("'operationName' must be a string.")
    extensions = params.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestRefused("'extensions' must be an object.")
    return GraphQLParams(params["query"], variables, operation_name)
