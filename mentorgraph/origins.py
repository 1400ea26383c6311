"""Which browser pages on other origins may use `/graphql`: one list for HTTP and WebSockets.

`ALLOWED_ORIGINS` (a JSON list of origins like "https://app.example.org", or "*" for any) is
normalised once here (lowercase scheme and host, default port dropped, as browsers send the
`Origin` header) and given to both transports:
- HTTP: CORS (`cors_middleware`). A preflight (OPTIONS) from an allowed origin is answered with
  the methods, request headers and credentials allowed; a simple or actual request from one gets
  `Access-Control-Allow-Origin` echoing its origin (never "*", so `credentials: "include"` works),
  with `Vary: Origin`. Any other origin gets no CORS header at all (a preflight: 400), so the
  browser withholds the answer. Requests without `Origin` (servers, curl) are untouched.
- WebSockets: the handshake from a page on another origin is refused with 403 unless allowed
  (browsers apply no CORS to WebSockets; `graphql_ws` passes the same list to Strawberry).
Same-origin pages (GraphiQL served by this server) need no entry.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse, Response
from starlette.types import Message, Send
from strawberry.http.websocket_origin import normalize_allowed_origins

__all__ = [
    "ALLOWED_METHODS",
    "ALLOWED_REQUEST_HEADERS",
    "AllowedOnlyCors",
    "cors_middleware",
    "normalized_origins",
]

ALLOWED_METHODS = ("GET", "POST")
# What the common clients send across origins: the token, the body's and answer's types,
# tracing ids, and Apollo Client's and Apollo Router's own (client awareness, CSRF prevention,
# persisted queries). A header not listed fails the preflight: add it here.
ALLOWED_REQUEST_HEADERS = (
    "Accept",
    "Authorization",
    "Content-Type",
    "X-Request-ID",
    "X-Read-After",
    "apollographql-client-name",
    "apollographql-client-version",
    "apollo-require-preflight",
    "x-apollo-operation-name",
    "graphql-client-name",
    "graphql-client-version",
)
# Headers of the answer a page may read: when to retry after a 503; the primary's WAL
# position after a mutation (read-your-writes with a read replica, `read_replica`).
EXPOSED_HEADERS = ("Retry-After", "X-Read-After")
# How long a browser may reuse a preflight's answer (seconds).
PREFLIGHT_MAX_AGE = 600


def normalized_origins(origins: Iterable[str]) -> tuple[str, ...]:
    """The allowed origins as browsers send them; ValueError for an entry that is no origin."""
    return tuple(sorted(normalize_allowed_origins(list(origins))))


class AllowedOnlyCors(CORSMiddleware):
    """Starlette's CORS, except that an origin not allowed gets no CORS header at all
    (Starlette's adds `Access-Control-Allow-Credentials` and the preflight's lists to it)."""

    def preflight_response(self, request_headers: Headers) -> Response:
        if not self.is_allowed_origin(request_headers["origin"]):
            return PlainTextResponse(
                "Disallowed CORS origin", status_code=400, headers={"Vary": "Origin"}
            )
        return super().preflight_response(request_headers)

    async def send(self, message: Message, send: Send, request_headers: Headers) -> None:
        origin = request_headers.get("origin")
        if (
            message["type"] == "http.response.start"
            and origin is not None
            and not self.is_allowed_origin(origin)
        ):
            headers = MutableHeaders(scope=message)
            headers["Vary"] = ", ".join([*headers.getlist("Vary"), "Origin"])
            await send(message)
            return
        await super().send(message, send, request_headers)


def cors_middleware(origins: tuple[str, ...]) -> Middleware:
    """CORS for the HTTP routes, from `normalized_origins(settings.allowed_origins)`."""
    return Middleware(
        AllowedOnlyCors,
        allow_origins=origins,
        allow_methods=ALLOWED_METHODS,
        allow_headers=ALLOWED_REQUEST_HEADERS,
        allow_credentials=True,
        expose_headers=EXPOSED_HEADERS,
        max_age=PREFLIGHT_MAX_AGE,
    )
