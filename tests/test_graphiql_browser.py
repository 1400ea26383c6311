"""GraphiQL in a real browser (Debian's Chromium, driven by Playwright), against a real server
with the demo data: the page loads with no request to any other origin and no Content-Security-
Policy violation, the sign-in panel puts a token into the Headers pane, a query shows its result,
and a subscription receives a status change made while it runs."""

from __future__ import annotations

import asyncio
import io
import json
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from mentorgraph.demo import seed_demo
from mentorgraph.demo.people import DEMO_PASSWORD, MENTEE_EMAIL
from models.requests import RequestEvent, RequestStatus
from models.users import User
from resolvers.ids import encode_global_id
from resolvers.pagination import encode_cursor
from tests.conftest import StartServer
from tests.utils.factories import make_mentor, make_request
from tests.utils.status import change_status

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
    request = await make_request(mentee, mentor)
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
