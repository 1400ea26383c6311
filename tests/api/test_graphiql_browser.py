"""GraphiQL in a real browser (Debian's Chromium, driven by Playwright), against a real server
with the demo data: the page loads with no request to any other origin and no Content-Security-
Policy violation, the sign-in panel puts a token into the Headers pane, a query shows its result,
and a subscription receives a status change made while it runs; the panel keeps the session alive
with its refresh token, says when the session ends, and signs out."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from devkit.factories import PASSWORD, make_mentor, make_request, make_user
from devkit.status import change_status
from mentorgraph.demo import seed_demo
from mentorgraph.demo.people import DEMO_PASSWORD, MENTEE_EMAIL
from mentorgraph.models.accounts.auth import RefreshToken, Session
from mentorgraph.models.accounts.sessions import EndReason, token_digest
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import RequestEvent, RequestStatus
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.resolvers.pagination import encode_cursor
from tests.conftest import StartServer

CHROMIUM = Path("/usr/bin/chromium")
# No first-run work, no background traffic of the browser's own (updates, sync, QUIC probes):
# every request recorded is one the page made.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PATIENCE_MS = 20_000
# Set to a path to keep the final screenshot there (to look at it); otherwise it goes to tmp_path.
SCREENSHOT_ENV = "GRAPHIQL_SCREENSHOT"

# Collects Content-Security-Policy violations before any of the page's scripts run.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def editor_value(selector: str) -> str:
    """JavaScript reading the CodeMirror editor inside `selector`."""
    editor = json.dumps(selector + " .CodeMirror")
    return f"() => document.querySelector({editor}).CodeMirror.getValue()"


QUERY_EDITOR = ".graphiql-query-editor"
RESPONSE = ".graphiql-response"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden)"


@pytest.fixture(scope="session")
def async_playwright() -> Any:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the GraphiQL browser test needs Debian's Chromium"
            " (`apt-get install -y chromium`; .ci/run installs it)",
            pytrace=False,
        )
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        pytest.fail("the GraphiQL browser test needs `pip install -e .[test]` (playwright)")
    return async_playwright


@dataclass
class Recorded:
    origin: str
    requests: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)
    sent_frames: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        """Everything the page asked of an origin other than the server's."""
        own = urlsplit(self.origin).netloc
        return [url for url in self.requests + self.sockets if urlsplit(url).netloc != own]


@pytest.fixture
async def browser(async_playwright: Any) -> AsyncIterator[Any]:
    """A fresh Chromium profile (a new --user-data-dir), closed after the test."""
    with tempfile.TemporaryDirectory(prefix="graphiql-chromium-") as profile:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_FLAGS,
                viewport={"width": 1400, "height": 900},
            )
            try:
                yield context
            finally:
                await context.close()


async def open_graphiql(context: Any, url: str) -> tuple[Any, Recorded, Any]:
    recorded = Recorded(origin=url)
    own = urlsplit(url).netloc

    async def offline(route: Any) -> None:
        # As on a machine without internet: only the server answers.
        if urlsplit(route.request.url).netloc == own:
            await route.continue_()
        else:
            await route.abort("internetdisconnected")

    await context.route("**/*", offline)
    context.on("request", lambda request: recorded.requests.append(request.url))
    await context.add_init_script(RECORD_VIOLATIONS)
    page = await context.new_page()
    page.on("pageerror", lambda error: recorded.problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            recorded.problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )

    def on_socket(socket: Any) -> None:
        recorded.sockets.append(socket.url)
        socket.on("framesent", lambda payload: recorded.sent_frames.append(str(payload)))

    page.on("websocket", on_socket)
    response = await page.goto(f"{url}/graphql")
    try:
        await page.wait_for_selector(f"{QUERY_EDITOR} .CodeMirror", timeout=PATIENCE_MS)
    except Exception as exc:
        raise AssertionError(
            f"GraphiQL did not start; it asked other origins for {recorded.foreign()},"
            f" and reported {recorded.problems}"
        ) from exc
    return page, recorded, response


async def wait_for_text(page: Any, selector: str, *texts: str) -> str:
    """Until the editor inside `selector` holds every one of `texts`; its value."""
    try:
        await page.wait_for_function(
            f"(texts) => {{ const value = ({editor_value(selector)})();"
            " return texts.every((text) => value.includes(text)); }",
            arg=list(texts),
            timeout=PATIENCE_MS,
        )
    except Exception as exc:
        shown = await page.evaluate(editor_value(selector))
        raise AssertionError(f"{selector} never showed {texts}; it shows {shown!r}") from exc
    value: str = await page.evaluate(editor_value(selector))
    return value


def claims_of(token: str) -> dict[str, Any]:
    """A JWT's payload, unchecked (the server checks it)."""
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


async def set_headers(page: Any, headers: dict[str, str]) -> None:
    await page.evaluate(
        f"(text) => document.querySelector({json.dumps(HEADERS_EDITOR + ' .CodeMirror')})"
        ".CodeMirror.setValue(text)",
        json.dumps(headers),
    )


def is_operation(name: str) -> Any:
    """A predicate for `page.expect_response`: the page's POST of operation `name`."""

    def matches(response: Any) -> bool:
        body = response.request.post_data or ""
        return response.request.method == "POST" and f'"operationName":"{name}"' in body

    return matches


async def run(page: Any, document: str, operation: str) -> None:
    """Put `document` into the query editor (as a paste would) and press the run button, once
    GraphiQL has read it (the tab is named after its `operation`)."""
    await page.evaluate(
        f"(text) => document.querySelector({json.dumps(QUERY_EDITOR + ' .CodeMirror')})"
        ".CodeMirror.setValue(text)",
        document,
    )
    await page.wait_for_function(
        "(name) => document.querySelector('.graphiql-tab-active').textContent.trim() === name",
        arg=operation,
        timeout=PATIENCE_MS,
    )
    await page.click(".graphiql-execute-button")


async def test_graphiql_works_offline_signs_in_queries_and_subscribes(
    serve: StartServer, browser: Any, tmp_path: Path
) -> None:
    await seed_demo(mentors=10, only_if_empty=False, out=io.StringIO(), err=io.StringIO())
    mentee = await User.get(email=MENTEE_EMAIL)
    mentor = await make_mentor(name="Grace Hopper")
    request = await make_request(mentee=mentee, mentor=mentor)
    latest = await RequestEvent.all().order_by("-id").first()
    # `after` the latest event so far: the subscription replays anything it could miss while
    # starting, then goes live, so the change below is delivered whenever it lands.
    after = encode_cursor([latest.id if latest else 0])
    url = await serve()

    page, recorded, response = await open_graphiql(browser, url)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "http" not in policy and "unsafe" not in policy

    # Sign in through the page's own panel (the key button in the sidebar).
    await page.click('.graphiql-sidebar button[aria-label="Show Sign in"]')
    await page.fill(".mentorgraph-sign-in input[name=email]", MENTEE_EMAIL)
    await page.fill(".mentorgraph-sign-in input[name=password]", "not-the-password")
    await page.click(".mentorgraph-sign-in button[type=submit]")
    refusal = await page.wait_for_selector(".mentorgraph-sign-in-status.error", timeout=PATIENCE_MS)
    assert "password" in (await refusal.inner_text()).lower()
    await page.fill(".mentorgraph-sign-in input[name=password]", DEMO_PASSWORD)
    await page.click(".mentorgraph-sign-in button[type=submit]")
    signed_in = await page.wait_for_selector(".mentorgraph-sign-in-status.done")
    assert await signed_in.inner_text() == (
        f"Signed in as {mentee.name}. The token is in the Headers pane."
    )
    headers = json.loads(await wait_for_text(page, HEADERS_EDITOR, "Bearer "))
    assert list(headers) == ["Authorization"]
    assert headers["Authorization"].startswith("Bearer ey")

    # A query over HTTP with the Headers pane's token: the result pane shows who signed in.
    await run(page, "query Me { viewer { name email } }", "Me")
    result = json.loads(await wait_for_text(page, RESPONSE, MENTEE_EMAIL))
    assert result == {"data": {"viewer": {"name": mentee.name, "email": MENTEE_EMAIL}}}

    # A subscription over graphql-ws with the token in connectionParams; the mentor views the
    # request (a commit made here, outside the page) while it runs.
    await run(
        page,
        f'subscription Events {{ mentorshipRequestEvents(after: "{after}")'
        " { fromStatus toStatus request { id status } } }",
        "Events",
    )
    await page.wait_for_function(
        "() => document.querySelector('.graphiql-execute-button')"
        ".getAttribute('aria-label').startsWith('Stop')",
        timeout=PATIENCE_MS,
    )
    await change_status(request, RequestStatus.VIEWED, actor=mentor)
    event = json.loads(await wait_for_text(page, RESPONSE, '"toStatus": "VIEWED"'))
    assert event == {
        "data": {
            "mentorshipRequestEvents": {
                "fromStatus": "NEW",
                "toStatus": "VIEWED",
                "request": {
                    "id": encode_global_id("MentorshipRequest", request.id),
                    "status": "VIEWED",
                },
            }
        }
    }
    assert recorded.sockets == [url.replace("http", "ws", 1) + "/graphql"]
    init = next(json.loads(f) for f in recorded.sent_frames if '"connection_init"' in f)
    assert init["payload"]["Authorization"] == headers["Authorization"]

    screenshot = Path(os.environ.get(SCREENSHOT_ENV) or tmp_path / "graphiql.png")
    await page.screenshot(path=str(screenshot))

    # The explorer plugin (vendored too).
    await page.click('.graphiql-sidebar button[aria-label="Show GraphiQL Explorer"]')
    # It shows the document being edited (the subscription) as a tree of ticked fields.
    await page.wait_for_selector(
        ".graphiql-explorer-node.graphiql-explorer-toStatus", timeout=PATIENCE_MS
    )

    # A dialog locks scrolling with an injected <style>: allowed by the response's nonce.
    await page.click('button[aria-label="Open settings dialog"]')
    await page.wait_for_selector(".graphiql-dialog", timeout=PATIENCE_MS)
    await page.keyboard.press("Escape")

    await asyncio.sleep(0)  # let the last recorded events land
    assert recorded.foreign() == []
    assert await page.evaluate("() => window.__cspViolations") == []
    assert recorded.problems == []
    assert all(u.startswith(url) for u in recorded.requests), recorded.requests


async def test_a_subscription_with_a_forged_token_shows_why(
    serve: StartServer, browser: Any
) -> None:
    url = await serve()
    page, recorded, _ = await open_graphiql(browser, url)
    await page.evaluate(
        f"(text) => document.querySelector({json.dumps(HEADERS_EDITOR + ' .CodeMirror')})"
        ".CodeMirror.setValue(text)",
        json.dumps({"Authorization": "Bearer forged"}),
    )
    await run(page, "subscription Events { mentorshipRequestEvents { id } }", "Events")
    shown = json.loads(await wait_for_text(page, RESPONSE, "4403"))
    assert shown == {
        "errors": [
            {"message": "The socket closed (4403): The token is invalid or expired: sign in again."}
        ]
    }
    assert recorded.sockets == [url.replace("http", "ws", 1) + "/graphql"]
    assert recorded.foreign() == []


async def test_the_sign_in_panel_renews_the_session_until_it_ends_and_signs_out(
    serve: StartServer, browser: Any
) -> None:
    user = await make_user(name="Ada Lovelace")
    # Six-second access tokens: the panel renews each one about five seconds after it came.
    url = await serve(access_token_ttl_minutes=0.1)
    page, recorded, _ = await open_graphiql(browser, url)
    await set_headers(page, {"X-Note": "kept"})

    await page.click('.graphiql-sidebar button[aria-label="Show Sign in"]')
    await page.fill(".mentorgraph-sign-in input[name=email]", user.email)
    await page.fill(".mentorgraph-sign-in input[name=password]", PASSWORD)
    async with page.expect_response(is_operation("LogIn")) as answer:
        await page.click(".mentorgraph-sign-in button[type=submit]")
    signed_in = (await (await answer.value).json())["data"]["logIn"]
    await page.wait_for_selector(".mentorgraph-sign-in-status.done", timeout=PATIENCE_MS)
    first = json.loads(await wait_for_text(page, HEADERS_EDITOR, "Bearer "))
    assert first == {"X-Note": "kept", "Authorization": f"Bearer {signed_in['token']}"}
    claims = claims_of(signed_in["token"])
    assert claims["exp"] - claims["iat"] == 6

    # Renewed before it expires: a new token of the same session in the pane, the other header
    # kept, and the sign-in's refresh token spent (the server's record).
    try:
        await page.wait_for_function(
            f"(old) => {{ const value = ({editor_value(HEADERS_EDITOR)})();"
            " return value.includes('Bearer ') && !value.includes(old); }",
            arg=signed_in["token"],
            timeout=PATIENCE_MS,
        )
    except Exception as exc:
        shown = await page.inner_text(".mentorgraph-sign-in")
        raise AssertionError(f"the token was never renewed; the panel says {shown!r}") from exc
    pane = await page.evaluate(editor_value(HEADERS_EDITOR))
    renewed = json.loads(pane)
    assert list(renewed) == ["X-Note", "Authorization"] and renewed["X-Note"] == "kept"
    assert claims_of(renewed["Authorization"].removeprefix("Bearer "))["sid"] == claims["sid"]
    spent = await RefreshToken.get(token_hash=token_digest(signed_in["refreshToken"]))
    assert spent.used_at is not None
    assert await RefreshToken.filter(session_id=claims["sid"], used_at=None).count() == 1
    # The refresh token is kept in memory only: not in the pane, not in what GraphiQL persists.
    stored = await page.evaluate("() => JSON.stringify(Object.assign({}, window.localStorage))")
    assert signed_in["refreshToken"] not in stored + pane
    assert "Token renewed at" in await page.inner_text(".mentorgraph-session-renewed")

    # A query with the renewed token is answered (200, not a 401 renewed on the way).
    async with page.expect_response(is_operation("Me")) as answer:
        await run(page, "query Me { viewer { name email } }", "Me")
    response = await answer.value
    assert response.status == 200
    sent = (await response.request.all_headers())["authorization"]
    assert sent != first["Authorization"]
    assert claims_of(sent.removeprefix("Bearer "))["sid"] == claims["sid"]
    result = json.loads(await wait_for_text(page, RESPONSE, user.email))
    assert result == {"data": {"viewer": {"name": user.name, "email": user.email}}}

    # Someone replays the spent refresh token: reuse ends the session (docs/sessions.md), so the
    # panel's next renewal is refused, and it says to sign in again.
    async with httpx.AsyncClient(base_url=url) as http:
        reply = await http.post(
            "/graphql",
            json={
                "query": "mutation($t: String!) { refreshSession(input: {refreshToken: $t})"
                " { token userErrors { code } } }",
                "variables": {"t": signed_in["refreshToken"]},
            },
        )
    assert reply.json()["data"]["refreshSession"] == {
        "token": None,
        "userErrors": [{"code": "REFRESH_TOKEN_REUSED"}],
    }
    ended = await page.wait_for_selector(".mentorgraph-sign-in-status.error", timeout=PATIENCE_MS)
    assert (await ended.inner_text()).endswith("sign in again.")
    assert await page.query_selector(".mentorgraph-sign-out") is None

    # Signing in again, then out: logOut ends that session and the pane loses the token only.
    await page.fill(".mentorgraph-sign-in input[name=password]", PASSWORD)
    async with page.expect_response(is_operation("LogIn")) as answer:
        await page.click(".mentorgraph-sign-in button[type=submit]")
    again = (await (await answer.value).json())["data"]["logIn"]
    await wait_for_text(page, HEADERS_EDITOR, again["token"])
    await page.click(".mentorgraph-sign-out")
    signed_out = await page.wait_for_selector(
        ".mentorgraph-sign-in-status.idle:has-text('Signed out')", timeout=PATIENCE_MS
    )
    assert await signed_out.inner_text() == "Signed out."
    assert json.loads(await page.evaluate(editor_value(HEADERS_EDITOR))) == {"X-Note": "kept"}
    session = await Session.get(id=claims_of(again["token"])["sid"])
    assert session.ended_at is not None and session.end_reason == EndReason.LOG_OUT

    await asyncio.sleep(0)  # let the last recorded events land
    assert recorded.foreign() == []
    assert await page.evaluate("() => window.__cspViolations") == []
    assert recorded.problems == []


async def test_a_401_to_the_sessions_token_renews_it_once_and_sends_the_query_again(
    serve: StartServer, browser: Any
) -> None:
    user = await make_user(name="Grace Hopper")
    url = await serve(access_token_ttl_minutes=0.1)
    # The page's timers on a clock of the test's: paused, the panel's renewal never comes, as in
    # a tab the browser put to sleep, and the six-second token expires.
    await browser.clock.install()
    page, recorded, _ = await open_graphiql(browser, url)
    await page.click('.graphiql-sidebar button[aria-label="Show Sign in"]')
    await page.fill(".mentorgraph-sign-in input[name=email]", user.email)
    await page.fill(".mentorgraph-sign-in input[name=password]", PASSWORD)
    async with page.expect_response(is_operation("LogIn")) as answer:
        await page.click(".mentorgraph-sign-in button[type=submit]")
    signed_in = (await (await answer.value).json())["data"]["logIn"]
    await wait_for_text(page, HEADERS_EDITOR, signed_in["token"])
    await page.clock.pause_at(await page.evaluate("() => Date.now()") + 100)
    expires = claims_of(signed_in["token"])["exp"]
    # Until the token has expired by the server's clock (this machine's).
    await asyncio.sleep(max(0.0, expires + 1 - time.time()))

    await page.evaluate(
        f"(text) => document.querySelector({json.dumps(QUERY_EDITOR + ' .CodeMirror')})"
        ".CodeMirror.setValue(text)",
        "query Me { viewer { name } }",
    )
    # GraphiQL names the tab after a short debounce: let that much of the page's time pass, far
    # less than the 4.8 s until the panel's own renewal.
    await page.clock.run_for(500)
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if is_operation("Me")(r) else None)
    await page.click(".graphiql-execute-button")
    result = json.loads(await wait_for_text(page, RESPONSE, user.name))
    assert result == {"data": {"viewer": {"name": user.name}}}
    assert statuses == [401, 200]
    renewed = json.loads(await page.evaluate(editor_value(HEADERS_EDITOR)))["Authorization"]
    assert renewed != f"Bearer {signed_in['token']}"
    spent = await RefreshToken.get(token_hash=token_digest(signed_in["refreshToken"]))
    assert spent.used_at is not None
    # The one console error is Chromium reporting the 401 it was answered.
    assert [p for p in recorded.problems if "401" not in p] == []
