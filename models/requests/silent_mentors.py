"""Which mentors are silent, found fast: the rule the sweep sets mentors unavailable by, and the
milder test that keeps mentors going quiet out of suggestions.

A mentor is *seen* when they sign in or use a session, write a message, or view or answer a
request (`models/directory/presence.py`); they are *back* at the later of when they were last seen
and their latest change of availability (a return from a pause or from being unavailable). Nothing
before that counts against them, so time away never does, and a mentor who is there never
counts as silent: a slow mentor signs in and reads, and answers late; a silent one is absent.

The rule (thresholds in `models/limits.py`, all settings) sets an available mentor unavailable
when they have not been seen for `silent_idle_days` since they were back (within
`inactive_window_days`), and since then either
- `inactive_expiries` of their requests expired, or
- at least `silent_signals` signs of silence add up, each of:
  - a request of theirs expired;
  - a request withdrawn while still unviewed, after waiting `silent_withdrawn_after_days`
    (a third of a silent mentor's requests are withdrawn by mentees who matched elsewhere:
    they say as much as an expiry);
  - a reminder (the ladder's or an admin's) left `silent_reminder_grace_days` without them
    being seen;
  - a request left unviewed for `silent_idle_days`.
The rule finds mentors who are not there, not mentors who are slow or choosy (their response
rate shows that). Paused and unavailable mentors are never looked at. It is one statement for
any number of mentors (`silences`): the sweep judges all its candidates at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery

from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.directory.listing import offered, offered_q, offered_sql
from mentorgraph.models.directory.presence import seen_moments_sql
from mentorgraph.models.limits import limits
from mentorgraph.models.requests.reminders import RequestReminder
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent, RequestStatus
from mentorgraph.models.sql import enum_list, fetch, latest

__all__ = [
    "Silence",
    "quiet_mentors",
    "quiet_sql",
    "silence_of",
    "silences",
    "silent_candidates",
]


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
        User.filter(offered_q(), id__in=sorted(ids))
        .using_db(conn)
        .order_by("id")
        .values_list("id", flat=True)
    )
    return cast("list[int]", available)


# Tables, and closed enum values inlined: one text serves both dialects.
_REQUESTS = MentorshipRequest._meta.db_table
_EVENTS = RequestEvent._meta.db_table
_REMINDERS = RequestReminder._meta.db_table
_CHANGES = AvailabilityChange._meta.db_table
_USERS = User._meta.db_table
_OPEN = enum_list(OPEN_STATUSES)
_EXPIRED = RequestStatus.EXPIRED.value
_CANCELLED = RequestStatus.CANCELLED.value
_AT = MentorshipRequest._meta.fields_map["created_at"]


def _aware(value: object) -> datetime | None:
    # asyncpg returns datetimes; SQLite the stored text, converted as the ORM would.
    return _AT.to_python_value(value) if value is not None else None


class _Values(Protocol):
    """How the definitions below put values in their SQL: the same text is run by the ORM's
    connection on either database (`_Bound`) and inside the fast reads' compiled statements on
    PostgreSQL (`_Compiled`)."""

    @property
    def dialect(self) -> str: ...

    def value(self, value: Any) -> str:
        """A placeholder for `value`."""
        ...

    def ago(self, days: float) -> str:
        """The moment `days` days before now."""
        ...


class _Bound:
    """Values bound as `?` in the order they appear in the final text (`statement`): the
    definitions may build their parts in any order, and repeat one (`latest` repeats its floor)."""

    _MARK = re.compile("\x01(\\d+)\x02")

    def __init__(self, dialect: str, now: datetime) -> None:
        self.dialect = dialect
        self.now = now
        self._values: list[Any] = []

    def value(self, value: Any) -> str:
        self._values.append(value)
        return f"\x01{len(self._values) - 1}\x02"

    def ago(self, days: float) -> str:
        return self.value(self.now - _days(days))

    def statement(self, sql: str) -> tuple[str, list[Any]]:
        values = [self._values[int(m.group(1))] for m in self._MARK.finditer(sql)]
        return self._MARK.sub("?", sql), values


@dataclass(frozen=True)
class _Compiled:
    """Moments taken from `now_sql` in PostgreSQL, values added by the statement's `param`."""

    now_sql: str
    param: Callable[[Any], str]
    dialect: str = "postgres"

    def value(self, value: Any) -> str:
        return self.param(value)

    def ago(self, days: float) -> str:
        return f"({self.now_sql} - interval '1 second' * {self.param(days * 86400.0)}::float8)"


def _lasted_at_least(dialect: str, start: str, end: str, seconds: str) -> str:
    """`end - start >= seconds`."""
    if dialect == "postgres":
        return f"extract(epoch FROM {end} - {start})::float8 >= {seconds}::float8"
    return f"(julianday({end}) - julianday({start})) * 86400.0 >= {seconds}"


def _once(v: _Values) -> str:
    """What ends a subquery that computes `back` (`_back`, five subqueries) for the queries
    reading it: in PostgreSQL `OFFSET 0`, which keeps the planner from pulling the subquery up
    into them and so copying `_back` into every place that reads `back` (seven)."""
    return " OFFSET 0" if v.dialect == "postgres" else ""


def _back(user: str, v: _Values) -> str:
    """When the mentor of the `users` row `user` was back: the latest of their change of
    availability and of every way they were seen, within the rule's window."""
    moments = [
        f"{user}.availability_changed_at",
        # Rows from before `availability_changed_at` existed have only the change's record.
        f"(SELECT max(c.occurred_at) FROM {_CHANGES} c WHERE c.mentor_id = {user}.id)",
        *seen_moments_sql(f"{user}.id"),
    ]
    return latest(v.dialect, v.ago(limits().inactive_window_days), moments)


def _silent_sql(mentors: str, v: _Values) -> str:
    """The rule, the one definition: of `mentors` (a query of `id`, the mentor, and `back`,
    `_back`), those it sets unavailable now, with the counts the reason words (`_verdict`).
    Run by the sweep over its candidates (`silences`) and, for one mentor at a time, as part
    of going quiet (`_quiet`): a mentor the next sweep would set unavailable is never
    suggested."""
    rule = limits()
    idle = v.ago(rule.silent_idle_days)
    withdrawn_after = v.value(rule.silent_withdrawn_after_days * 86400.0)
    lasted = _lasted_at_least(v.dialect, "r.created_at", "r.updated_at", withdrawn_after)
    # Unseen for the idle days since back first (most mentors are not: their signs are not
    # counted), then the signs since back.
    return f"""SELECT s.* FROM (SELECT t.id, t.back,
  (SELECT count(*) FROM {_EVENTS} e JOIN {_REQUESTS} r ON r.id = e.request_id
    WHERE r.mentor_id = t.id AND e.to_status = '{_EXPIRED}' AND e.occurred_at > t.back
  ) AS expired,
  (SELECT count(*) FROM {_REQUESTS} r
    WHERE r.mentor_id = t.id AND r.status = '{_CANCELLED}' AND r.viewed_at IS NULL
    AND r.updated_at > t.back AND {lasted}
  ) AS withdrawn,
  (SELECT count(*) FROM {_REMINDERS} rr JOIN {_REQUESTS} r ON r.id = rr.request_id
    WHERE r.mentor_id = t.id AND rr.sent_at > t.back
    AND rr.sent_at <= {v.ago(rule.silent_reminder_grace_days)}
  ) AS reminded,
  (SELECT count(*) FROM {_REQUESTS} r
    WHERE r.mentor_id = t.id AND r.status IN ({_OPEN}) AND r.viewed_at IS NULL
    AND r.created_at <= {idle}
  ) AS unread,
  (SELECT min(r.created_at) FROM {_REQUESTS} r WHERE r.mentor_id = t.id AND r.created_at > t.back
  ) AS first_since
  FROM ({mentors}{_once(v)}) t WHERE t.back <= {idle}) s
WHERE s.expired >= {v.value(rule.inactive_expiries)}
  OR s.expired + s.withdrawn + s.reminded + s.unread >= {v.value(rule.silent_signals)}"""


async def silences(
    conn: BaseDBAsyncClient, mentor_ids: Iterable[int], now: datetime
) -> dict[int, Silence]:
    """Of these mentors, those the rule sets unavailable now, and why: one statement (per
    `_PER_STATEMENT` mentors), whatever their number."""
    ids = sorted(set(mentor_ids))
    found: dict[int, Silence] = {}
    for start in range(0, len(ids), _PER_STATEMENT):
        v = _Bound(conn.capabilities.dialect, now)
        part = ", ".join(v.value(i) for i in ids[start : start + _PER_STATEMENT])
        mentors = (
            f"SELECT u.id, {_back('u', v)} AS back FROM {_USERS} u"
            f" WHERE u.id IN ({part}) AND {offered_sql('u')}"
        )
        sql, values = v.statement(f"{_silent_sql(mentors, v)} ORDER BY id")
        for row in await fetch(sql, values, conn):
            silence = _verdict(row, now)
            found[silence.mentor_id] = silence
    return found


# asyncpg takes at most 32,767 parameters; the sweep's candidates are far fewer.
_PER_STATEMENT = 5_000


def _verdict(row: dict[str, Any], now: datetime) -> Silence:
    """Why the rule (`_silent_sql`, which decided) sets this mentor unavailable, in words."""
    rule = limits()
    mentor_id = int(row["id"])
    expiries = int(row["expired"])
    if expiries >= rule.inactive_expiries:
        return Silence(
            mentor_id,
            f"{expiries} requests to you expired unanswered within the last"
            f" {rule.inactive_window_days:g} days (the limit is {rule.inactive_expiries}).",
        )
    signs = {
        "expired": expiries,
        "withdrawn unviewed": int(row["withdrawn"]),
        "reminders without an answer": int(row["reminded"]),
        f"unread for {rule.silent_idle_days:g} days": int(row["unread"]),
    }
    parts = ", ".join(f"{count} {what}" for what, count in signs.items() if count)
    # Silent since they were last seen or back, or since their first request after that.
    silent_since = _latest(_aware(row["back"]), _aware(row["first_since"]))
    assert silent_since is not None
    return Silence(
        mentor_id,
        f"you have not viewed or answered any mentorship request for"
        f" {(now - silent_since).days} days while requests waited for you ({parts}).",
    )


async def silence_of(conn: BaseDBAsyncClient, mentor: User, now: datetime) -> Silence | None:
    """Whether the rule sets this mentor unavailable now, and why (None: not silent)."""
    if not offered(mentor):
        return None
    return (await silences(conn, [mentor.id], now)).get(mentor.id)


def _quiet(user: str, v: _Values) -> str:
    """The one definition of going quiet, over the `users` row `user`, for both paths: a
    request waits unviewed past its first reminder, or the mentor has not been back (`_back`:
    seen in any way, or a change of availability) since a request of theirs expired within the
    rule's window, or the silence rule holds for them now (`_silent_sql`: the next sweep sets
    them unavailable). `_back` is computed once and shared by the last two."""
    rule = limits()
    table = MentorshipRequest._meta.db_table
    silent = _silent_sql("SELECT b.id AS id, b.back AS back", v)
    return (
        f"(EXISTS (SELECT 1 FROM {table} q WHERE q.mentor_id = {user}.id"
        f" AND q.status IN ({_OPEN}) AND q.viewed_at IS NULL"
        f" AND q.created_at <= {v.ago(rule.first_reminder_days)})"
        f" OR EXISTS (SELECT 1 FROM (SELECT {user}.id AS id, {_back(user, v)} AS back{_once(v)}) b"
        f" WHERE EXISTS (SELECT 1 FROM {table} q WHERE q.mentor_id = b.id"
        f" AND q.status = '{_EXPIRED}' AND q.updated_at > b.back)"
        f" OR EXISTS ({silent})))"
    )


async def quiet_mentors(
    conn: BaseDBAsyncClient, mentor_ids: Iterable[int], now: datetime
) -> set[int]:
    """Of these mentors, those going quiet (`_quiet`), never to be suggested. One statement
    (the fast reads run the same predicate, `quiet_sql`), whatever their number (the few dozen
    a suggestion, or the few hundred a recommendation, looks at)."""
    ids = sorted(set(mentor_ids))
    quiet: set[int] = set()
    for start in range(0, len(ids), _PER_STATEMENT):
        v = _Bound(conn.capabilities.dialect, now)
        part = ", ".join(v.value(i) for i in ids[start : start + _PER_STATEMENT])
        sql, values = v.statement(
            f"SELECT u.id FROM {_USERS} u WHERE u.id IN ({part}) AND {_quiet('u', v)}"
        )
        quiet.update(int(row["id"]) for row in await fetch(sql, values, conn))
    return quiet


def quiet_sql(user_alias: str, now_sql: str, param: Callable[[Any], str]) -> str:
    """`quiet_mentors` as a predicate over the `users` row `user_alias`, for reads answered in
    PostgreSQL (`resolvers/fast_reads/`): the same definition (`_quiet`), its moments taken
    from `now_sql` in SQL. `param` adds a statement parameter and returns its placeholder."""
    return _quiet(user_alias, _Compiled(now_sql, param))
