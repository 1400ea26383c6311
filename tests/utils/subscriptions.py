"""Subscribing with gql (Python) over graphql-transport-ws, as a given user."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from mentorgraph.resolvers.pagination import encode_cursor
from mentorgraph.settings import Settings

# `after` this cursor replays every event from the beginning (the test database starts empty).
FROM_START = encode_cursor([0])

EVENTS = """
    subscription Events($after: String) {
      mentorshipRequestEvents(after: $after) {
        id cursor kind fromStatus toStatus note occurredAt
        request { id status mentor { id } mentee { id } }
        actor { id }
      }
    }
"""

# How long a test waits for an event that must come (a hang guard, not an assertion).
PATIENCE = 20.0


def ws_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://", 1) + "/graphql"


class EventReader:
    """One subscription's results: each push's `field`, waited for at most PATIENCE."""

    def __init__(
        self, results: AsyncGenerator[dict[str, Any], None], field: str = "mentorshipRequestEvents"
    ) -> None:
        self._results, self._field = results, field

    async def next(self) -> dict[str, Any]:
        result = await asyncio.wait_for(anext(self._results), PATIENCE)
        return result[self._field]  # type: ignore[no-any-return]

    async def take(self, count: int) -> list[dict[str, Any]]:
        return [await self.next() for _ in range(count)]


def transport(url: str, token: str | None) -> WebsocketsTransport:
    return WebsocketsTransport(
        url=ws_url(url),
        init_payload={"authorization": f"Bearer {token}"} if token else {},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        connect_timeout=PATIENCE,
    )


@asynccontextmanager
async def subscribed(
    url: str,
    token: str | None,
    after: str | None,
    *,
    document: str = EVENTS,
    field: str = "mentorshipRequestEvents",
) -> AsyncIterator[EventReader]:
    """`document` (a subscription with an `$after` cursor) followed as `token`'s holder."""
    async with Client(transport=transport(url, token)) as session:
        results = session.subscribe(GraphQLRequest(document, variable_values={"after": after}))
        try:
            yield EventReader(results, field)
        finally:
            await results.aclose()


async def posting_and_following(
    serve: Callable[..., Awaitable[str]], settings: Settings
) -> tuple[str, str]:
    """Where to post and where to follow: two processes on PostgreSQL (the bus's NOTIFY between
    them), one on SQLite."""
    posting = await serve()
    return posting, posting if settings.is_sqlite else await serve()
