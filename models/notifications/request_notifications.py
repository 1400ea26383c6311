"""Who is told what when a request changes: one hook, called by the lifecycle for every change.

`announce_change` runs inside the transaction of the change (on its connection): each person
told gets a notification and (by their preference) its email through
`mentorgraph.models.notifications.inbox.deliver`, which commit with the change and vanish with it on
rollback. Reminders (`reminder_notice`) are delivered by the ladder (`models/requests/ladder.py`),
messages and feedback by their own modules, each in its own transaction; the availability notice
(`availability_notice`) by
`mentor_availability`.
"""

from __future__ import annotations

import pycountry
from tortoise.backends.base.client import BaseDBAsyncClient

from mentorgraph.models.accounts.users import User, UserLanguage, UserTag
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.email_preferences import NotificationKind
from mentorgraph.models.notifications.email_templates import web_link
from mentorgraph.models.notifications.inbox import Notice, deliver
from mentorgraph.models.requests.email_links import issue_link
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import DeclineReason, MentorshipRequest, RequestStatus
from mentorgraph.models.requests.suggestions import suggest_mentors

__all__ = [
    "announce_change",
    "availability_notice",
    "feedback_notice",
    "message_notice",
    "reminder_notice",
]

S = RequestStatus
K = NotificationKind


def _request_url(request: MentorshipRequest) -> str:
    return web_link(f"/requests/{request.id}")


# Declines that say nothing about the mentee's request: other mentors to ask come with them.
_WITH_ALTERNATIVES = (
    DeclineReason.MENTOR_INACTIVE,
    DeclineReason.ACCOUNT_CLOSED,
    DeclineReason.NO_CAPACITY,
)


async def announce_change(
    conn: BaseDBAsyncClient,
    request: MentorshipRequest,
    to_status: RequestStatus,
    *,
    note: str | None,
    actor_id: int | None = None,
) -> None:
    """Notify the people one status change of `request` (already written on `conn`) concerns."""
    if to_status not in (S.NEW, S.APPROVED, S.DECLINED, S.CANCELLED, S.EXPIRED):
        return  # VIEWED and COMPLETED concern only the person who made them
    people = {
        u.id: u
        for u in await User.filter(id__in=[request.mentor_id, request.mentee_id]).using_db(conn)
    }
    mentor, mentee = people[request.mentor_id], people[request.mentee_id]
    notices: list[Notice]
    if to_status is S.NEW:
        notices = [await _new_request(conn, request, mentor, mentee)]
    elif to_status is S.APPROVED:
        others = (
            await MentorshipRequest.filter(mentee_id=mentee.id, status__in=OPEN_STATUSES)
            .exclude(id=request.id)
            .using_db(conn)
            .count()
        )
        notices = [_approved(request, mentor, mentee, others)]
    elif to_status is S.DECLINED:
        alternatives = (
            await suggest_mentors(conn, mentee, excluding=mentor.id)
            if request.decline_reason in _WITH_ALTERNATIVES
            else []
        )
        notices = [_declined(request, mentor, mentee, alternatives, actor_id)]
    elif to_status is S.CANCELLED:
        notices = [_cancelled(request, mentor, mentee, note, actor_id)]
    else:
        suggestions = await suggest_mentors(conn, mentee, excluding=mentor.id)
        notices = [
            _expired_for_mentee(request, mentor, mentee, suggestions),
            _expired_for_mentor(request, mentor, mentee),
        ]
    await deliver(conn, notices)


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
) -> Notice:
    """The whole request, the mentee's profile, and signed links to answer it from the inbox."""
    token = await issue_link(conn, request)
    answer_page = f"{limits().public_api_url.rstrip('/')}/email/answer?token={token}"
    return Notice(
        mentor,
        K.REQUEST_NEW,
        "request_new",
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
        request.id,
        mentee.id,
    )


def _approved(request: MentorshipRequest, mentor: User, mentee: User, others: int) -> Notice:
    return Notice(
        mentee,
        K.REQUEST_APPROVED,
        "request_approved",
        {
            "request": request,
            "mentor": mentor,
            "others": others,
            "request_url": _request_url(request),
        },
        request.id,
        mentor.id,
    )


def _declined(
    request: MentorshipRequest,
    mentor: User,
    mentee: User,
    alternatives: list[User],
    actor_id: int | None,
) -> Notice:
    """By the mentor, or by the system (`actor_id` None: MENTOR_INACTIVE and the like)."""
    return Notice(
        mentee,
        K.REQUEST_DECLINED,
        "request_declined",
        {
            "request": request,
            "mentor": mentor,
            "suggestions": _suggested(alternatives),
            "directory_url": web_link("/mentors"),
        },
        request.id,
        actor_id,
    )


def _cancelled(
    request: MentorshipRequest, mentor: User, mentee: User, note: str | None, actor_id: int | None
) -> Notice:
    return Notice(
        mentor,
        K.REQUEST_CANCELLED,
        "request_cancelled",
        {"mentee": mentee, "note": note},
        request.id,
        actor_id,
    )


def _expired_for_mentee(
    request: MentorshipRequest, mentor: User, mentee: User, suggestions: list[User]
) -> Notice:
    return Notice(
        mentee,
        K.REQUEST_EXPIRED,
        "request_expired_mentee",
        {
            "mentor": mentor,
            "expire_days": limits().expire_after_days,
            "suggestions": _suggested(suggestions),
            "directory_url": web_link("/mentors"),
        },
        request.id,
    )


def _suggested(mentors: list[User]) -> list[dict[str, object]]:
    """Other mentors to ask, as the templates list them
    (`mentorgraph.models.requests.suggestions`)."""
    return [
        {"name": m.name, "title": m.title, "url": web_link(f"/mentors/{m.id}")} for m in mentors
    ]


def _expired_for_mentor(request: MentorshipRequest, mentor: User, mentee: User) -> Notice:
    rule = limits()
    return Notice(
        mentor,
        K.REQUEST_EXPIRED,
        "request_expired_mentor",
        {
            "mentee": mentee,
            "expire_days": rule.expire_after_days,
            "inactive_expiries": rule.inactive_expiries,
            "inactive_window_days": rule.inactive_window_days,
            "request_url": _request_url(request),
            "profile_url": web_link("/profile"),
        },
        request.id,
    )


def reminder_notice(
    request: MentorshipRequest,
    mentor: User,
    mentee: User,
    *,
    number: int | None,
    age_days: int,
    admin_id: int | None = None,
) -> Notice:
    """The nudge about one unanswered request (`number` None: an admin sent it)."""
    return Notice(
        mentor,
        K.REQUEST_REMINDER,
        "request_reminder",
        {
            "mentee": mentee,
            "number": number,
            "by_admin": number is None,
            "age_days": age_days,
            "expire_days": limits().expire_after_days,
            "request_url": _request_url(request),
        },
        request.id,
        admin_id,
    )


def message_notice(request: MentorshipRequest, author: User, to: User, text: str) -> Notice:
    """The other party of a request is told of a message in its thread, with the message."""
    return Notice(
        to,
        K.REQUEST_MESSAGE,
        "request_message",
        {"author": author, "text": text, "request_url": _request_url(request)},
        request.id,
        author.id,
    )


def feedback_notice(
    request: MentorshipRequest, author: User, to: User, rating: int, comment: str | None
) -> Notice:
    """The other side of a completed mentorship is told of the feedback they received."""
    return Notice(
        to,
        K.FEEDBACK_RECEIVED,
        "feedback_received",
        {
            "author": author,
            "rating": rating,
            "comment": comment,
            "request_url": _request_url(request),
        },
        request.id,
        author.id,
    )


def availability_notice(mentor: User, *, actor_id: int | None, reason: str) -> Notice:
    """The mentor was set unavailable by someone else (an admin, or the system: `actor_id`
    None): why, and how to come back."""
    return Notice(
        mentor,
        K.SET_UNAVAILABLE,
        "mentor_unavailable",
        {"by_system": actor_id is None, "reason": reason, "profile_url": web_link("/profile")},
        None,
        actor_id,
    )
