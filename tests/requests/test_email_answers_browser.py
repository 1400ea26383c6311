"""The answer page in a real browser (Debian's Chromium, driven by Playwright, as in
tests/api/test_graphiql_browser.py): the mentor follows the email's decline link, picks a reason,
writes a note and presses the button; the page runs no script, breaks no Content-Security-Policy
rule, asks no other origin for anything, and the request is declined once."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from devkit.factories import make_mentor, make_user
from devkit.live_server import LiveServer
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.requests.requests import DeclineReason, MentorshipRequest, RequestStatus
from tests.api.test_graphiql_browser import RECORD_VIOLATIONS, async_playwright, browser  # noqa: F401
from tests.requests.test_email_answers import (  # noqa: F401
    PUBLIC_API,
    new_request_email,
    servers,
    settings,
)
from tests.utils.client import GraphQLClient
from tests.utils.smtp import SmtpServer


async def test_a_mentor_declines_from_the_page(
    client: GraphQLClient,
    smtp: SmtpServer,
    servers: list[LiveServer],  # noqa: F811
    browser: Any,  # noqa: F811
) -> None:
    live_server = servers[0]
    mentor = await make_mentor(email="ada@example.org")
    mentee = await make_user(name="Mo", email="mo@example.org")
    request_id, links = await new_request_email(client, smtp, mentee, mentor)
    link = links["decline"].replace(PUBLIC_API, live_server.url)

    own = urlsplit(live_server.url).netloc
    asked: list[str] = []
    problems: list[str] = []
    browser.on("request", lambda request: asked.append(request.url))
    await browser.add_init_script(RECORD_VIOLATIONS)
    page = await browser.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    response = await page.goto(link)
    assert response.status == 200
    assert await page.title() == "Decline this request? · mentorgraph"
    # The page's own style applied (allowed by its nonce): the button is red, not grey.
    colour = await page.eval_on_selector("button", "b => getComputedStyle(b).backgroundColor")
    assert colour == "rgb(180, 35, 24)"
    assert (await MentorshipRequest.get(id=request_id)).status is RequestStatus.NEW

    await page.select_option("#reason", "OUT_OF_EXPERTISE")
    await page.fill("#message", "Try someone who knows Rust.")
    async with page.expect_navigation():
        await page.click("button[type=submit]")
    assert await page.text_content("h1") == "You declined the request"
    assert "We have told Mo." in (await page.text_content("#detail") or "")

    request = await MentorshipRequest.get(id=request_id)
    assert (request.status, request.decline_reason, request.response_message) == (
        RequestStatus.DECLINED,
        DeclineReason.OUT_OF_EXPERTISE,
        "Try someone who knows Rust.",
    )
    assert await OutboxEmail.filter(kind="request_declined", to_email="mo@example.org").exists()
    # Back: the page is not kept (no-store), the link is asked again, and it is spent.
    await page.go_back()
    assert await page.text_content("h1") == "This link was already used"
    assert await page.query_selector("form") is None

    assert await page.evaluate("window.__cspViolations") == []
    # The one console error: Chromium noting the refusal's status (410).
    assert [p for p in problems if "status of 410" not in p] == [], problems
    assert [url for url in asked if urlsplit(url).netloc != own] == []
