"""graphql-http's `auditServer` (the GraphQL-over-HTTP spec's conformance audit, from npm)
against a real server: every audit ok, none warned, none failed."""

from __future__ import annotations

from tests.conftest import StartServer
from tests.utils.node_clients import installed, run_client


async def test_the_graphql_over_http_audit_reports_nothing(serve: StartServer) -> None:
    folder = installed("audit")
    url = await serve()
    results = await run_client(folder, "audit.mjs", URL=f"{url}/graphql")
    assert len(results) > 50  # the audit ran
    not_ok = [result for result in results if result["status"] != "ok"]
    assert not_ok == [], "\n".join(
        f"{r['status']} {r['id']} {r['name']}: {r['reason']} {r.get('response')}" for r in not_ok
    )
