"""The practical limit: Starlette + asyncpg answering each shape from one SQL statement whose
result (the whole JSON body, built by PostgreSQL) is passed straight through.

Run as `python -m bench.bare` with DATABASE_URL and PORT; POST /bare/<shape> {"variables": ...}.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator

import asyncpg
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.shapes import SHAPES
from mentorgraph.models.sql import sole_value

__all__ = ["create_app"]


def create_app(database_url: str) -> Starlette:
    pool: asyncpg.Pool | None = None

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        nonlocal pool
        pool = await asyncpg.create_pool(
            database_url, min_size=1, max_size=20, server_settings={"timezone": "UTC"}
        )
        try:
            yield
        finally:
            await pool.close()

    async def answer(request: Request) -> Response:
        shape = SHAPES[int(request.path_params["shape"])]
        if shape.bare_sql is None:  # no statement of ours answers it (`bench.run.serves`)
            return Response(status_code=404)
        variables = json.loads(await request.body()).get("variables") or {}
        assert pool is not None
        # Read as mentorgraph's compiled statements are (no row limit: a parallel plan allowed).
        params = (variables[p] for p in shape.bare_params)
        body = await sole_value(pool, shape.bare_sql, *params)
        return Response(body, media_type="application/json")

    return Starlette(
        routes=[Route("/bare/{shape:int}", answer, methods=["POST"])], lifespan=lifespan
    )


if __name__ == "__main__":
    uvicorn.run(
        create_app(os.environ["DATABASE_URL"]),
        host="127.0.0.1",
        port=int(os.environ["PORT"]),
        log_level="warning",
        access_log=False,
    )
