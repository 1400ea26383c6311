"""The emails the platform sends, written as templates (`models/templates/emails/<locale>/`).

Each email is a pair of Jinja2 templates of one name: `<kind>.txt` (the plain-text part, and
the subject in its `subject` block) and `<kind>.html` (the HTML part, autoescaped: whatever
people typed arrives as text). Python hands them data and full links only; every word is in the
templates, so a translation is a directory of the same files (`de/`, `pt-BR/`), looked up by the
recipient's `locale` (then its language alone, then English).

Queued through the outbox inside the transaction of the change they announce.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup
from tortoise.backends.base.client import BaseDBAsyncClient

from mentorgraph.models.accounts.users import User
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.outbox import Email, enqueue_email

__all__ = [
    "DEFAULT_LOCALE",
    "application_decided",
    "compose",
    "password_changed",
    "password_reset_link",
    "password_reset_no_account",
    "web_link",
]

TEMPLATES = Path(__file__).parents[1] / "templates" / "emails"
DEFAULT_LOCALE = "en"


def _paragraphs(text: str) -> Markup:
    """Free text as HTML paragraphs: blank lines part them, single line breaks stay."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    return Markup("").join(
        Markup("<p>{}</p>\n").format(Markup("<br>\n").join(block.splitlines())) for block in blocks
    )


def _days(value: float) -> str:
    """14.0 -> "14 days", 1 -> "1 day", 0.5 -> "0.5 days"."""
    return f"{value:g} day" if value == 1 else f"{value:g} days"


_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,  # a misspelt name fails the test that renders it, not an email
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_env.filters["paragraphs"] = _paragraphs
_env.filters["days"] = _days


def web_link(path: str) -> str:
    """A page of the web app (`PUBLIC_WEB_URL`), e.g. "/requests/5"."""
    return f"{limits().public_web_url.rstrip('/')}{path}"


def _candidates(locale: str, name: str) -> list[str]:
    language = locale.split("-")[0]
    return [f"{code}/{name}" for code in dict.fromkeys([locale, language, DEFAULT_LOCALE])]


def _template(locale: str, name: str) -> Template:
    return _env.select_template(_candidates(locale, name))


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def compose(kind: str, to: User, context: Mapping[str, Any] | None = None) -> Email:
    """One email to `to`, both parts from the `kind` templates in their locale."""
    values = {"to": to, **(context or {})}
    locale = getattr(to, "locale", None) or DEFAULT_LOCALE
    text_template = _template(locale, f"{kind}.txt")
    html_template = _template(locale, f"{kind}.html")
    subject_block = text_template.blocks["subject"]
    subject = " ".join("".join(subject_block(text_template.new_context(values))).split())
    return Email(
        kind=kind,
        to=to.email,
        subject=subject,
        text=_tidy_text(text_template.render(values)),
        html=html_template.render(values),
    )


async def application_decided(
    applicant: User, approved: bool, reason: str | None, connection: BaseDBAsyncClient
) -> None:
    kind = "application_approved" if approved else "application_rejected"
    email = compose(kind, applicant, {"reason": reason, "profile_url": web_link("/profile")})
    await enqueue_email(email, connection=connection)


# Accounts (issue 16): password reset and change.


# Its bodies hold a live token: blanked once sent
# (`mentorgraph.models.accounts.password_reset.forget_spent`).
PASSWORD_RESET_KIND = "password_reset"


async def password_reset_link(user: User, token: str, connection: BaseDBAsyncClient) -> None:
    """The reset link: the token in the fragment (after #), which browsers never send to a
    server, so it stays out of the web server's access logs and Referer headers."""
    email = compose(
        PASSWORD_RESET_KIND,
        user,
        {
            "minutes": limits().password_reset_ttl_minutes,
            "reset_url": web_link(f"/reset-password#token={token}"),
        },
    )
    await enqueue_email(email, connection=connection)


async def password_reset_no_account(address: str, connection: BaseDBAsyncClient) -> None:
    """To an address without an account that a reset was asked for: say so (the owner of the
    inbox may have an account under another address); nobody else learns anything."""
    stranger = User(email=address, name="there")
    email = compose("password_reset_no_account", stranger, {"sign_up_url": web_link("/sign-up")})
    await enqueue_email(email, connection=connection)


async def password_changed(user: User, connection: BaseDBAsyncClient) -> None:
    """After a change or a reset: so that an owner who did not do it finds out."""
    email = compose("password_changed", user, {"forgot_url": web_link("/forgot-password")})
    await enqueue_email(email, connection=connection)
