"""One HTTP GraphQL call as the soak's clients make it, counted in `Stats`."""

from __future__ import annotations

import time
from typing import Any

import httpx

from bench.soak.stats import Stats

__all__ = ["call"]


def _outcome(status: int, body: Any) -> str:
    """The first code of the answer: an error's, else a userError's, else "ok" (or the status
    when the body is not JSON)."""
    if not isinstance(body, dict):
        return f"HTTP {status}"
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
        return f"HTTP {status} {code or 'no code'}"
    for value in (body.get("data") or {}).values():
        if isinstance(value, dict):
            for user_error in value.get("userErrors") or []:
                return str(user_error.get("code"))
    return "ok" if status == 200 else f"HTTP {status}"


async def call(
    http: httpx.AsyncClient,
    stats: Stats,
    kind: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    ordinary_read: bool = False,
) -> dict[str, Any] | None:
    """POST the operation; its `data` (None on any failure, counted by outcome)."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    started = time.monotonic()
    try:
        answer = await http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
    except httpx.TimeoutException:
        stats.count(kind, "timeout")
        return None
    except httpx.HTTPError as exc:
        stats.count(kind, f"transport {type(exc).__name__}")
        return None
    if ordinary_read:
        stats.latency(time.monotonic() - started)
    try:
        body = answer.json()
    except ValueError:
        body = None
    outcome = _outcome(answer.status_code, body)
    stats.count(kind, outcome)
    if outcome != "ok" or not isinstance(body, dict):
        return None
    data = body.get("data")
    return data if isinstance(data, dict) else None
