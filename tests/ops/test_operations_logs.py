"""Logs as an operator reads them, and the client address behind a trusted proxy: a real
`mentorgraph serve` with LOG_FORMAT=json, driven over HTTP and a WebSocket, its log parsed."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from devkit.live_server import ROOT, LiveServer
from mentorgraph.models.notifications.outbox import Email, enqueue_email
from mentorgraph.settings import Settings
from tests.utils import raw_ws
from tests.utils.subscriptions import ws_url

PASSWORD = "correct horse battery staple 9"
QUERY_STRING_SECRET = "s3cr3t-in-the-query-string"
SIGN_UP = """mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { token viewer { id } userErrors { code } }
}"""
LOG_IN = """mutation LogIn($input: LogInInput!) {
  logIn(input: $input) { token userErrors { code } }
}"""
VIEWER = "query Me { viewer { id name } }"


def json_lines(server: LiveServer) -> list[dict[str, Any]]:
    """Every line of the server's log, each parsed as JSON (a line that is not fails)."""
    lines = [line for line in server.read_log().splitlines() if line.strip()]
    assert lines
    parsed = [json.loads(line) for line in lines]
    for line in parsed:
        assert {"time", "level", "logger", "message"} <= line.keys(), line
    return parsed


def operations(lines: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [
        line
        for line in lines
        if line["logger"] == "mentorgraph.operation" and line.get("operation_name") == name
    ]


@pytest.fixture
def json_server(settings: Settings, db: None) -> Iterator[LiveServer]:
    server = LiveServer(settings, LOG_FORMAT="json", LOG_LEVEL="INFO", BACKGROUND_JOBS="false")
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def test_json_log_lines_name_each_operation_and_never_a_secret(
    json_server: LiveServer, settings: Settings
) -> None:
    url = f"{json_server.url}/graphql"
    credentials = {"email": "ada@example.org", "password": PASSWORD}
    async with httpx.AsyncClient(timeout=30) as http:
        signed_up = await http.post(
            url,
            json={"query": SIGN_UP, "variables": {"input": {**credentials, "name": "Ada"}}},
            headers={"X-Request-ID": "deploy-check.42"},
        )
        assert signed_up.headers["x-request-id"] == "deploy-check.42"
        user_id = signed_up.json()["data"]["signUp"]["viewer"]["id"]
        logged_in = await http.post(
            url,
            json={"query": LOG_IN, "variables": {"input": credentials}},
            headers={"X-Request-ID": "not a sane id; " + "x" * 100},
        )
        generated = logged_in.headers["x-request-id"]
        assert len(generated) == 32 and generated.isalnum()
        token = logged_in.json()["data"]["logIn"]["token"]
        me = await http.post(
            url, json={"query": VIEWER}, headers={"Authorization": f"Bearer {token}"}
        )
        assert me.json()["data"]["viewer"]["id"] == user_id
        # A GET's variables travel in the URL: no access log writes it.
        leaky = await http.get(
            url, params={"query": VIEWER, "variables": json.dumps({"token": QUERY_STRING_SECRET})}
        )
        assert leaky.status_code == 200
        wrong = await http.post(url, json={"query": "query Broken { nothing }"})
        assert wrong.status_code == 200  # application/json: errors in a 200 body

    ws = await raw_ws.open_socket(json_server.url)
    try:
        await raw_ws.init(ws, token)
        assert (await raw_ws.receive(ws))["type"] == "connection_ack"
        await raw_ws.subscribe(ws, VIEWER, {})
        assert (await raw_ws.receive(ws))["type"] == "next"
        assert (await raw_ws.receive(ws))["type"] == "complete"
    finally:
        await ws.close()
    json_server.stop()

    text = json_server.read_log()
    for secret in (PASSWORD, token, token.split(".")[-1], "Bearer", QUERY_STRING_SECRET):
        assert secret not in text
    lines = json_lines(json_server)
    assert {line["logger"] for line in lines} >= {"uvicorn.error", "mentorgraph.operation"}
    assert "uvicorn.access" not in {line["logger"] for line in lines}

    [sign_up] = operations(lines, "SignUp")
    assert sign_up["request_id"] == "deploy-check.42"
    assert sign_up["operation_type"] == "mutation"
    # PostgreSQL reads the payload's viewer compiled after the write; SQLite with the executor.
    assert sign_up["read_path"] == ("ordinary" if settings.is_sqlite else "compiled-payload")
    assert sign_up["variables"] == ["input"]  # the name, never the value
    assert sign_up["error_codes"] == []
    assert sign_up["viewer_id"] is None
    assert isinstance(sign_up["duration_ms"], float)
    [log_in] = operations(lines, "LogIn")
    assert log_in["request_id"] == generated

    http_me, get_me, ws_me = sorted(operations(lines, "Me"), key=lambda line: line["transport"])
    assert get_me["variables"] == ["token"]
    assert http_me["transport"] == "http" and ws_me["transport"] == "ws"
    assert http_me["viewer_id"] is not None
    assert http_me["operation_type"] == ws_me["operation_type"] == "query"
    # PostgreSQL answers the query with one compiled statement; SQLite with the executor.
    assert http_me["read_path"] == ("ordinary" if settings.is_sqlite else "fast")
    assert ws_me["viewer_id"] == http_me["viewer_id"]

    [broken] = operations(lines, "Broken")
    assert broken["error_codes"] == ["BAD_USER_INPUT"]
    assert broken["operation_type"] == "query"


@pytest.mark.parametrize("trusted", [True, False], ids=["trusted-proxy", "no-proxy-setting"])
async def test_the_client_address_behind_a_trusted_proxy(
    settings: Settings, db: None, trusted: bool
) -> None:
    """What the proxy says is believed only from FORWARDED_ALLOW_IPS, over HTTP and WebSocket
    (the address login throttling and socket limits count by)."""
    proxy = {"FORWARDED_ALLOW_IPS": "127.0.0.1"} if trusted else {}
    server = LiveServer(settings, LOG_FORMAT="json", BACKGROUND_JOBS="false", **proxy)  # type: ignore[arg-type]
    server.start()
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    try:
        async with httpx.AsyncClient() as http:
            answer = await http.post(
                f"{server.url}/graphql",
                json={"query": "query Anyone { viewer { id } }"},
                headers=forwarded,
            )
        assert answer.status_code == 200
        async with connect(
            ws_url(server.url), subprotocols=[Subprotocol("graphql-transport-ws")],
            additional_headers=forwarded,
        ) as ws:  # fmt: skip
            await raw_ws.init(ws, None)
            assert (await raw_ws.receive(ws))["type"] == "connection_ack"
            await raw_ws.subscribe(ws, "query OverSocket { viewer { id } }", {})
            assert (await raw_ws.receive(ws))["type"] == "next"
            assert (await raw_ws.receive(ws))["type"] == "complete"
    finally:
        server.stop()
    lines = json_lines(server)
    [http_line] = operations(lines, "Anyone")
    [ws_line] = operations(lines, "OverSocket")
    expected = "203.0.113.7" if trusted else "127.0.0.1"
    assert http_line["client"] == ws_line["client"] == expected


async def test_the_console_backend_prints_each_email(settings: Settings, db: None) -> None:
    """`deliver-emails` with EMAIL_BACKEND=console (the default): the whole email readable on
    stderr (before, it was logged at INFO, below the unconfigured WARNING, and lost)."""
    await enqueue_email(
        Email(
            kind="test",
            to="ada@example.org",
            subject="Your request was accepted",
            text="Grace accepted your request.\nSay hello: https://example.org/requests/7",
            html="<p>Grace accepted your request.</p>",
        )
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": settings.resolved_database_url,
        "DATA_DIR": str(settings.data_dir),
        "EMAIL_BACKEND": "console",
    }
    env.pop("LOG_FORMAT", None)
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "mentorgraph", "deliver-emails"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "sent 1, failed 0" in done.stdout
    assert "email to ada@example.org: Your request was accepted" in done.stderr
    assert "Grace accepted your request.\nSay hello: https://example.org/requests/7" in done.stderr
