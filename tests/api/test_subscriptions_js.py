"""The reference JavaScript client (`graphql-ws` from npm, on the machine's Node.js) against a
real server: subscribe, receive an approval, resume with `after`; a bad token gets 4403 at
`connection_init`; no token gets an `error` for the subscription and no reconnect."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from devkit.factories import make_mentor, make_request, make_user
from devkit.status import change_status
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.subscriptions import FROM_START, PATIENCE, ws_url

JS_DIR = Path(__file__).resolve().parents[1] / "js"


@pytest.fixture(scope="session")
def node_client() -> Path:
    """tests/js with its pinned packages installed (`npm ci` from the lockfile, once)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise pytest.UsageError("the JavaScript client tests need Node.js 20+ and npm")
    if not (JS_DIR / "node_modules" / "graphql-ws").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True, timeout=300
        )
    return JS_DIR / "subscribe.mjs"


class NodeSubscriber:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def next(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), PATIENCE)
        assert line, "the node client ended without printing"
        return json.loads(line)

    async def exit_code(self) -> int:
        return await asyncio.wait_for(self.process.wait(), PATIENCE)


async def run_node(script: Path, url: str, token: str | None, after: str | None, count: int) -> Any:
    process = await asyncio.create_subprocess_exec(
        "node",
        str(script),
        cwd=JS_DIR,
        env={
            "PATH": str(Path(shutil.which("node") or "node").parent),
            "WS_URL": ws_url(url),
            "TOKEN": token or "",
            "AFTER": after or "",
            "COUNT": str(count),
        },
        stdout=asyncio.subprocess.PIPE,
    )
    return NodeSubscriber(process)


async def test_graphql_ws_subscribes_receives_an_approval_and_resumes(
    serve: StartServer, client: GraphQLClient, node_client: Path
) -> None:
    url = await serve()
    mentor, mentee = await make_mentor(), await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    viewed = await change_status(request, RequestStatus.VIEWED, actor=mentor)
    token = client.tokens.issue(mentee)

    subscriber = await run_node(node_client, url, token, FROM_START, count=2)
    assert (await subscriber.next())["id"] == encode_global_id("RequestEvent", viewed.id)
    approved = await change_status(request, RequestStatus.APPROVED, actor=mentor)
    received = await subscriber.next()
    assert received["id"] == encode_global_id("RequestEvent", approved.id)
    assert (received["fromStatus"], received["toStatus"]) == ("VIEWED", "APPROVED")
    assert received["request"]["status"] == "APPROVED"
    assert await subscriber.exit_code() == 0

    # While nobody listens, the mentorship completes; resuming after the approval finds it.
    completed = await change_status(request, RequestStatus.COMPLETED, actor=mentee)
    resumed = await run_node(node_client, url, token, received["cursor"], count=1)
    assert (await resumed.next())["id"] == encode_global_id("RequestEvent", completed.id)
    assert await resumed.exit_code() == 0


async def test_graphql_ws_with_a_bad_token_is_closed_with_4403(
    serve: StartServer, node_client: Path
) -> None:
    url = await serve()
    subscriber = await run_node(node_client, url, "forged", None, count=1)
    # The reason says why, as an HTTP request's 401 does.
    assert await subscriber.next() == {
        "closed": 4403,
        "reason": "The token is invalid or expired: sign in again.",
    }
    assert await subscriber.exit_code() == 2


async def test_graphql_ws_without_a_token_gets_an_error_and_does_not_reconnect(
    serve: StartServer, node_client: Path
) -> None:
    url = await serve()
    # graphql-ws's default retry policy: a close after the ack would reconnect it forever.
    subscriber = await run_node(node_client.parent / "anonymous.mjs", url, None, None, count=1)
    answer = await subscriber.next()
    unauthenticated = [
        {
            "message": "Sign in first: send 'Authorization: Bearer <token>'.",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
    # Both subscriptions see the error; one socket served both, never closed.
    assert answer == {
        "first": {"error": unauthenticated},
        "second": {"error": unauthenticated},
        "opened": 1,
        "closed": [],
    }
    assert await subscriber.exit_code() == 0
