"""The real Apollo Client 4 with `@apollo/client/link/persisted-queries` (npm, pinned under
tests/clients/apq/) against running servers: the first request sends the hash only, the retry
the document, the next one the hash only; `useGETForHashedQueries: true` sends hashed queries
as GET and mutations as POST. On PostgreSQL the GET client talks to a second server process,
which finds the documents the first one stored."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

from devkit.factories import make_mentor
from tests.utils.client import GraphQLClient
from tests.utils.node_clients import installed

HASH_ONLY_POST = {"method": "POST", "sentDocument": False}
DOCUMENT_POST = {"method": "POST", "sentDocument": True}
HASH_ONLY_GET = {"method": "GET", "sentDocument": False}


async def run_apollo(folder: Path, url: str, other_url: str) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        "node",
        str(folder / "apq.mjs"),
        cwd=folder,
        env={
            "PATH": str(Path(shutil.which("node") or "node").parent),
            "GRAPHQL_URL": f"{url}/graphql",
            "GRAPHQL_URL_2": f"{other_url}/graphql",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()
    return json.loads(out)


async def test_apollo_client_hashes_retries_and_gets(live_clients: list[GraphQLClient]) -> None:
    folder = installed("apq")
    mentor = await make_mentor(name="Ada")
    first, other = (str(c.http.base_url).rstrip("/") for c in (live_clients[0], live_clients[-1]))
    report = await run_apollo(folder, first, other)

    for step in report.values():
        assert step["error"] is None, report
    assert report["postFirst"]["requests"] == [HASH_ONLY_POST, DOCUMENT_POST]
    assert report["postAgain"]["requests"] == [HASH_ONLY_POST]
    edges = report["postFirst"]["data"]["mentors"]["edges"]
    assert [e["node"]["name"] for e in edges] == [mentor.name]
    assert report["postAgain"]["data"] == report["postFirst"]["data"]

    # useGETForHashedQueries: a stored query is one GET; a new one GET then POST with the
    # document (Apollo sends documents by POST), then GET alone; a mutation never goes by GET.
    assert report["getStored"]["requests"] == [HASH_ONLY_GET]
    assert report["getStored"]["data"] == report["postFirst"]["data"]
    assert report["getNew"]["requests"] == [HASH_ONLY_GET, DOCUMENT_POST]
    assert report["getNewAgain"]["requests"] == [HASH_ONLY_GET]
    assert report["getNew"]["data"] == {"viewer": None}
    assert report["getMutation"]["requests"] == [HASH_ONLY_POST, DOCUMENT_POST]
    assert report["getMutation"]["data"]["signUp"]["token"]
