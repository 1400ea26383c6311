"""Relay clients against the schema (issue 13, item 4): `relay-compiler` compiles operations that
page with `@connection` (forward, and both ways), and Apollo Client's `relayStylePagination`
keeps every page it fetches, forward and backward, from a running server (on PostgreSQL the
fast read path answers the directory; on SQLite the ordinary executor).

The packages are pinned in tests/clients/relay/package-lock.json and installed by the test."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from devkit.factories import make_mentor
from devkit.live_server import LiveServer
from tests.utils.node_clients import installed

GENERATED = "__generated__"
# The operations in tests/clients/relay/src/, as relay-compiler names its artifacts.
ARTIFACTS = {
    "DirectoryQuery", "DirectoryPaginationQuery", "Directory_mentors",
    "FavoritesQuery", "FavoritesPaginationQuery", "Favorites_user",
    "ReceivedRequestsQuery", "ReceivedRequestsPaginationQuery", "ReceivedRequests_user",
}  # fmt: skip


@pytest.fixture(scope="module")
def relay_suite() -> Path:
    return installed("relay")


def test_relay_compiler_accepts_connections_against_the_schema(relay_suite: Path) -> None:
    output = relay_suite / GENERATED
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir()  # relay-compiler writes into an existing directory only
    compiled = subprocess.run(
        [str(relay_suite / "node_modules" / ".bin" / "relay-compiler")],
        cwd=relay_suite,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    written = {path.name.removesuffix(".graphql.js") for path in output.glob("*.graphql.js")}
    assert written == ARTIFACTS
    # Paged both ways: the refetch query carries `last`/`before`, the fragment both directions.
    both_ways = (output / "ReceivedRequests_user.graphql.js").read_text()
    assert '"direction": "bidirectional"' in both_ways
    assert "hasPreviousPage" in (output / "ReceivedRequestsPaginationQuery.graphql.js").read_text()


async def _directory_cursors(url: str) -> tuple[list[str], list[str]]:
    """The whole directory by name: each mentor's name and cursor (one plain request)."""
    query = "{ mentors(orderBy: NAME, first: 100) { edges { cursor node { name } } } }"
    async with httpx.AsyncClient(timeout=30) as http:
        answer = (await http.post(f"{url}/graphql", json={"query": query})).json()
    edges = answer["data"]["mentors"]["edges"]
    return [e["node"]["name"] for e in edges], [e["cursor"] for e in edges]


async def test_apollo_relay_style_pagination_keeps_every_page(
    relay_suite: Path, live_server: LiveServer
) -> None:
    for letter in "HDAFCGBE":
        await make_mentor(name=f"Mentor {letter}")
    names, cursors = await _directory_cursors(live_server.url)
    assert names == [f"Mentor {letter}" for letter in "ABCDEFGH"]

    # Page C-D (after B), fetchMore forward E-F, then fetchMore backward A-B.
    process = await asyncio.create_subprocess_exec(
        "node",
        "apollo_pages.mjs",
        cwd=relay_suite,
        env={
            "PATH": str(Path(shutil.which("node") or "node").parent),
            "GRAPHQL_URL": f"{live_server.url}/graphql",
            "START_AFTER": cursors[1],
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, (out + err).decode()
    cached = json.loads(out.decode().strip().splitlines()[-1])
    assert cached["requests"] == 3
    assert cached["names"] == names[:6]
    assert cached["cursors"] == cursors[:6]
    assert cached["pageInfo"] == {
        "__typename": "PageInfo",
        "hasNextPage": True,  # G and H follow
        "hasPreviousPage": False,  # nothing precedes A
        "startCursor": cursors[0],
        "endCursor": cursors[5],
    }
