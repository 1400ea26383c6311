"""Which mentors are silent, found fast: the rule the sweep sets mentors unavailable by, and the
milder test that keeps mentors going quiet out of suggestions.

A mentor's *activity* is a view or an answer of any of their requests; they are *back* at the
later of their latest activity and their latest change of availability (a return from a pause
or from being unavailable). Nothing before that counts against them, so time away never does.

The rule (thresholds in `models/limits.py`, all settings) sets an available mentor unavailable
when either holds:
- expiries: `inactive_expiries` of their requests expired within `inactive_window_days` since
  their latest change of availability (the rule of old, kept as it was);
- silence: no activity for `silent_idle_days` since they were back, and at least
  `silent_signals` signs of silence since then, each of:
  - a request of theirs expired;
  - a request withdrawn while still unviewed, after waiting `silent_withdrawn_after_days`
    (a third of a silent mentor's requests are withdrawn by mentees who matched elsewhere:
    they say as much as an expiry);
  - a reminder (the ladder's or an admin's) left `silent_reminder_grace_days` without activity;
  - a request left unviewed for `silent_idle_days`.
A mentor who views or answers anything is not silent for `silent_idle_days` afterwards: the rule
finds mentors who are not there, not mentors who are slow or choosy (their response rate
shows that). Paused and unavailable mentors are never looked at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q, Subquery
from tortoise.functions import Max

from models.availability_changes import AvailabilityChange
from models.limits import limits
from models.reminders import RequestReminder
from models.request_guards import OPEN_STATUSES
from models.requests import MentorshipRequest, RequestEvent, RequestStatus
from models.users import User

__all__ = ["Silence", "quiet_mentors", "quiet_sql", "silence_of", "silent_candidates"]


@dataclass(frozen=True)
class Silence:
    """Why a mentor is set unavailable (told to them and recorded for admins)."""

    mentor_id: int
    reason: str


def _days(n: float) -> timedelta:
    return timedelta(days=n)


def _latest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


async def silent_candidates(conn: BaseDBAsyncClient, now: datetime) -> list[int]:
    """Available mentors who might be silent: some request of theirs went unanswered in the
    window (expired, withdrawn unviewed, or waits unviewed past a reminder's grace). A superset
    of those `silence_of` flags, read from the request indexes rather than every mentor."""
    rule = limits()
    since = now - _days(rule.inactive_window_days)
    waited = now - _days(
        min(rule.silent_idle_days, rule.first_reminder_days + rule.silent_reminder_grace_days)
    )
    # The recent expiries first, by their partial index (`RequestEvent.Meta`).
    expired_ids = RequestEvent.filter(
        to_status=RequestStatus.EXPIRED, occurred_at__gte=since
    ).values("request_id")
    expired = MentorshipRequest.filter(id__in=Subquery(expired_ids))
    waiting = MentorshipRequest.filter(
        status__in=OPEN_STATUSES, viewed_at__isnull=True, created_at__lte=waited
    )
    withdrawn = MentorshipRequest.filter(
        status=RequestStatus.CANCELLED,
        viewed_at__isnull=True,
        created_at__gte=since - _days(rule.expire_after_days),
    )
    ids: set[int] = set()
    for query in (expired, waiting, withdrawn):
        found = await query.using_db(conn).values_list("mentor_id", flat=True)
        ids.update(cast("list[int]", found))
    if not ids:
        return []
    available = await (
        User.filter(id__in=sorted(ids), is_mentor=True, available=True)
        .using_db(conn)
        .order_by("id")
        .values_list("id", flat=True)
    )
    return cast("list[int]", available)


async def _last_activity(conn: BaseDBAsyncClient, mentor_id: int) -> datetime | None:
    row = (
        await MentorshipRequest.filter(mentor_id=mentor_id)
        .using_db(conn)
        .annotate(viewed=Max("viewed_at"), answered=Max("responded_at"))
        .group_by("mentor_id")
        .values("viewed", "answered")
    )
    if not row:
        return None
    viewed, answered = row[0]["viewed"], row[0]["answered"]
    return _latest(_aware(viewed), _aware(answered))


_AT = MentorshipRequest._meta.fields_map["created_at"]


def _aware(value: object) -> datetime | None:
    # Aggregates come back raw (SQLite: text); the field converts them as the ORM would.
    return _AT.to_python_value(value) if value is not None else None


async def _changed_at(conn: BaseDBAsyncClient, mentor: User) -> datetime | None:
    """The latest change of availability (rows from before `availability_changed_at` existed
    have only the admin's or the system's record)."""
    recorded = (
        await AvailabilityChange.filter(mentor_id=mentor.id)
        .using_db(conn)
        .order_by("-id")
        .first()
        .values_list("occurred_at", flat=True)
    )
    return _latest(mentor.availability_changed_at, cast("datetime | None", recorded))


async def _expiries_since(conn: BaseDBAsyncClient, mentor_id: int, start: datetime) -> int:
    return (
        await RequestEvent.filter(
            to_status=RequestStatus.EXPIRED, occurred_at__gt=start, request__mentor_id=mentor_id
        )
        .using_db(conn)
        .count()
    )


async def silence_of(conn: BaseDBAsyncClient, mentor: User, now: datetime) -> Silence | None:
    """Whether the rule sets this mentor unavailable now, and why (None: not silent)."""
    rule = limits()
    if not mentor.is_mentor or not mentor.available:
        return None
    window = now - _days(rule.inactive_window_days)
    changed = _latest(window, await _changed_at(conn, mentor))
    assert changed is not None
    expiries = await _expiries_since(conn, mentor.id, changed)
    if expiries >= rule.inactive_expiries:
        return Silence(
            mentor.id,
            f"{expiries} requests to you expired unanswered within the last"
            f" {rule.inactive_window_days:g} days (the limit is {rule.inactive_expiries}).",
        )

    back = _latest(changed, await _last_activity(conn, mentor.id))
    assert back is not None
    idle_since = now - _days(rule.silent_idle_days)
    if back > idle_since:
        return None
    signs = {
        "expired": await _expiries_since(conn, mentor.id, back),
        "withdrawn unviewed": await _withdrawn_unviewed(conn, mentor.id, back),
        "reminders without an answer": await RequestReminder.filter(
            request__mentor_id=mentor.id,
            sent_at__gt=back,
            sent_at__lte=now - _days(rule.silent_reminder_grace_days),
        )
        .using_db(conn)
        .count(),
        f"unread for {rule.silent_idle_days:g} days": await MentorshipRequest.filter(
            mentor_id=mentor.id,
            status__in=OPEN_STATUSES,
            viewed_at__isnull=True,
            created_at__lte=idle_since,
        )
        .using_db(conn)
        .count(),
    }
    total = sum(signs.values())
    if total < rule.silent_signals:
        return None
    parts = ", ".join(f"{count} {what}" for what, count in signs.items() if count)
    # Silent since they were back, or since their first request after that.
    first = (
        await MentorshipRequest.filter(mentor_id=mentor.id, created_at__gt=back)
        .using_db(conn)
        .order_by("created_at")
        .first()
        .values_list("created_at", flat=True)
    )
    silent_since = _latest(back, cast("datetime | None", first))
    assert silent_since is not None
    return Silence(
        mentor.id,
        f"you have not viewed or answered any mentorship request for"
        f" {(now - silent_since).days} days while requests waited for you ({parts}).",
    )


async def _withdrawn_unviewed(conn: BaseDBAsyncClient, mentor_id: int, back: datetime) -> int:
    """Requests the mentee withdrew unviewed since `back`, after waiting long enough."""
    rows = (
        await MentorshipRequest.filter(
            mentor_id=mentor_id,
            status=RequestStatus.CANCELLED,
            viewed_at__isnull=True,
            updated_at__gt=back,
        )
        .using_db(conn)
        .values_list("created_at", "updated_at")
    )
    least = _days(limits().silent_withdrawn_after_days)
    return sum(1 for created, withdrawn in rows if withdrawn - created >= least)


async def quiet_mentors(
    conn: BaseDBAsyncClient, mentor_ids: Iterable[int], now: datetime
) -> set[int]:
    """Of these mentors, those going quiet, never to be suggested: a request of theirs waits
    unviewed past the first reminder, or one expired after their latest activity or return.
    One statement, and two more only when some of them had an expiry in the window, whatever
    their number (the few dozen a suggestion, or the few hundred a recommendation, looks at)."""
    ids = sorted(set(mentor_ids))
    if not ids:
        return set()
    rule = limits()
    waiting = Q(
        status__in=OPEN_STATUSES,
        viewed_at__isnull=True,
        created_at__lte=now - _days(rule.first_reminder_days),
    )
    expired = Q(
        status=RequestStatus.EXPIRED, updated_at__gte=now - _days(rule.inactive_window_days)
    )
    rows = (
        await MentorshipRequest.filter(Q(waiting, expired, join_type="OR"), mentor_id__in=ids)
        .using_db(conn)
        .values_list("mentor_id", "status", "updated_at")
    )
    quiet: set[int] = set()
    expired_at: dict[int, datetime] = {}
    for mentor_id, status, updated_at in rows:
        if status == RequestStatus.EXPIRED:
            latest = expired_at.get(mentor_id)
            expired_at[mentor_id] = updated_at if latest is None else max(latest, updated_at)
        else:
            quiet.add(mentor_id)
    check = [i for i in expired_at if i not in quiet]
    if not check:
        return quiet
    activity = await (
        MentorshipRequest.filter(mentor_id__in=check)
        .using_db(conn)
        .annotate(viewed=Max("viewed_at"), answered=Max("responded_at"))
        .group_by("mentor_id")
        .values("mentor_id", "viewed", "answered")
    )
    back: dict[int, datetime | None] = {
        int(r["mentor_id"]): _latest(_aware(r["viewed"]), _aware(r["answered"])) for r in activity
    }
    changed = await (
        User.filter(id__in=check).using_db(conn).values_list("id", "availability_changed_at")
    )
    for mentor_id, changed_at in changed:
        since = _latest(back.get(mentor_id), changed_at)
        if since is None or expired_at[mentor_id] > since:
            quiet.add(mentor_id)
    return quiet


def quiet_sql(user_alias: str, now_sql: str, param: Callable[[Any], str]) -> str:
    """`quiet_mentors` as a predicate over the `users` row `user_alias`, for reads answered in
    PostgreSQL (`resolvers/fast_reads/`): the same two signs, the latest activity or return
    taken as PostgreSQL's `greatest` (which skips nulls) of the same three moments. `param`
    adds a statement parameter and returns its placeholder."""
    rule = limits()
    table = MentorshipRequest._meta.db_table
    reminder = param(rule.first_reminder_days * 86400.0)
    window = param(rule.inactive_window_days * 86400.0)
    second = "interval '1 second'"
    open_statuses = ", ".join(f"'{status.value}'" for status in OPEN_STATUSES)
    activity = (
        f"greatest((SELECT max(a.viewed_at) FROM {table} a WHERE a.mentor_id = {user_alias}.id),"
        f" (SELECT max(a.responded_at) FROM {table} a WHERE a.mentor_id = {user_alias}.id),"
        f" {user_alias}.availability_changed_at)"
    )
    return (
        f"(EXISTS (SELECT 1 FROM {table} q WHERE q.mentor_id = {user_alias}.id"
        f" AND q.status IN ({open_statuses}) AND q.viewed_at IS NULL"
        f" AND q.created_at <= {now_sql} - {second} * {reminder}::float8)"
        f" OR EXISTS (SELECT 1 FROM {table} q WHERE q.mentor_id = {user_alias}.id"
        f" AND q.status = '{RequestStatus.EXPIRED.value}'"
        f" AND q.updated_at >= {now_sql} - {second} * {window}::float8"
        f" AND q.updated_at > coalesce({activity}, '-infinity'::timestamptz)))"
    )
