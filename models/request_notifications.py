"""Who is told what when a request changes: one hook, called by the lifecycle for every change.

`announce_change` runs inside the transaction of the change (on its connection), so its emails
enter the outbox with the change and vanish with it on rollback. Reminders and availability
emails are written by the ladder (`models/ladder.py`), in its own transactions.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from models.limits import limits
from models.notifications import render
from models.outbox import Email, enqueue_email
from models.request_guards import OPEN_STATUSES
from models.requests import DeclineReason, MentorshipRequest, RequestStatus
from models.suggestions import suggest_mentors
from models.users import User

__all__ = ["announce_change", "availability_email", "reminder_email"]

S = RequestStatus

_REASONS = {
    DeclineReason.NOT_A_GOOD_FIT: "they do not think they are the right fit for what you ask",
    DeclineReason.NO_CAPACITY: "they have no room for another mentee at the moment",
    DeclineReason.NOT_ENOUGH_INFORMATION: "they need more information than the request gives",
    DeclineReason.OUT_OF_EXPERTISE: "what you ask is outside their expertise",
    DeclineReason.MENTOR_INACTIVE: "the mentor has not been answering requests",
    DeclineReason.OTHER: "of another reason",
}


# Declines that say nothing about the mentee's request: other mentors to ask come with them.
_WITH_ALTERNATIVES = (DeclineReason.MENTOR_INACTIVE, DeclineReason.NO_CAPACITY)


def _link(request: MentorshipRequest) -> str:
    return f"/requests/{request.id}"


def _days(value: float) -> str:
    return f"{value:g} days"


async def announce_change(
    conn: BaseDBAsyncClient,
    request: MentorshipRequest,
    to_status: RequestStatus,
    *,
    note: str | None,
) -> None:
    """Queue the emails for one status change of `request` (already written on `conn`)."""
    if to_status not in (S.NEW, S.APPROVED, S.DECLINED, S.CANCELLED, S.EXPIRED):
        return  # VIEWED and COMPLETED concern only the person who made them
    people = {
        u.id: u
        for u in await User.filter(id__in=[request.mentor_id, request.mentee_id]).using_db(conn)
    }
    mentor, mentee = people[request.mentor_id], people[request.mentee_id]
    emails: list[Email]
    if to_status is S.NEW:
        emails = [_new_request(request, mentor, mentee)]
    elif to_status is S.APPROVED:
        others = (
            await MentorshipRequest.filter(mentee_id=mentee.id, status__in=OPEN_STATUSES)
            .exclude(id=request.id)
            .using_db(conn)
            .count()
        )
        emails = [_approved(request, mentor, mentee, others)]
    elif to_status is S.DECLINED:
        alternatives = (
            await suggest_mentors(conn, mentee, excluding=mentor.id)
            if request.decline_reason in _WITH_ALTERNATIVES
            else []
        )
        emails = [_declined(request, mentor, mentee, alternatives)]
    elif to_status is S.CANCELLED:
        emails = [_cancelled(request, mentor, mentee, note)]
    else:
        suggestions = await suggest_mentors(conn, mentee, excluding=mentor.id)
        emails = [
            _expired_for_mentee(request, mentor, mentee, suggestions),
            _expired_for_mentor(request, mentor, mentee),
        ]
    for email in emails:
        await enqueue_email(email, connection=conn)


def _new_request(request: MentorshipRequest, mentor: User, mentee: User) -> Email:
    return render(
        "request_new",
        mentor,
        f"{mentee.name} asks you for mentorship",
        [
            f"{mentee.name} sent you a mentorship request:",
            request.message,
            "Please approve or decline it, even if the answer is no: they wait for you."
            f" Requests without an answer expire after {_days(limits().expire_after_days)}.",
        ],
        _link(request),
    )


def _approved(request: MentorshipRequest, mentor: User, mentee: User, others: int) -> Email:
    paragraphs = [f"{mentor.name} approved your mentorship request."]
    if request.response_message:
        paragraphs.append(f"Their message: {request.response_message}")
    paragraphs.append("Their contact channels are now visible on their profile.")
    if others:
        waiting = "1 other request" if others == 1 else f"{others} other requests"
        paragraphs.append(
            f"You still have {waiting} waiting for an answer. If you go ahead with"
            f" {mentor.name}, withdraw them all at once with cancelOtherMentorshipRequests"
            " (keeping this request), so other mentors do not spend time on them."
        )
    return render(
        "request_approved", mentee, f"{mentor.name} will mentor you", paragraphs, _link(request)
    )


def _declined(
    request: MentorshipRequest, mentor: User, mentee: User, alternatives: list[User]
) -> Email:
    reason = _REASONS.get(
        request.decline_reason or DeclineReason.OTHER, _REASONS[DeclineReason.OTHER]
    )
    if request.decline_reason is DeclineReason.MENTOR_INACTIVE:
        first = f"Your request to {mentor.name} was closed because {reason}."
    else:
        first = f"{mentor.name} declined your mentorship request because {reason}."
    paragraphs = [first]
    if request.response_message:
        paragraphs.append(f"Their message: {request.response_message}")
    paragraphs.append("Your open-request slot is free again: other mentors are in the directory.")
    paragraphs.extend(_alternatives(alternatives))
    return render("request_declined", mentee, "Your mentorship request", paragraphs, "/mentors")


def _cancelled(request: MentorshipRequest, mentor: User, mentee: User, note: str | None) -> Email:
    paragraphs = [f"{mentee.name} withdrew their mentorship request; nothing is needed from you."]
    if note:
        paragraphs.append(f"Their note: {note}")
    return render(
        "request_cancelled", mentor, f"{mentee.name} withdrew their request", paragraphs, None
    )


def _expired_for_mentee(
    request: MentorshipRequest, mentor: User, mentee: User, suggestions: list[User]
) -> Email:
    paragraphs = [
        f"{mentor.name} did not answer your request within"
        f" {_days(limits().expire_after_days)}, so it has expired and your open-request slot is"
        " free again."
    ]
    paragraphs.extend(_alternatives(suggestions) or ["Other mentors are in the directory."])
    return render(
        "request_expired_mentee", mentee, "Your mentorship request expired", paragraphs, "/mentors"
    )


def _alternatives(suggestions: list[User]) -> list[str]:
    if not suggestions:
        return []
    return [
        "These mentors have room for a mentee and answer their requests:",
        *(f"- {m.name}, {m.title} (/mentors/{m.id})" for m in suggestions),
    ]


def _expired_for_mentor(request: MentorshipRequest, mentor: User, mentee: User) -> Email:
    rule = limits()
    return render(
        "request_expired_mentor",
        mentor,
        f"{mentee.name}'s request expired unanswered",
        [
            f"The mentorship request from {mentee.name} went unanswered for"
            f" {_days(rule.expire_after_days)} and has expired.",
            f"Mentors with {rule.inactive_expiries} expired requests within"
            f" {_days(rule.inactive_window_days)} are set unavailable automatically. If you cannot"
            " take mentees now, set yourself unavailable, or decline requests with a reason.",
        ],
        _link(request),
    )


def reminder_email(
    request: MentorshipRequest, mentor: User, mentee: User, *, number: int | None, age_days: int
) -> Email:
    """The nudge about one unanswered request (`number` None: an admin sent it)."""
    expires = limits().expire_after_days
    paragraphs = [
        f"{mentee.name}'s mentorship request has been waiting for your answer for {age_days} days.",
        f"Please approve or decline it; unanswered requests expire after {_days(expires)}.",
    ]
    if number is None:
        paragraphs.insert(0, "An admin of mentorgraph asked us to remind you of this request.")
    subject = "Reminder" if number in (None, 1) else "Second reminder"
    return render(
        "request_reminder",
        mentor,
        f"{subject}: {mentee.name} is waiting for your answer",
        paragraphs,
        _link(request),
    )


def availability_email(mentor: User, *, by_system: bool, reason: str) -> Email:
    """The mentor was set unavailable by someone else: why, and how to come back."""
    who = "We have" if by_system else "An admin has"
    return render(
        "mentor_unavailable",
        mentor,
        "You are set unavailable on mentorgraph",
        [
            f"{who} set you unavailable as a mentor: {reason}",
            "Mentees no longer see you among available mentors and cannot send you requests.",
            "When you are ready to answer requests again, set yourself available on your"
            " profile (the setAvailability mutation with available: true).",
        ],
        "/profile",
    )
