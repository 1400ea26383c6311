"""A request's message thread over real HTTP: servers (the fast read path on and off) and the
documents the thread tests send."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx

from mentorgraph.models.accounts.users import User
from mentorgraph.security import TokenService
from mentorgraph.settings import Settings
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.lifecycle import request_gid

SEND = """
mutation Send($id: ID!, $text: String!) {
  sendMentorshipRequestMessage(input: {requestId: $id, text: $text}) {
    message { id cursor kind fromStatus toStatus note actor { id } request { id status } }
    userErrors { code field message retryAfterSeconds }
  }
}"""

THREAD = """
query Thread($id: ID!) {
  node(id: $id) {
    ... on MentorshipRequest {
      id
      messages { id cursor kind fromStatus toStatus note actor { id } }
      history { kind fromStatus toStatus }
    }
  }
}"""


def tokens_for(settings: Settings) -> TokenService:
    return TokenService(settings.resolved_jwt_secret, timedelta(hours=1))


@contextlib.asynccontextmanager
async def http_clients(settings: Settings, urls: list[str]) -> AsyncIterator[list[GraphQLClient]]:
    """One GraphQL client per server URL, over real HTTP."""
    tokens = tokens_for(settings)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    async with contextlib.AsyncExitStack() as stack:
        clients = []
        for url in urls:
            http = httpx.AsyncClient(base_url=url, timeout=60, limits=limits)
            await stack.enter_async_context(http)
            clients.append(GraphQLClient(http, tokens))
        yield clients


@contextlib.asynccontextmanager
async def both_paths(
    serve: StartServer, settings: Settings, **overrides: object
) -> AsyncIterator[list[GraphQLClient]]:
    """Clients of two real servers: the fast read path on (PostgreSQL) and off."""
    urls = [await serve(**overrides), await serve(fast_reads=False, **overrides)]
    async with http_clients(settings, urls) as clients:
        yield clients


async def send(
    client: GraphQLClient, author: User | None, request_id: int, text: str
) -> dict[str, Any]:
    """The payload of `sendMentorshipRequestMessage` (asserts no top-level error)."""
    response = await client.execute(
        SEND, {"id": request_gid(request_id), "text": text}, as_user=author
    )
    return response.data["sendMentorshipRequestMessage"]  # type: ignore[no-any-return]


async def thread(client: GraphQLClient, viewer: User | None, request_id: int) -> Any:
    """The request node with its thread and history as `viewer` sees it (None: not theirs)."""
    response = await client.execute(THREAD, {"id": request_gid(request_id)}, as_user=viewer)
    return response.data["node"]
