"""A request's clock, compiled: when it expires, and the reminders its mentor was sent
(`resolvers/requests/request_clock.py` is the reference)."""

from __future__ import annotations

import mentorgraph.resolvers.fast_reads.users as users_sql
from mentorgraph.models import json_sql as js
from mentorgraph.models.limits import limits
from mentorgraph.models.policies import ADMIN_ONLY
from mentorgraph.models.requests.reminders import RequestReminder
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.sql import enum_list
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.fields import object_sql, renders
from mentorgraph.resolvers.fast_reads.selection import Selected

__all__: list[str] = []

REMINDERS = RequestReminder._meta.db_table


@renders("MentorshipRequest", "expiresAt")
def _expires_at(build: Build, child: Selected, r: str) -> str:
    """`mentorgraph.models.requests.ladder.expires_at`: created + the expiry setting while open,
    else null. In seconds,
    so that a fractional setting and a DST-free UTC timestamp agree with Python's timedelta."""
    seconds = build.param(limits().expire_after_days * 86400.0)
    expires = f"({r}.created_at + interval '1 second' * {seconds}::float8)"
    return (
        f"CASE WHEN {r}.status IN ({enum_list(OPEN_STATUSES)}) THEN {js.iso_timestamp(expires)} END"
    )


@renders("MentorshipRequest", "reminders")
def _reminders(build: Build, child: Selected, r: str) -> str:
    """Oldest first (`mentorgraph.resolvers.loaders.Loaders.reminders`)."""
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
