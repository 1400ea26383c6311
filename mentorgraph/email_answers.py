"""The page behind the approve / decline links of the new-request email (`/email/answer`).

GET shows the request and the choice, and changes nothing (mail scanners fetch links). POST
makes it: the signed token travels in the form, so no cookie or session is involved and a page
on another site cannot answer without the token (which only the mentor's inbox has). The rules
are `models/requests/email_answers.py`'s; this module turns their outcome into a page. The token is
a secret: it is never logged, and the page's Referrer-Policy keeps it out of other sites' logs.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from mentorgraph.models.errors import ErrorCode, RuleViolation, RuleViolations
from mentorgraph.models.requests.email_answers import Choice, LinkView, answer_by_link, open_link
from mentorgraph.models.requests.email_links import LinkRefusal, LinkRefused
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import DeclineReason, RequestStatus

__all__ = ["ANSWER_PATH", "EmailAnswerPage", "content_security_policy", "token_page"]

ANSWER_PATH = "/email/answer"
# A form carries a token, a choice, a reason and a note of at most 5,000 characters.
MAX_FORM_BYTES = 64 * 1024

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",)),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATE = _env.get_template("email_answer.html")

REASON_LABELS = {
    DeclineReason.NOT_A_GOOD_FIT: "I am not the right fit for what they ask",
    DeclineReason.NO_CAPACITY: "I have no room for another mentee now",
    DeclineReason.NOT_ENOUGH_INFORMATION: "The request does not tell me enough",
    DeclineReason.OUT_OF_EXPERTISE: "It is outside my expertise",
    DeclineReason.OTHER: "Another reason",
}

# Link refusals: HTTP status and what the person who clicked reads.
_REFUSALS = {
    LinkRefusal.INVALID: (
        404,
        "This link does not work",
        "It may have been copied incompletely. Open the request on the site instead.",
    ),
    LinkRefusal.EXPIRED: (
        410,
        "This link has expired",
        "Answer links work for a limited time. You can still answer on the site.",
    ),
    LinkRefusal.USED: (
        410,
        "This link was already used",
        "Each answer link works once, and this one has answered the request already.",
    ),
}
# Refused answers that are a conflict with the request's state rather than bad input.
_CONFLICTS = {
    ErrorCode.INVALID_TRANSITION,
    ErrorCode.MENTOR_AT_CAPACITY,
    ErrorCode.NOT_FOUND,
    ErrorCode.FORBIDDEN,
}


def content_security_policy(nonce: str) -> str:
    """No scripts at all, this response's one <style>, and forms posting to this origin."""
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src 'nonce-{nonce}'",
            # The empty data: favicon only (else the browser asks for /favicon.ico).
            "img-src data:",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def token_page(template: Template, status: int, **values: Any) -> HTMLResponse:
    """`template` rendered as a page reached by an emailed link (this one and the unsubscribe
    page): its own script nonce, and headers that keep the token in its address to itself."""
    nonce = secrets.token_urlsafe(16)
    return HTMLResponse(
        template.render(nonce=nonce, **values),
        status_code=status,
        headers={
            "Content-Security-Policy": content_security_policy(nonce),
            "X-Content-Type-Options": "nosniff",
            # The page's address holds the token: never sent on as a Referer.
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
            "X-Robots-Tag": "noindex, nofollow",
        },
    )


def _page(status: int, **values: Any) -> HTMLResponse:
    values.setdefault("view", None)
    values.setdefault("form", None)
    values.setdefault("error", None)
    values.setdefault("detail", "")
    return token_page(_TEMPLATE, status, path=ANSWER_PATH, reasons=REASON_LABELS, **values)


def _refused(refusal: LinkRefusal) -> HTMLResponse:
    status, title, detail = _REFUSALS[refusal]
    return _page(status, title=title, detail=detail)


# What a request that can no longer be answered says, by its status.
_CLOSED = {
    RequestStatus.APPROVED: ("This request is answered already", "You approved it."),
    RequestStatus.COMPLETED: ("This request is answered already", "You approved it."),
    RequestStatus.DECLINED: ("This request is answered already", "It was declined."),
    RequestStatus.CANCELLED: (
        "The mentee withdrew this request",
        "They withdrew it before it was answered; nothing is needed from you.",
    ),
    RequestStatus.EXPIRED: (
        "This request has expired",
        "It went unanswered for too long and was closed; the mentee was told.",
    ),
}


def _closed(view: LinkView) -> HTMLResponse:
    title, detail = _CLOSED[view.request.status]
    return _page(409, title=title, detail=detail, view=view)


def _choice(value: str | None) -> Choice:
    return Choice.DECLINE if value == Choice.DECLINE.value else Choice.APPROVE


class EmailAnswerPage:
    async def show(self, request: Request) -> Response:
        """GET: the request and the form for the chosen answer; nothing is written."""
        token = request.query_params.get("token", "")
        choice = _choice(request.query_params.get("choice"))
        try:
            view = await open_link(token)
        except LinkRefused as refused:
            return _refused(refused.refusal)
        if view.request.status not in OPEN_STATUSES:
            return _closed(view)
        return _page(
            200,
            title="Approve this request?" if choice is Choice.APPROVE else "Decline this request?",
            view=view,
            form={"token": token, "choice": choice.value, "reason": None, "message": ""},
        )

    async def answer(self, request: Request) -> Response:
        """POST: make the answer the form carries."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return _page(415, title="This page takes its own form only", detail="")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                return _page(413, title="That note is too long", detail="")
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10)
        except (UnicodeDecodeError, ValueError):
            return _page(400, title="This page takes its own form only", detail="")
        token = fields.get("token", [""])[0]
        choice = _choice(fields.get("choice", [""])[0])
        reason_value = fields.get("reason", [""])[0]
        reason = DeclineReason(reason_value) if reason_value in DeclineReason.__members__ else None
        message = fields.get("message", [""])[0]
        form = {"token": token, "choice": choice.value, "reason": reason, "message": message}
        try:
            view = await open_link(token)
        except LinkRefused as refused:
            return _refused(refused.refusal)
        try:
            done = await answer_by_link(token, choice, reason=reason, message=message)
        except LinkRefused as refused:  # spent or expired in the meantime
            return _refused(refused.refusal)
        except RuleViolations as violations:
            return _page(400, title="Please check your answer", view=view, form=form,
                         error=violations.violations[0].message)  # fmt: skip
        except RuleViolation as violation:
            if violation.code is ErrorCode.INVALID_TRANSITION:  # answered or closed meanwhile
                await view.request.refresh_from_db()
                if view.request.status in _CLOSED:
                    return _closed(view)
            if violation.code is ErrorCode.MENTOR_AT_CAPACITY:
                return _page(409, title="You have no room for another mentee", view=view,
                             detail=f"{violation.message} Decline the request, or make room"
                             " first (complete a mentorship, or raise your capacity on your"
                             " profile) and use this link again.")  # fmt: skip
            if violation.code in _CONFLICTS:
                return _page(409, title="Your answer could not be made", view=view,
                             detail=violation.message)  # fmt: skip
            return _page(400, title="Please check your answer", view=view, form=form,
                         error=violation.message)  # fmt: skip
        approved = done.status is RequestStatus.APPROVED
        return _page(
            200,
            title="You approved the request" if approved else "You declined the request",
            detail=f"We have told {view.mentee.name}."
            + (" They can now see how to reach you." if approved else ""),
        )
