"""A mentor approves or declines a request from the link in its email.

Reading a link (`open_link`) changes nothing, so mail scanners that fetch every link decide
nothing. Answering (`answer_by_link`) is the mentor's own approve / decline, through the one
write path (`lifecycle.transition`, with every rule it checks: state, capacity), and spends the
link in the same transaction: exactly one answer per link, whichever process serves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tortoise.backends.base.client import BaseDBAsyncClient

from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.email_links import LinkRefusal, LinkRefused, find_link, spend_link
from mentorgraph.models.requests.request_rules import clean_optional_text
from mentorgraph.models.requests.requests import (
    SYSTEM_DECLINE_REASONS,
    DeclineReason,
    MentorshipRequest,
    RequestStatus,
)

__all__ = ["MENTOR_REASONS", "Choice", "LinkView", "answer_by_link", "open_link"]

# The reasons a mentor may give; MENTOR_INACTIVE and ACCOUNT_CLOSED are the system's.
MENTOR_REASONS = tuple(r for r in DeclineReason if r not in SYSTEM_DECLINE_REASONS)


class Choice(StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"


@dataclass(frozen=True, slots=True)
class LinkView:
    """What the page shows before anything is decided."""

    link_id: int
    request: MentorshipRequest
    mentor: User
    mentee: User


async def open_link(token: str) -> LinkView:
    """The request a valid, unexpired, unused link answers; LinkRefused otherwise. Writes
    nothing. (The request may be answered already: the page says so, the answer is refused.)"""
    link = await find_link(token)
    request = await MentorshipRequest.get_or_none(id=link.request_id)
    if request is None:  # deleted since (its links with it)
        raise LinkRefused(LinkRefusal.INVALID)
    people = {u.id: u for u in await User.filter(id__in=[request.mentor_id, request.mentee_id])}
    if request.mentor_id != link.mentor_id or len(people) != 2:
        raise LinkRefused(LinkRefusal.INVALID)
    return LinkView(link.id, request, people[request.mentor_id], people[request.mentee_id])


async def answer_by_link(
    token: str,
    choice: Choice,
    *,
    reason: DeclineReason | None = None,
    message: str | None = None,
) -> MentorshipRequest:
    """Approve or decline as the link's mentor. LinkRefused for a bad, expired or used link;
    RuleViolation for a refused answer (INVALID_INPUT, INVALID_TRANSITION, MENTOR_AT_CAPACITY,
    ...), which leaves the link usable."""
    view = await open_link(token)
    text = clean_optional_text(message, "message", "Your note")
    if choice is Choice.DECLINE and reason not in MENTOR_REASONS:
        raise RuleViolation(ErrorCode.INVALID_INPUT, "Choose a reason for declining.", ["reason"])

    async def spend(conn: BaseDBAsyncClient) -> None:
        await spend_link(conn, view.link_id)

    return await lifecycle.transition(
        view.request.id,
        RequestStatus.APPROVED if choice is Choice.APPROVE else RequestStatus.DECLINED,
        actor=view.mentor,
        note=text,
        response_message=text,
        decline_reason=reason if choice is Choice.DECLINE else None,
        also=spend,
    )
