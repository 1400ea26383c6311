"""Who is told what when a request changes: one hook, called by the lifecycle for every change.

`announce_change` runs inside the transaction of the change (on its connection), so its emails
enter the outbox with the change and vanish with it on rollback. Reminders and availability
emails are written by the ladder (`models/ladder.py`), in its own transactions.
"""

from __future__ import annotations

import pycountry
from tortoise.backends.base.client import BaseDBAsyncClient

from models.email_links import issue_link
from models.limits import limits
from models.notifications import compose, web_link
from models.outbox import Email, enqueue_email
from models.request_guards import OPEN_STATUSES
from models.requests import DeclineReason, MentorshipRequest, RequestStatus
from models.suggestions import suggest_mentors
from models.users import User, UserLanguage, UserTag

__all__ = ["announce_change", "availability_email", "reminder_email"]

S = RequestStatus


def _request_url(request: MentorshipRequest) -> str:
    return web_link(f"/requests/{request.id}")


# Declines that say nothing about the mentee's request: other mentors to ask come with them.
_WITH_ALTERNATIVES = (DeclineReason.MENTOR_INACTIVE, DeclineReason.NO_CAPACITY)


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
        emails = [await _new_request(conn, request, mentor, mentee)]
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


async def _mentee_profile(conn: BaseDBAsyncClient, mentee: User) -> dict[str, object]:
    """What the mentor reads about the mentee, in words (country and language names)."""
    tags = await UserTag.filter(user_id=mentee.id).using_db(conn).order_by("position")
    languages = await UserLanguage.filter(user_id=mentee.id).using_db(conn).order_by("position")
    country = pycountry.countries.get(alpha_2=mentee.country) if mentee.country else None
    names = [pycountry.languages.get(alpha_2=lang.language) for lang in languages]
    return {
        "title": mentee.title,
        "country": country.name if country is not None else None,
        "languages": [name.name for name in names if name is not None],
        "tags": [tag.tag for tag in tags],
        "bio": mentee.bio,
    }


async def _new_request(
    conn: BaseDBAsyncClient, request: MentorshipRequest, mentor: User, mentee: User
) -> Email:
    """The whole request, the mentee's profile, and signed links to answer it from the inbox."""
    token = await issue_link(conn, request)
    answer_page = f"{limits().public_api_url.rstrip('/')}/email/answer?token={token}"
    return compose(
        "request_new",
        mentor,
        {
            "request": request,
            "mentee": mentee,
            "profile": await _mentee_profile(conn, mentee),
            "approve_url": f"{answer_page}&choice=approve",
            "decline_url": f"{answer_page}&choice=decline",
            "request_url": _request_url(request),
            "link_days": limits().email_link_days,
            "expire_days": limits().expire_after_days,
        },
    )


def _approved(request: MentorshipRequest, mentor: User, mentee: User, others: int) -> Email:
    return compose(
        "request_approved",
        mentee,
        {
            "request": request,
            "mentor": mentor,
            "others": others,
            "request_url": _request_url(request),
        },
    )


def _declined(
    request: MentorshipRequest, mentor: User, mentee: User, alternatives: list[User]
) -> Email:
    return compose(
        "request_declined",
        mentee,
        {
            "request": request,
            "mentor": mentor,
            "suggestions": _suggested(alternatives),
            "directory_url": web_link("/mentors"),
        },
    )


def _cancelled(request: MentorshipRequest, mentor: User, mentee: User, note: str | None) -> Email:
    return compose("request_cancelled", mentor, {"mentee": mentee, "note": note})


def _expired_for_mentee(
    request: MentorshipRequest, mentor: User, mentee: User, suggestions: list[User]
) -> Email:
    return compose(
        "request_expired_mentee",
        mentee,
        {
            "mentor": mentor,
            "expire_days": limits().expire_after_days,
            "suggestions": _suggested(suggestions),
            "directory_url": web_link("/mentors"),
        },
    )


def _suggested(mentors: list[User]) -> list[dict[str, object]]:
    """Other mentors to ask, as the templates list them (`models.suggestions`)."""
    return [
        {"name": m.name, "title": m.title, "url": web_link(f"/mentors/{m.id}")} for m in mentors
    ]


def _expired_for_mentor(request: MentorshipRequest, mentor: User, mentee: User) -> Email:
    rule = limits()
    return compose(
        "request_expired_mentor",
        mentor,
        {
            "mentee": mentee,
            "expire_days": rule.expire_after_days,
            "inactive_expiries": rule.inactive_expiries,
            "inactive_window_days": rule.inactive_window_days,
            "request_url": _request_url(request),
            "profile_url": web_link("/profile"),
        },
    )


def reminder_email(
    request: MentorshipRequest, mentor: User, mentee: User, *, number: int | None, age_days: int
) -> Email:
    """The nudge about one unanswered request (`number` None: an admin sent it)."""
    return compose(
        "request_reminder",
        mentor,
        {
            "mentee": mentee,
            "number": number,
            "by_admin": number is None,
            "age_days": age_days,
            "expire_days": limits().expire_after_days,
            "request_url": _request_url(request),
        },
    )


def availability_email(mentor: User, *, by_system: bool, reason: str) -> Email:
    """The mentor was set unavailable by someone else: why, and how to come back."""
    return compose(
        "mentor_unavailable",
        mentor,
        {"by_system": by_system, "reason": reason, "profile_url": web_link("/profile")},
    )
