"""What a server process keeps for each open socket and live subscription, and at start.

Issue 18 asks for 10,000 subscribers in under 300 MB on one process (`docs/benchmarks.md`,
round nine): what these pin was measured per subscriber or per process there.

- Live subscriptions of one document and variables share one executor (~3 KB each before):
  no subscription keeps its own once live, and the shared one goes with the last of them.
- An accepted socket's ASGI scope no longer holds the handshake's headers (~1.2 KB).
- Starting the server loads none of pycountry's tables (~5 MB): the validation rules read
  their code sets from its files.

The socket tests look into the server's objects, so they run where the server is in this
process (SQLite; on PostgreSQL `serve` starts subprocesses).
"""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pycountry
import pytest

from devkit.factories import make_mentor, make_request, make_user
from devkit.status import change_status
from mentorgraph.models.accounts import validation
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.resolvers.pagination import encode_cursor
from mentorgraph.schema import shared_events
from mentorgraph.schema.shared_events import SharedEventExecution
from mentorgraph.settings import Settings
from mentorgraph.ws_protocol import LeanWebSocketsProtocol
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.raw_ws import init, open_socket, receive, subscribe
from tests.utils.subscriptions import PATIENCE

# Named: the executors of this test's document are told from other tests' by its name.
NAME = "FootprintOfLiveSubscriptions"
DOCUMENT = (
    f"subscription {NAME}($after: String) {{ mentorshipRequestEvents(after: $after) {{ id }} }}"
)


def _ours(executor: SharedEventExecution) -> bool:
    name = executor.operation.name
    return name is not None and name.value == NAME


def _executors() -> list[SharedEventExecution]:
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, SharedEventExecution) and _ours(o)]


async def _live_event(ws: Any) -> dict[str, Any]:
    message = await asyncio.wait_for(receive(ws), PATIENCE)
    assert message["type"] == "next", message
    return message


async def test_live_subscriptions_share_one_executor_per_document_and_variables(
    serve: StartServer, client: GraphQLClient, settings: Settings
) -> None:
    if not settings.is_sqlite:
        pytest.skip("looks into the server's objects: in this process on SQLite only")
    url = await serve()
    mentor, mentee = await make_mentor(), await make_user()
    admin = await make_user(admin=True)
    request = await make_request(mentee=mentee, mentor=mentor)
    # Four subscriptions with the same document and variables, one with other variables.
    viewers = [mentor, mentee, admin, admin, mentor]
    sockets = []
    for viewer in viewers:
        ws = await open_socket(url)
        await init(ws, client.tokens.issue(viewer))
        assert (await receive(ws))["type"] == "connection_ack"
        sockets.append(ws)
    first = await change_status(request, RequestStatus.VIEWED, actor=mentor)
    for ws in sockets[:4]:
        await subscribe(ws, DOCUMENT, {})
    # Other variables (the cursor of the event just made: nothing to replay).
    await subscribe(sockets[4], DOCUMENT, {"after": encode_cursor([first.id])})
    await asyncio.sleep(0.3)  # every `subscribe` read and live
    second = await change_status(request, RequestStatus.NEW, actor=mentee)
    for ws in sockets:
        await _live_event(ws)
    assert second.id > first.id

    # Two executors in the process: one per (document, variables), none per subscription.
    executors = _executors()
    assert len(executors) == 2, executors
    assert set(executors) <= set(shared_events._live_executors.values())
    assert all(e.context_value is None and e.root_value is None for e in executors)
    del executors

    # And each accepted socket's scope no longer holds the handshake's headers.
    protocols = [o for o in gc.get_objects() if isinstance(o, LeanWebSocketsProtocol)]
    open_ones = [p for p in protocols if not p.disconnected]
    assert len(open_ones) == len(sockets)
    assert all(p.scope["headers"] == [] for p in open_ones)

    for ws in sockets:
        await ws.close()
    for _ in range(50):  # the server ends each socket's subscriptions as it reads the close
        if not _executors():
            break
        await asyncio.sleep(0.1)
    assert _executors() == []
    assert not [e for e in shared_events._live_executors.values() if _ours(e)]


def test_the_code_sets_are_pycountrys() -> None:
    countries = frozenset(c.alpha_2 for c in pycountry.countries)
    languages = frozenset(
        lang.alpha_2 for lang in pycountry.languages if getattr(lang, "alpha_2", None)
    )
    assert countries == validation.COUNTRY_CODES
    assert languages == validation.LANGUAGE_CODES
    assert {"FR", "DE", "BR"} <= validation.COUNTRY_CODES
    assert {"fr", "de", "pt"} <= validation.LANGUAGE_CODES


def test_starting_the_server_loads_no_pycountry_table() -> None:
    # A fresh interpreter: this one's tests may have loaded them (the emails name countries).
    check = (
        "import mentorgraph.app, pycountry;"
        "print(pycountry.countries._is_loaded, pycountry.languages._is_loaded)"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", check],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert out.stdout.split() == ["False", "False"], out.stdout + out.stderr
