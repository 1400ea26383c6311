"""The same server twice on the test database, the fast read path off and on, each with a
client: what the fast path's tests compare."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from starlette.applications import Starlette

from mentorgraph.app import create_app
from mentorgraph.settings import Settings
from tests.utils.client import GraphQLClient

__all__ = ["AppPair", "app_pair"]


@dataclass
class AppPair:
    ordinary: GraphQLClient
    fast: GraphQLClient
    ordinary_app: Starlette
    fast_app: Starlette


@contextlib.asynccontextmanager
async def app_pair(settings: Settings) -> AsyncIterator[AppPair]:
    ordinary_app = create_app(settings.model_copy(update={"fast_reads": False}), manage_db=False)
    fast_app = create_app(settings.model_copy(update={"fast_reads": True}), manage_db=False)
    assert ordinary_app.state.fast_reads is None and fast_app.state.fast_reads is not None
    base = "http://testserver"
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=ordinary_app), base_url=base) as a,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=fast_app), base_url=base) as b,
    ):
        yield AppPair(
            GraphQLClient(a, ordinary_app.state.tokens),
            GraphQLClient(b, fast_app.state.tokens),
            ordinary_app,
            fast_app,
        )
