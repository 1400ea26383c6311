"""The rules every GraphQL request meets, over HTTP (`graphql_http`) and WebSocket (`ws_transport`).

Both transports call these functions and nothing else decides what a well-formed request is,
so the two cannot drift apart: a size limit (`Settings.max_body_bytes`: an HTTP body, a
WebSocket message), the shape of the parameters (a `query` string, `variables` and
`extensions` objects, `operationName` a string, `extensions.persistedQuery` Apollo's
`{version: 1, sha256Hash}`) and no NUL, lone surrogate or deep nesting anywhere
(`json_text`).
Who the token names is `TokenService`'s (also shared); a WebSocket re-checks it on every
`subscribe` and when the token expires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mentorgraph.json_text import text_problem
from mentorgraph.models.errors import FaultCode

__all__ = [
    "GraphQLParams",
    "RequestRefused",
    "check_size",
    "graphql_params",
    "too_large_message",
]


class RequestRefused(Exception):
    """A request that breaks a rule: the client's fault, answered with `code` (HTTP: `status`)."""

    def __init__(
        self, message: str, *, status: int = 400, code: str = FaultCode.BAD_USER_INPUT
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    @property
    def formatted(self) -> dict[str, Any]:
        return {"message": self.message, "extensions": {"code": self.code}}


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    # None only with `persisted_hash`: the client sent the hash instead of the document.
    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    # `extensions.persistedQuery.sha256Hash` (`mentorgraph.persisted_queries`), lowercase hex.
    persisted_hash: str | None = None


SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def too_large_message(max_bytes: int) -> str:
    return f"Request body exceeds {max_bytes} bytes."


def check_size(size: int, max_bytes: int) -> None:
    """An HTTP body or a WebSocket message of `size` bytes."""
    if size > max_bytes:
        raise RequestRefused(too_large_message(max_bytes), status=413)


def graphql_params(params: object, *, persisted: bool = False) -> GraphQLParams:
    """The request's parameters (a parsed JSON body, query string or `subscribe` payload).

    With `persisted` (HTTP), a `persistedQuery` extension may stand in for the `query`."""
    if not isinstance(params, dict):
        raise RequestRefused("Send a JSON object with a 'query' string.")
    extensions = params.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestRefused("'extensions' must be an object.")
    persisted_hash = persisted_query_hash(extensions) if persisted else None
    query = params.get("query")
    if not isinstance(query, str) and not (query is None and persisted_hash is not None):
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
    return GraphQLParams(query, variables, operation_name, persisted_hash)


def persisted_query_hash(extensions: dict[str, Any] | None) -> str | None:
    """`extensions.persistedQuery.sha256Hash` of Apollo's automatic persisted queries (version 1
    only), or None when the request carries no `persistedQuery`."""
    if extensions is None:
        return None
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise RequestRefused("'extensions.persistedQuery' must be {version: 1, sha256Hash}.")
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or SHA256_HEX.fullmatch(sha256) is None:
        raise RequestRefused("'sha256Hash' must be 64 lowercase hexadecimal digits.")
    return sha256
