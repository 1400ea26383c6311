"""`/metrics`: scraped by the real Prometheus (Debian's `prometheus`) from a real server with two
worker processes (one on SQLite) after a scripted session, then asked through its HTTP API; who
may read it; and the Grafana dashboard names only series the server exports."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection

from devkit.factories import make_mentor, make_request, make_user
from devkit.live_server import LiveServer, free_port
from mentorgraph import metrics_dir
from mentorgraph.app import create_app
from mentorgraph.metrics import OperationNames, exported_names, operation_type
from mentorgraph.security import TokenService
from mentorgraph.settings import Settings
from tests.utils.lifecycle import request_gid
from tests.utils.raw_ws import init, open_socket, receive, send
from tests.utils.subscriptions import EVENTS, PATIENCE

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "mentorgraph.json"

ME = "query Me { viewer { id name } }"
SCHEMA_NAME = "query SchemaName { __schema { queryType { name } } }"
DECLINE = """mutation Decline($id: ID!) {
  declineMentorshipRequest(input: {requestId: $id, reason: NO_CAPACITY}) {
    request { status } userErrors { code }
  }
}"""
LOG_IN = """mutation LogIn($i: LogInInput!) {
  logIn(input: $i) { token userErrors { code } }
}"""


def prometheus_binary() -> str:
    found = shutil.which("prometheus")
    if found is None:
        pytest.fail("the `prometheus` binary is missing: `make test` installs it (Debian package)")
    return found


def start_prometheus(
    config: Path, port: int, target: str, storage: Path
) -> subprocess.Popen[bytes]:
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: mentorgraph\n"
        f"    static_configs:\n      - targets: ['{target}']\n"
    )
    return subprocess.Popen(
        [
            prometheus_binary(),
            f"--config.file={config}",
            f"--storage.tsdb.path={storage}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(storage.parent / "prometheus.log").open("wb"),
    )


async def ask(prometheus: str, query: str) -> float | None:
    """The sum of `query`'s instant vector (None while it has no samples)."""
    async with httpx.AsyncClient(timeout=5) as http:
        try:
            response = await http.get(f"{prometheus}/api/v1/query", params={"query": query})
        except httpx.HTTPError:
            return None
    if response.status_code != 200:
        return None
    result = response.json()["data"]["result"]
    if not result:
        return None
    return sum(float(sample["value"][1]) for sample in result)


async def post(
    http: httpx.AsyncClient, query: str, token: str | None = None, **variables: Any
) -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    name = re.search(r"(?:query|mutation) (\w+)", query)
    body = {"query": query, "variables": variables, "operationName": name and name.group(1)}
    response = await http.post("/graphql", json=body, headers=headers)
    return response.json()


def series_value(text: str, name: str, label: str) -> float:
    """The sum of `name`'s samples carrying `label` in a scrape's text."""
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name + "{") and label in line
    )


async def next_event(ws: ClientConnection, op_id: str) -> dict[str, Any]:
    while True:
        message = await asyncio.wait_for(receive(ws), PATIENCE)
        if message.get("id") == op_id and message["type"] == "next":
            return message


async def test_prometheus_scrapes_the_series_of_a_session(settings: Settings, db: None) -> None:
    postgres = not settings.is_sqlite
    mentor = await make_mentor()
    mentee = await make_user()
    request = await make_request(mentee=mentee, mentor=mentor)
    tokens = TokenService(settings.resolved_jwt_secret, timedelta(hours=1))
    values = settings.data_dir / "metrics"  # the workers' files (else a temporary directory)
    server = LiveServer(
        settings,
        workers=2 if postgres else 1,
        LOGIN_PAIR_FAILURES="1",
        LOGIN_BACKOFF_BASE_SECONDS="600",
        PROMETHEUS_MULTIPROC_DIR=str(values),
    )
    server.start()
    config = settings.data_dir / "prometheus.yml"
    prometheus_port = free_port()
    prometheus = start_prometheus(
        config, prometheus_port, f"127.0.0.1:{server.port}", settings.data_dir / "tsdb"
    )
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            ws = await open_socket(server.url)
            await init(ws, tokens.issue(mentee))
            assert (await asyncio.wait_for(receive(ws), PATIENCE))["type"] == "connection_ack"
            payload = {"query": EVENTS, "variables": {}, "operationName": "Events"}
            await send(ws, {"id": "live", "type": "subscribe", "payload": payload})
            # A query on the same socket answered after the subscribe: the subscription is live.
            await send(ws, {"id": "q", "type": "subscribe", "payload": {"query": ME}})
            while (await asyncio.wait_for(receive(ws), PATIENCE)).get("id") != "q":
                pass

            for _ in range(2):
                assert (await post(http, ME, tokens.issue(mentee)))["data"]["viewer"]
            assert (await post(http, SCHEMA_NAME))["data"]["__schema"]
            declined = await post(http, DECLINE, tokens.issue(mentor), id=request_gid(request.id))
            assert declined["data"]["declineMentorshipRequest"]["userErrors"] == []
            event = await next_event(ws, "live")
            assert event["payload"]["data"]["mentorshipRequestEvents"]["toStatus"] == "DECLINED"

            codes = []
            for _ in range(3):
                login = {"email": mentee.email, "password": "wrong password"}
                answer = await post(http, LOG_IN, i=login)
                codes += [e["code"] for e in answer["data"]["logIn"]["userErrors"]]
            assert "LOGIN_THROTTLED" in codes

            url = f"http://127.0.0.1:{prometheus_port}"
            expected = {
                'mentorgraph_graphql_operations_total{operation="Me",type="query"}': 2,
                'mentorgraph_graphql_operations_total{operation="Decline",type="mutation",'
                f'path="{"compiled-payload" if postgres else "ordinary"}",outcome="ok"}}': 1,
                'mentorgraph_graphql_operations_total{operation="SchemaName",path="ordinary"}': 1,
                'mentorgraph_graphql_operation_duration_seconds_count{operation="Decline"}': 1,
                "mentorgraph_websockets_open": 1,
                "mentorgraph_subscriptions_live": 1,
                "mentorgraph_events_delivered_total": 1,
                "mentorgraph_event_fanout_seconds_count": 1,
                'mentorgraph_login_throttled_total{code="LOGIN_THROTTLED"}': 1,
                "mentorgraph_sweep_runs_total": 1,
                "mentorgraph_outbox_backlog": 0,
                "mentorgraph_outbox_scrape_ok": 1,
                'mentorgraph_db_pool_connections{state="max"}': 1,
            }
            if postgres:
                expected['mentorgraph_graphql_operations_total{operation="Me",path="fast"}'] = 2
            seen: dict[str, float | None] = {}
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                seen = {query: await ask(url, query) for query in expected}
                if all(
                    value is not None and value >= expected[query] for query, value in seen.items()
                ):
                    break
                await asyncio.sleep(0.5)
            missing = {q: v for q, v in seen.items() if v is None or v < expected[q]}
            assert not missing, f"not scraped as expected: {missing}"
            # One subscription live on one socket, whichever worker holds it.
            assert seen["mentorgraph_subscriptions_live"] == 1
            assert seen["mentorgraph_websockets_open"] == 1
            # Whichever worker answers a scrape, it counts every worker's operations.
            for _ in range(6):
                async with httpx.AsyncClient(base_url=server.url) as fresh:  # a new connection
                    text = (await fresh.get("/metrics")).text
                assert (
                    series_value(text, "mentorgraph_graphql_operations_total", 'operation="Me"')
                    == 2
                )
            await ws.close()
    finally:
        prometheus.terminate()
        prometheus.wait(timeout=10)
        server.stop()
    # Each worker wrote its own files; stopping took their live gauges out of the sums.
    assert len(list(values.glob("counter_*.db"))) == (2 if postgres else 1)
    assert list(values.glob("gauge_live*.db")) == []


async def test_metrics_can_be_turned_off_or_restricted(settings: Settings, db: None) -> None:
    cases = [
        ({}, 200),
        ({"metrics_enabled": False}, 404),
        ({"metrics_allow_ips": "10.0.0.0/8, 192.168.1.7"}, 403),
        ({"metrics_allow_ips": "10.0.0.0/8,127.0.0.0/8"}, 200),
    ]
    for update, status in cases:
        app = create_app(settings.model_copy(update=update), manage_db=False)  # type: ignore[arg-type]
        # httpx's ASGI transport connects from 127.0.0.1.
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 4711))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get("/metrics")
        assert response.status_code == status, (update, response.text)
        if status == 200:
            assert "mentorgraph_outbox_backlog 0.0" in response.text


def dashboard_expressions() -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "expr" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(DASHBOARD.read_text()))
    return found


def test_the_dashboard_names_only_series_the_server_exports() -> None:
    expressions = dashboard_expressions()
    assert len(expressions) >= 10
    exported = exported_names()
    for expr in expressions:
        names = set(re.findall(r"\bmentorgraph_[a-z0-9_]+", expr))
        assert names, f"no mentorgraph series in {expr!r}"
        assert names <= exported, f"{expr!r} names {names - exported}, not exported"


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("`promtool` is missing: `make test` installs it (Debian package prometheus)")
    return found


def test_the_dashboard_and_the_prometheus_config_are_valid(tmp_path: Path) -> None:
    """Every expression parses as PromQL (Grafana's `$__rate_interval` made a duration), and the
    compose profile's Prometheus configuration loads."""
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {
                        "record": f"dashboard:expr_{n}",
                        "expr": expr.replace("$__rate_interval", "1m"),
                    }
                    for n, expr in enumerate(dashboard_expressions())
                ],
            }
        ]
    }
    rules_file = tmp_path / "rules.yml"
    rules_file.write_text(json.dumps(rules))  # JSON is YAML
    checked = subprocess.run(
        [promtool(), "check", "rules", str(rules_file)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    config = ROOT / "deploy" / "prometheus" / "prometheus.yml"
    checked = subprocess.run(
        [promtool(), "check", "config", "--syntax-only", str(config)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_operation_labels_stay_bounded() -> None:
    names = OperationNames(cap=2)
    assert names.label(None, ran=True) == "anonymous"
    assert names.label("Invented", ran=False) == "other"  # never ran: cannot take a place
    assert names.label("First", ran=True) == "First"
    assert names.label("not a name!", ran=True) == "other"
    assert names.label("Second", ran=True) == "Second"
    assert names.label("Third", ran=True) == "other"  # past the cap
    assert names.label("First", ran=False) == "First"  # known names stay themselves


@pytest.mark.parametrize(
    ("document", "name", "kind"),
    [
        ("{ viewer { id } }", None, "query"),
        ("query Q { viewer { id } }", None, "query"),
        ("fragment F on User { id } mutation M { x }", None, "mutation"),
        ("query A { a } subscription B { b }", "B", "subscription"),
        ("query A { a } mutation B { b }", "A", "query"),
    ],
)
def test_operation_type_is_read_from_the_document(
    document: str, name: str | None, kind: str
) -> None:
    assert operation_type(document, name) == kind


def test_the_metrics_directory_starts_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files of an earlier run would be added to this one's counts."""
    stale = tmp_path / "counter_4711.db"
    stale.write_bytes(b"old")
    monkeypatch.setenv(metrics_dir.ENV, str(tmp_path))
    assert metrics_dir.prepare() == tmp_path
    assert not stale.exists()
    monkeypatch.delenv(metrics_dir.ENV)
    made = metrics_dir.prepare()
    assert made.is_dir() and list(made.iterdir()) == []
    assert os.environ[metrics_dir.ENV] == str(made)
    made.rmdir()
