"""The emails the platform sends, as plain text and HTML, built from one template each.

Queued through the outbox inside the transaction of the change they announce.
"""

from __future__ import annotations

from html import escape

from tortoise.backends.base.client import BaseDBAsyncClient

from models.limits import limits
from models.outbox import Email, enqueue_email
from models.users import User

__all__ = [
    "application_decided",
    "password_changed",
    "password_reset_link",
    "password_reset_no_account",
    "render",
]


def render(kind: str, to: User, subject: str, paragraphs: list[str], link: str | None) -> Email:
    """One email in both forms; `paragraphs` are plain text, escaped for the HTML part."""
    url = f"{limits().app_url.rstrip('/')}{link}" if link else None
    text = "\n\n".join([f"Hi {to.name},", *paragraphs, *([url] if url else []), "— mentorgraph"])
    html_parts = [f"<p>Hi {escape(to.name)},</p>", *(f"<p>{escape(p)}</p>" for p in paragraphs)]
    if url:
        html_parts.append(f'<p><a href="{escape(url)}">{escape(url)}</a></p>')
    html_parts.append("<p>— mentorgraph</p>")
    return Email(
        kind=kind, to=to.email, subject=subject, text=text + "\n", html="\n".join(html_parts)
    )


async def application_decided(
    applicant: User, approved: bool, reason: str | None, connection: BaseDBAsyncClient
) -> None:
    if approved:
        email = render(
            "application_approved",
            applicant,
            "You are now a mentor on mentorgraph",
            [
                "Your application to mentor was approved. Mentees can now find you in the"
                " directory and send you requests.",
                "Keep your availability up to date, so nobody waits on you in vain.",
            ],
            "/profile",
        )
    else:
        email = render(
            "application_rejected",
            applicant,
            "Your mentor application",
            [
                "Thank you for applying to mentor. This time the application was not approved.",
                f"The reviewer's reason: {reason}" if reason else "No reason was given.",
                "You can apply again once you have addressed it.",
            ],
            "/profile",
        )
    await enqueue_email(email, connection=connection)


# Accounts (issue 16): password reset and change.


# Its bodies hold a live token: blanked once sent (`models.password_reset.forget_spent`).
PASSWORD_RESET_KIND = "password_reset"


async def password_reset_link(user: User, token: str, connection: BaseDBAsyncClient) -> None:
    """The reset link: the token in the fragment (after #), which browsers never send to a
    server, so it stays out of the web server's access logs and Referer headers."""
    minutes = limits().password_reset_ttl_minutes
    email = render(
        PASSWORD_RESET_KIND,
        user,
        "Reset your mentorgraph password",
        [
            "Someone (we hope you) asked to reset the password of your mentorgraph account."
            f" The link below sets a new one; it works once, within {minutes} minutes.",
            "If it was not you, ignore this email: your password stays as it is.",
        ],
        f"/reset-password#token={token}",
    )
    await enqueue_email(email, connection=connection)


async def password_reset_no_account(address: str, connection: BaseDBAsyncClient) -> None:
    """To an address without an account that a reset was asked for: say so (the owner of the
    inbox may have an account under another address); nobody else learns anything."""
    stranger = User(email=address, name="there")
    email = render(
        "password_reset_no_account",
        stranger,
        "Your mentorgraph password reset",
        [
            "Someone (we hope you) asked to reset the password of a mentorgraph account with"
            " this email address, but there is none. Perhaps you signed up with another one?",
            "If it was not you, ignore this email.",
        ],
        "/sign-up",
    )
    await enqueue_email(email, connection=connection)


async def password_changed(user: User, connection: BaseDBAsyncClient) -> None:
    """After a change or a reset: so that an owner who did not do it finds out."""
    email = render(
        "password_changed",
        user,
        "Your mentorgraph password was changed",
        [
            "The password of your mentorgraph account was just changed, and every other"
            " session signed out.",
            "If it was not you, reset your password now with the link below.",
        ],
        "/forgot-password",
    )
    await enqueue_email(email, connection=connection)
