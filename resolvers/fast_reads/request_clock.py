"""A request's clock, compiled: when it expires, and the reminders its mentor was sent
(`resolvers/request_clock.py` is the reference)."""

from __future__ import annotations

import resolvers.fast_reads.users as users_sql
from models import json_sql as js
from models.limits import limits
from models.policies import ADMIN_ONLY
from models.reminders import RequestReminder
from models.request_guards import OPEN_STATUSES
from models.sql import enum_list
from resolvers.fast_reads.build import Build
from resolvers.fast_reads.fields import object_sql, renders
from resolvers.fast_reads.selection import Selected

__all__: list[str] = []

REMINDERS = RequestReminder._meta.db_table


@renders("MentorshipRequest", "expiresAt")
def _expires_at(build: Build, child: Selected, r: str) -> str:
    """`models.ladder.expires_at`: created + the expiry setting while open, else null. In seconds,
    so that a fractional setting and a DST-free UTC timestamp agree with Python's timedelta."""
    seconds = build.param(limits().expire_after_days * 86400.0)
    expires = f"({r}.created_at + interval '1 second' * {seconds}::float8)"
    return (
        f"CASE WHEN {r}.status IN ({enum_list(OPEN_STATUSES)}) THEN {js.iso_timestamp(expires)} END"
    )


@renders("MentorshipRequest", "reminders")
def _reminders(build: Build, child: Selected, r: str) -> str:
    """Oldest first (`resolvers.loaders.Loaders.reminders`)."""
    m = build.alias("m")
    reminder = object_sql(build, child, m)
    return (
        f"(SELECT coalesce(json_agg({reminder} ORDER BY {m}.id), '[]') FROM {REMINDERS} {m}"
        f" WHERE {m}.request_id = {r}.id)"
    )


@renders("MentorshipRequest", "remindersSent")
def _reminders_sent(build: Build, child: Selected, r: str) -> str:
    return f"(SELECT count(*) FROM {REMINDERS} WHERE request_id = {r}.id)"


@renders("RequestReminder", "sentAt")
def _sent_at(build: Build, child: Selected, m: str) -> str:
    return js.iso_timestamp(f"{m}.sent_at")


@renders("RequestReminder", "step")
def _step(build: Build, child: Selected, m: str) -> str:
    return f"{m}.number"


@renders("RequestReminder", "sentBy", policy=ADMIN_ONLY, subject=lambda _m: "")
def _sent_by(build: Build, child: Selected, m: str) -> str:
    """The admin who sent it by hand (null for the ladder's own)."""
    return users_sql.one_user(build, child, f"{m}.sent_by_id")
