"""Sessions (issue 16): logIn's access and refresh tokens, rotation and reuse, logOut, logging
out everywhere, the list of one's sessions, and the WebSockets of an ended session, through
HTTP and WebSocket clients (real server processes where processes matter)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import jwt

from devkit.factories import PASSWORD, make_user
from mentorgraph.models import clock
from mentorgraph.models.accounts.auth import RefreshToken, Session
from mentorgraph.models.accounts.sessions import token_digest
from mentorgraph.models.accounts.users import User
from mentorgraph.models.sweep import sweep
from mentorgraph.settings import Settings
from tests.api.test_hostile_websockets import ask, closed, connected, start
from tests.conftest import StartServer
from tests.utils.client import GraphQLClient
from tests.utils.subscriptions import EVENTS

LOG_IN = """mutation($input: LogInInput!) {
  logIn(input: $input) { token refreshToken viewer { email } userErrors { field code message } }
}"""
SIGN_UP = """mutation($input: SignUpInput!) {
  signUp(input: $input) { token refreshToken userErrors { code } }
}"""
REFRESH = """mutation($t: String!) {
  refreshSession(input: {refreshToken: $t}) {
    token refreshToken viewer { email } userErrors { field code message }
  }
}"""
LOG_OUT = "mutation { logOut { ended userErrors { code } } }"
LOG_OUT_EVERYWHERE = "mutation { logOutEverywhere { ended userErrors { code } } }"
END_SESSION = """mutation($id: ID!) {
  endSession(input: {id: $id}) { ended userErrors { field code } }
}"""
SESSIONS = "{ sessions { id userAgent address createdAt lastUsedAt current } }"
VIEWER = "{ viewer { email } }"


async def post(
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    user_agent: str = "test-client/1",
) -> tuple[int, dict[str, Any]]:
    headers = {"User-Agent": user_agent}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    return response.status_code, response.json()


async def log_in(
    http: httpx.AsyncClient, email: str, user_agent: str = "test-client/1"
) -> dict[str, Any]:
    _, body = await post(
        http, LOG_IN, {"input": {"email": email, "password": PASSWORD}}, user_agent=user_agent
    )
    signed_in = body["data"]["logIn"]
    assert signed_in["userErrors"] == [], signed_in
    assert signed_in["token"] and signed_in["refreshToken"]
    return dict(signed_in)


async def refresh(http: httpx.AsyncClient, refresh_token: str) -> dict[str, Any]:
    _, body = await post(http, REFRESH, {"t": refresh_token})
    return dict(body["data"]["refreshSession"])


async def works(http: httpx.AsyncClient, token: str) -> bool:
    status, body = await post(http, VIEWER, token=token)
    if status == 401:
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        return False
    assert status == 200 and body["data"]["viewer"] is not None, body
    return True


async def test_log_in_gives_a_short_lived_access_token_and_a_refresh_token(
    client: GraphQLClient, settings: Settings
) -> None:
    await make_user(email="ada@example.org")
    signed_in = await log_in(client.http, "ada@example.org")
    claims = jwt.decode(signed_in["token"], settings.resolved_jwt_secret, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == settings.access_token_ttl_minutes * 60 == 15 * 60
    assert isinstance(claims["sid"], int)
    assert await works(client.http, signed_in["token"])
    # Only the refresh token's digest is stored.
    stored = await RefreshToken.all().values_list("token_hash", flat=True)
    assert stored == [token_digest(signed_in["refreshToken"])]  # type: ignore[comparison-overlap]
    assert signed_in["refreshToken"] not in stored


async def test_sign_up_starts_a_session_too(client: GraphQLClient) -> None:
    _, body = await post(
        client.http,
        SIGN_UP,
        {"input": {"email": "new@example.org", "password": PASSWORD, "name": "New"}},
    )
    signed_up = body["data"]["signUp"]
    assert signed_up["userErrors"] == []
    rotated = await refresh(client.http, signed_up["refreshToken"])
    assert rotated["userErrors"] == [] and await works(client.http, rotated["token"])


async def test_refresh_rotates_and_reusing_a_spent_token_ends_the_family(
    client: GraphQLClient,
) -> None:
    await make_user(email="ada@example.org")
    first = await log_in(client.http, "ada@example.org")
    second = await refresh(client.http, first["refreshToken"])
    assert second["userErrors"] == []
    assert second["viewer"] == {"email": "ada@example.org"}
    assert second["refreshToken"] != first["refreshToken"]
    third = await refresh(client.http, second["refreshToken"])
    assert third["userErrors"] == [] and await works(client.http, third["token"])

    # The first token again: someone kept a copy. The whole session ends.
    reused = await refresh(client.http, first["refreshToken"])
    assert reused["token"] is None and reused["refreshToken"] is None
    assert [(e["code"], e["field"]) for e in reused["userErrors"]] == [
        ("REFRESH_TOKEN_REUSED", ["refreshToken"])
    ]
    assert not await works(client.http, third["token"])
    assert not await works(client.http, first["token"])
    latest = await refresh(client.http, third["refreshToken"])
    assert [e["code"] for e in latest["userErrors"]] == ["INVALID_REFRESH_TOKEN"]
    session = await Session.get()
    assert session.end_reason == "REFRESH_TOKEN_REUSED" and session.ended_at is not None


async def test_an_unknown_refresh_token_is_refused_and_ends_nothing(
    client: GraphQLClient,
) -> None:
    await make_user(email="ada@example.org")
    signed_in = await log_in(client.http, "ada@example.org")
    forged = signed_in["refreshToken"][:-2] + (
        "AA" if signed_in["refreshToken"][-2:] != "AA" else "BB"
    )
    for bad in (forged, "", "x" * 5000, signed_in["token"]):
        refused = await refresh(client.http, bad)
        assert refused["token"] is None
        assert [e["code"] for e in refused["userErrors"]] == ["INVALID_REFRESH_TOKEN"]
    assert await works(client.http, signed_in["token"])
    assert (await refresh(client.http, signed_in["refreshToken"]))["userErrors"] == []


async def test_a_session_unused_for_its_lifetime_ends(
    client: GraphQLClient, settings: Settings
) -> None:
    await make_user(email="ada@example.org")
    signed_in = await log_in(client.http, "ada@example.org")
    clock.advance(timedelta(minutes=settings.token_ttl_minutes + 1))
    late = await refresh(client.http, signed_in["refreshToken"])
    assert [e["code"] for e in late["userErrors"]] == ["INVALID_REFRESH_TOKEN"]


async def test_log_out_ends_this_session_only(client: GraphQLClient) -> None:
    await make_user(email="ada@example.org")
    phone = await log_in(client.http, "ada@example.org", "phone")
    laptop = await log_in(client.http, "ada@example.org", "laptop")
    _, body = await post(client.http, LOG_OUT, token=phone["token"])
    assert body["data"]["logOut"] == {"ended": 1, "userErrors": []}
    assert not await works(client.http, phone["token"])
    refused = await refresh(client.http, phone["refreshToken"])
    assert [e["code"] for e in refused["userErrors"]] == ["INVALID_REFRESH_TOKEN"]
    assert await works(client.http, laptop["token"])
    # Signed out, logOut itself is refused like any other signed-in mutation.
    status, body = await post(client.http, LOG_OUT, token=phone["token"])
    assert status == 401


async def test_log_out_everywhere_ends_every_session(client: GraphQLClient) -> None:
    await make_user(email="ada@example.org")
    other = await make_user(email="bob@example.org")
    sessions = [await log_in(client.http, "ada@example.org", f"device {i}") for i in range(3)]
    bobs = await log_in(client.http, other.email)
    _, body = await post(client.http, LOG_OUT_EVERYWHERE, token=sessions[0]["token"])
    assert body["data"]["logOutEverywhere"] == {"ended": 3, "userErrors": []}
    for signed_in in sessions:
        assert not await works(client.http, signed_in["token"])
        refused = await refresh(client.http, signed_in["refreshToken"])
        assert [e["code"] for e in refused["userErrors"]] == ["INVALID_REFRESH_TOKEN"]
    assert await works(client.http, bobs["token"])


async def test_the_list_of_sessions_and_ending_one(client: GraphQLClient) -> None:
    await make_user(email="ada@example.org")
    bob = await make_user(email="bob@example.org")
    phone = await log_in(client.http, "ada@example.org", "Phone/1.0")
    laptop = await log_in(client.http, "ada@example.org", "Laptop/2.0")
    bobs = await log_in(client.http, bob.email)

    _, body = await post(client.http, SESSIONS, token=laptop["token"])
    listed = body["data"]["sessions"]
    assert [(s["userAgent"], s["current"]) for s in listed] == [
        ("Laptop/2.0", True),
        ("Phone/1.0", False),
    ]
    assert all(s["address"] and s["createdAt"] and s["lastUsedAt"] for s in listed)
    phone_id = listed[1]["id"]

    # Bob cannot end Ada's session, nor see it.
    _, body = await post(client.http, END_SESSION, {"id": phone_id}, token=bobs["token"])
    assert body["data"]["endSession"]["userErrors"] == [{"field": ["id"], "code": "NOT_FOUND"}]
    _, body = await post(client.http, SESSIONS, token=bobs["token"])
    assert [s["current"] for s in body["data"]["sessions"]] == [True]
    assert await works(client.http, phone["token"])

    _, body = await post(client.http, END_SESSION, {"id": phone_id}, token=laptop["token"])
    assert body["data"]["endSession"] == {"ended": 1, "userErrors": []}
    assert not await works(client.http, phone["token"])
    _, body = await post(client.http, END_SESSION, {"id": phone_id}, token=laptop["token"])
    assert body["data"]["endSession"]["userErrors"][0]["code"] == "NOT_FOUND"
    _, body = await post(client.http, SESSIONS, token=laptop["token"])
    assert [s["userAgent"] for s in body["data"]["sessions"]] == ["Laptop/2.0"]

    # A malformed id is the client's fault; anonymous callers are refused.
    _, body = await post(client.http, END_SESSION, {"id": "nope"}, token=laptop["token"])
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    _, body = await post(client.http, SESSIONS)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_tokens_without_a_session_still_work(client: GraphQLClient) -> None:
    """Tokens issued before sessions existed (no `sid`) serve until they expire."""
    user = await make_user()
    result = await client.execute(VIEWER, as_user=user)
    assert result.data["viewer"] == {"email": user.email}
    _, body = await post(client.http, LOG_OUT, token=client.tokens.issue(user))
    assert body["data"]["logOut"] == {"ended": 0, "userErrors": []}


async def test_concurrent_refreshes_of_one_token_have_one_winner(
    live_clients: list[GraphQLClient],
) -> None:
    """Across server processes (two on PostgreSQL): the database decides the one winner; the
    losers presented a spent token, which is reuse, so the session ends after all."""
    await make_user(email="ada@example.org")
    signed_in = await log_in(live_clients[0].http, "ada@example.org")
    attempts = 12
    results = await asyncio.gather(
        *(
            refresh(live_clients[i % len(live_clients)].http, signed_in["refreshToken"])
            for i in range(attempts)
        )
    )
    winners = [r for r in results if r["userErrors"] == []]
    assert len(winners) == 1
    losers = [r for r in results if r["userErrors"]]
    assert {e["code"] for r in losers for e in r["userErrors"]} == {"REFRESH_TOKEN_REUSED"}
    assert len(losers) == attempts - 1
    assert await RefreshToken.filter(used_at__isnull=False).count() == 1
    assert await RefreshToken.all().count() == 2  # the first, and the winner's
    assert (await Session.get()).ended_at is not None


async def test_an_ended_sessions_sockets_are_closed_in_every_process(
    serve: StartServer,
) -> None:
    """The session ends through one server; a socket on another is closed at its next
    account check (a bounded re-check of the database, so any process notices)."""
    ended_on = await serve()
    socket_on = await serve(ws_account_check_seconds=0.2)
    await make_user(email="ada@example.org")
    async with (
        httpx.AsyncClient(base_url=ended_on, timeout=30) as first,
        httpx.AsyncClient(base_url=socket_on, timeout=30) as second,
    ):
        kept = await log_in(second, "ada@example.org", "kept")
        ending = await log_in(second, "ada@example.org", "ending")
        live = await connected(socket_on, ending["token"])
        other = await connected(socket_on, kept["token"])
        await start(live, "live", EVENTS, after=None)
        assert (await ask(live, "v", VIEWER))["payload"]["data"]["viewer"] is not None

        _, body = await post(first, LOG_OUT, token=ending["token"])
        assert body["data"]["logOut"]["ended"] == 1
        code, reason = await closed(live)
        assert code == 4403
        assert "session has ended" in reason
        # The account's other session keeps its socket.
        assert (await ask(other, "o", VIEWER))["payload"]["data"]["viewer"] is not None
        await other.close()
        # A new socket with the ended session's token is refused at connection_init.
        refused = await connected_or_closed(socket_on, ending["token"])
        assert refused == 4403
    assert await User.filter(email="ada@example.org").exists()


async def connected_or_closed(url: str, token: str) -> int:
    from tests.utils.raw_ws import init, open_socket

    ws = await open_socket(url)
    await init(ws, token)
    code, _ = await closed(ws)
    return code


async def test_the_sweep_forgets_sessions_long_ended(client: GraphQLClient) -> None:
    await make_user(email="ada@example.org")
    ended = await log_in(client.http, "ada@example.org", "ended")
    await post(client.http, LOG_OUT, token=ended["token"])
    clock.advance(timedelta(days=29))
    live = await log_in(client.http, "ada@example.org", "live")
    await sweep()
    assert await Session.all().count() == 2  # ended, but kept a while
    clock.advance(timedelta(days=2))
    await sweep()
    assert [s.user_agent for s in await Session.all()] == ["live"]
    assert await RefreshToken.all().count() == 1
    assert (await refresh(client.http, live["refreshToken"]))["userErrors"] == []
