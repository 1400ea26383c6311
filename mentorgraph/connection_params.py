"""The token in a WebSocket's `connection_init` payload, found as an HTTP header would be.

Clients put it in different places: `graphql-ws` users write `{authorization: "Bearer ..."}`,
GraphiQL spreads its headers pane into the payload (`{Authorization: "Bearer ..."}`), and some
setups nest the headers (`{headers: {Authorization: "Bearer ..."}}`). The key is matched without
regard to case, as an HTTP header's name is; a top-level key wins over a nested one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["AmbiguousAuthorization", "authorization_param"]


class AmbiguousAuthorization(ValueError):
    """The payload holds the key more than once (in different cases) with different values."""


def _find(params: Mapping[Any, object]) -> object | None:
    values = [
        value
        for key, value in params.items()
        if isinstance(key, str) and key.lower() == "authorization"
    ]
    if len({repr(value) for value in values}) > 1:
        raise AmbiguousAuthorization("'authorization' is given twice, with different values.")
    return values[0] if values else None


def authorization_param(params: Mapping[Any, object]) -> object | None:
    """The `authorization` value of a `connection_init` payload (None: none given).

    Not checked to be a string: the caller refuses anything else with its own message.
    """
    found = _find(params)
    if found is not None:
        return found
    headers = next(
        (
            value
            for key, value in params.items()
            if isinstance(key, str) and key.lower() == "headers"
        ),
        None,
    )
    return _find(headers) if isinstance(headers, Mapping) else None
