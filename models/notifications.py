"""The emails the platform sends, as plain text and HTML, built from one template each.

Queued through the outbox inside the transaction of the change they announce.
"""

from __future__ import annotations

from html import escape

from tortoise.backends.base.client import BaseDBAsyncClient

from models.limits import limits
from models.outbox import Email, enqueue_email
from models.requests import MentorshipRequest
from models.users import User

__all__ = ["application_decided", "render", "request_message"]


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


async def request_message(
    request: MentorshipRequest,
    author: User,
    to: User,
    text: str,
    *,
    connection: BaseDBAsyncClient,
) -> None:
    """The other party of a request is told of a message in its thread, with the message."""
    email = render(
        "request_message",
        to,
        f"{author.name} wrote about your mentorship request",
        [f"{author.name} wrote:", text, "Read the thread and answer on the request's page:"],
        f"/requests/{request.id}",
    )
    await enqueue_email(email, connection=connection)
