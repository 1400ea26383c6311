"""The page behind the unsubscribe link of notification emails (`/email/unsubscribe`).

GET shows what the link stops and a button, and changes nothing: mail scanners and link
previews fetch links, and must not unsubscribe anyone. POST applies it, from the page's form or
straight from a mail client (RFC 8058 one-click: `List-Unsubscribe-Post:
List-Unsubscribe=One-Click` makes the client POST the header's URL with that body). The token
travels in the URL's query or in the form; no cookie or session is involved. The rules are
`models/notifications/unsubscribe.py`'s. The token is a secret: never logged; no-referrer keeps it
home.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from mentorgraph.email_answers import token_page
from mentorgraph.models.notifications.unsubscribe import (
    ALL_KINDS,
    UNSUBSCRIBE_PATH,
    UnsubscribeRefusal,
    UnsubscribeRefused,
    apply_unsubscribe,
    check_token,
)

__all__ = ["UNSUBSCRIBE_PATH", "UnsubscribePage"]

# A form (or a one-click POST) carries a token and a word or two.
MAX_FORM_BYTES = 4 * 1024

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",)),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATE = _env.get_template("unsubscribe.html")

# What each kind's emails are, in the words of the page.
KIND_LABELS = {
    "REQUEST_NEW": "new mentorship requests",
    "REQUEST_APPROVED": "requests approved",
    "REQUEST_DECLINED": "requests declined",
    "REQUEST_CANCELLED": "requests withdrawn",
    "REQUEST_REMINDER": "reminders of requests waiting for you",
    "REQUEST_EXPIRED": "requests that expired",
    "REQUEST_MESSAGE": "messages about requests",
    "FEEDBACK_RECEIVED": "feedback you received",
    "SET_UNAVAILABLE": "being set unavailable as a mentor",
}

_REFUSALS = {
    UnsubscribeRefusal.INVALID: (
        404,
        "This link does not work",
        "It may have been copied incompletely. Change your email settings on the site instead.",
    ),
    UnsubscribeRefusal.EXPIRED: (
        410,
        "This link has expired",
        "Unsubscribe links work for a limited time. Change your email settings on the site.",
    ),
}


def _page(status: int, **values: Any) -> HTMLResponse:
    values.setdefault("detail", "")
    values.setdefault("what", None)
    values.setdefault("token", None)
    return token_page(_TEMPLATE, status, action=UNSUBSCRIBE_PATH, **values)


def _refused(refusal: UnsubscribeRefusal) -> HTMLResponse:
    status, title, detail = _REFUSALS[refusal]
    return _page(status, title=title, detail=detail)


def _what(token: str) -> str:
    scope = token.split(".")[2]
    return ALL_KINDS if scope == ALL_KINDS else KIND_LABELS.get(scope, scope)


async def _form_token(request: Request) -> str | None:
    """The `token` of a urlencoded form body (None: none there, or not such a body)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=5)
    except (UnicodeDecodeError, ValueError):
        return None
    return fields.get("token", [None])[0]


class UnsubscribePage:
    async def show(self, request: Request) -> Response:
        """GET: what the link stops, and the button; nothing is written."""
        token = request.query_params.get("token", "")
        try:
            check_token(token)
        except UnsubscribeRefused as refused:
            return _refused(refused.refusal)
        return _page(200, title="Stop these emails?", what=_what(token), token=token)

    async def apply(self, request: Request) -> Response:
        """POST: unsubscribe. The token of the URL (one-click) or of the page's form."""
        token = request.query_params.get("token") or await _form_token(request) or ""
        try:
            await apply_unsubscribe(token)
        except UnsubscribeRefused as refused:
            return _refused(refused.refusal)
        return _page(
            200,
            title="You are unsubscribed",
            detail="You will no longer receive these emails. Your notifications stay in the app.",
            what=_what(token),
        )
