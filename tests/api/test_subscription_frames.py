"""Live frames written by the server's protocol itself, and live subscriptions without a task.

A live event's `next` frame is built by the server (header, the operation's prefix, the shared
answer's bytes) and written straight to the transport (`LeanWebSocketsProtocol.write_text_frame`);
a real client must read every length form of the header (7-bit, 16-bit, 64-bit). Once live, a
subscription has no task of its own (`mentorgraph.live_sink`): the client's `complete` must
still end it, and the others on the socket go on.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx

from devkit.factories import make_mentor, make_request, make_user
from devkit.status import change_status
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.raw_ws import init, open_socket, receive, send
from tests.utils.subscriptions import FROM_START, PATIENCE

# Frames of < 126 bytes, < 64 KiB and beyond, for the same event.
DOCUMENTS = {
    "small": "subscription($after: String) { mentorshipRequestEvents(after: $after) { id } }",
    "medium": """subscription($after: String) {
      mentorshipRequestEvents(after: $after) { id toStatus request { id status message } }
    }""",
    "large": """subscription($after: String) {
      mentorshipRequestEvents(after: $after) { id request { background } }
    }""",
}


def _series(text: str, name: str) -> float:
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(f"{name} ")
    )


async def _next_by_id(ws: Any, count: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    while len(found) < count:
        message = await asyncio.wait_for(receive(ws), PATIENCE)
        assert message["type"] == "next", message
        found[message["id"]] = message["payload"]
    return found


async def test_live_frames_of_every_length_and_complete_without_a_task(
    serve: StartServer, client: GraphQLClient
) -> None:
    url = await serve()
    mentor, mentee = await make_mentor(), await make_user()
    background = secrets.token_hex(40_000)  # 80,000 characters: a 64-bit length
    request = await make_request(mentee=mentee, mentor=mentor, background=background)
    ws = await open_socket(url)
    await init(ws, client.tokens.issue(mentee))
    assert (await receive(ws))["type"] == "connection_ack"
    for name, document in DOCUMENTS.items():
        payload = {"query": document, "variables": {"after": FROM_START}}
        await send(ws, {"id": name, "type": "subscribe", "payload": payload})
    # The first event may be replayed from the table; once all three have it, all are live.
    first = await change_status(request, RequestStatus.VIEWED, actor=mentor)
    replayed = await _next_by_id(ws, len(DOCUMENTS))
    for answer in replayed.values():
        event = answer["data"]["mentorshipRequestEvents"]
        assert event["id"] == encode_global_id("RequestEvent", first.id)

    async with httpx.AsyncClient(base_url=url) as http:
        before = (await http.get("/metrics")).text
        second = await change_status(request, RequestStatus.NEW, actor=mentee)
        live = await _next_by_id(ws, len(DOCUMENTS))
        after = (await http.get("/metrics")).text
        second_id = encode_global_id("RequestEvent", second.id)
        events = {name: answer["data"]["mentorshipRequestEvents"] for name, answer in live.items()}
        assert events["small"] == {"id": second_id}
        assert events["medium"]["toStatus"] == "NEW"
        assert events["large"]["request"] == {"background": background}
        # All three written from the fan-out loop, as frames the server built.
        direct = "mentorgraph_events_sent_directly_total"
        assert _series(after, direct) - _series(before, direct) == len(DOCUMENTS)
        live_before = _series(after, "mentorgraph_subscriptions_live")

        # `complete` ends a live subscription that has no task; the other two go on.
        await send(ws, {"id": "large", "type": "complete"})
        await asyncio.sleep(0.2)  # the server reads it before the next commit
        third = await change_status(request, RequestStatus.VIEWED, actor=mentor)
        rest = await _next_by_id(ws, 2)
        assert set(rest) == {"small", "medium"}
        assert rest["small"]["data"] == {
            "mentorshipRequestEvents": {"id": encode_global_id("RequestEvent", third.id)}
        }
        ended = (await http.get("/metrics")).text
        assert _series(ended, "mentorgraph_subscriptions_live") == live_before - 1
    # Nothing more for the completed one: the next frame on the socket is the next event's.
    fourth = await change_status(request, RequestStatus.NEW, actor=mentee)
    rest = await _next_by_id(ws, 2)
    assert set(rest) == {"small", "medium"}
    assert rest["small"]["data"] == {
        "mentorshipRequestEvents": {"id": encode_global_id("RequestEvent", fourth.id)}
    }
    await ws.close()
