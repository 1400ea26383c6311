"""`exportMyData` (issue 16): everything the platform holds about a member, as one JSON document.

Profile, requests sent and received with their history (status changes and messages, each the
`request_events` row), favourites, feedback given and received, sessions, mentor
applications, the members they blocked, the reports they filed, their email preferences and
their notifications. Of other people it names only what the member already sees of them on
those records (their id and name). Read in a fixed number of statements (fourteen), each
bounded: a member with more than `MAX_REQUESTS` requests or `MAX_EVENTS` events gets the newest
ones and `truncated: true`, so an export's size and cost have a ceiling whatever the account
holds.
Throttled per member (`login_guard.reserve_data_export`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts import account_emails
from mentorgraph.models.accounts.auth import Session
from mentorgraph.models.accounts.login_guard import reserve_data_export
from mentorgraph.models.accounts.users import Channel, Favorite, User, UserLanguage, UserTag
from mentorgraph.models.directory.application_records import MentorApplication
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.notifications.email_preferences import EmailPreference
from mentorgraph.models.notifications.inbox import Notification
from mentorgraph.models.notifications.outbox import AttachmentTooLarge
from mentorgraph.models.requests.feedback import MentorshipFeedback
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent
from mentorgraph.models.safety.safety_records import MemberBlock, MemberReport

__all__ = ["FORMAT", "MAX_EVENTS", "MAX_REQUESTS", "as_text", "email_export", "export_of"]

FORMAT = "mentorgraph-export/1"
MAX_REQUESTS = 1000
MAX_EVENTS = 10_000
MAX_ROWS = 1000  # sessions, favourites, feedback, applications, blocks, reports, notifications


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return getattr(value, "value", value)


def _camel(column: str) -> str:
    """`mentor__name` -> `mentorName`, `to_status` -> `toStatus`: the API's spelling."""
    head, *rest = [part for part in column.split("_") if part]
    return head + "".join(part.capitalize() for part in rest)


def _rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{_camel(key): _value(value) for key, value in row.items()} for row in rows]


async def export_of(user: User) -> dict[str, Any]:
    """The document (plain JSON values). Throttled: EXPORT_THROTTLED."""
    await reserve_data_export(user.id)
    return await _document(user)


async def _document(user: User) -> dict[str, Any]:
    me = user.id
    fresh = await User.get(id=me)
    profile = {
        "id": fresh.id,
        "email": fresh.email,
        "emailVerified": fresh.email_verified,
        "name": fresh.name,
        "title": fresh.title,
        "bio": fresh.bio,
        "country": fresh.country,
        "avatarUrl": fresh.avatar_url,
        "locale": fresh.locale,
        "roles": [r.value for r in fresh.roles],
        "available": fresh.available,
        "capacity": fresh.capacity,
        "unavailableUntil": _time(fresh.unavailable_until),
        "deletionDueAt": _time(fresh.deletion_due_at),
        "createdAt": _time(fresh.created_at),
        "tags": await UserTag.filter(user_id=me).order_by("position").values_list("tag", flat=True),
        "spokenLanguages": await UserLanguage.filter(user_id=me)
        .order_by("position")
        .values_list("language", flat=True),
        "channels": _rows(
            await Channel.filter(user_id=me).order_by("position").values("type", "handle")
        ),
    }
    requests = _rows(
        await MentorshipRequest.filter(Q(mentee_id=me) | Q(mentor_id=me))
        .order_by("-id")
        .limit(MAX_REQUESTS + 1)
        .values(
            "id",
            "status",
            "mentor_id",
            "mentor__name",
            "mentee_id",
            "mentee__name",
            "message",
            "background",
            "expectation",
            "decline_reason",
            "response_message",
            "created_at",
            "viewed_at",
            "responded_at",
            "updated_at",
        )
    )
    truncated = len(requests) > MAX_REQUESTS
    requests = requests[:MAX_REQUESTS]
    events = _rows(
        await RequestEvent.filter(request_id__in=[r["id"] for r in requests])
        .order_by("-id")
        .limit(MAX_EVENTS + 1)
        .values(
            "id",
            "request_id",
            "kind",
            "from_status",
            "to_status",
            "actor_id",
            "note",
            "occurred_at",
        )
    )
    truncated = truncated or len(events) > MAX_EVENTS
    history: dict[int, list[dict[str, Any]]] = {}
    for event in reversed(events[:MAX_EVENTS]):
        history.setdefault(event.pop("requestId"), []).append(event)
    for request in requests:
        request["side"] = "MENTEE" if request["menteeId"] == me else "MENTOR"
        request["history"] = history.get(request["id"], [])
    feedback = _rows(
        await MentorshipFeedback.filter(Q(author_id=me) | Q(subject_id=me))
        .order_by("-id")
        .limit(MAX_ROWS)
        .values(
            "id",
            "request_id",
            "author_id",
            "subject_id",
            "author_role",
            "rating",
            "comment",
            "created_at",
        )
    )
    return {
        "format": FORMAT,
        "exportedAt": clock.now().isoformat(),
        "truncated": truncated,
        "profile": profile,
        "requestsSent": [r for r in requests if r["side"] == "MENTEE"],
        "requestsReceived": [r for r in requests if r["side"] == "MENTOR"],
        "favorites": _rows(
            await Favorite.filter(user_id=me)
            .order_by("-id")
            .limit(MAX_ROWS)
            .values("mentor_id", "mentor__name", "created_at")
        ),
        "feedbackGiven": [f for f in feedback if f["authorId"] == me],
        "feedbackReceived": [f for f in feedback if f["subjectId"] == me],
        "sessions": _rows(
            await Session.filter(user_id=me)
            .order_by("-id")
            .limit(MAX_ROWS)
            .values(
                "id",
                "user_agent",
                "address",
                "created_at",
                "last_used_at",
                "expires_at",
                "ended_at",
                "end_reason",
            )
        ),
        "mentorApplications": _rows(
            await MentorApplication.filter(user_id=me)
            .order_by("-id")
            .limit(MAX_ROWS)
            .values("id", "motivation", "status", "decision_reason", "created_at", "decided_at")
        ),
        # The safety records the member made (not those about them: a report's reporter is
        # not told to the reported) and their notification settings and inbox.
        "blocked": _rows(
            await MemberBlock.filter(blocker_id=me)
            .order_by("-id")
            .limit(MAX_ROWS)
            .values("blocked_id", "blocked__name", "created_at")
        ),
        "reportsFiled": _rows(
            await MemberReport.filter(reporter_id=me)
            .order_by("-id")
            .limit(MAX_ROWS)
            .values(
                "id",
                "target_user_id",
                "target_user__name",
                "target_request_id",
                "category",
                "reason",
                "status",
                "created_at",
                "resolved_at",
            )
        ),
        "emailPreferences": _rows(
            await EmailPreference.filter(user_id=me).order_by("kind").values("kind", "frequency")
        ),
        "notifications": _rows(
            await Notification.filter(user_id=me)
            .order_by("-id")
            .limit(MAX_ROWS)
            .values("id", "kind", "request_id", "actor_id", "created_at", "read_at")
        ),
    }


def as_text(document: dict[str, Any]) -> str:
    """The document as JSON text (what the API answers and the email holds)."""
    return json.dumps(document, indent=2, ensure_ascii=False)


async def email_export(user: User) -> None:
    """Queue the document to the member's address as an attached file (throttled like
    `export_of`; EXPORT_TOO_LARGE past the attachment limit, counted all the same: the work
    of reading it was done)."""
    await reserve_data_export(user.id)
    text = as_text(await _document(user))
    try:
        async with in_transaction() as conn:
            await account_emails.data_export(user, text, clock.now(), conn)
    except AttachmentTooLarge:
        raise RuleViolation(
            ErrorCode.EXPORT_TOO_LARGE,
            "Your data is too large to send by email: download it with exportMyData.",
            ["viewer"],
        ) from None
