"""Admins' views and mentor applications as SQL (declared per field, `fields.py`):
`adminRequests`, `availabilityChanges`, `mentorApplications`, and a `MentorApplication` by id.

The lists are admins' only (`Context.require_admin`, which refuses everyone else): anonymous,
they are declined when compiled; signed in, the statement is marked `requires_admin` and then
holds the `ADMIN_ONLY` policy as a condition of the whole answer (`roots.compile_operation`):
it answers nothing for anyone else, and the ordinary path refuses them (one statement serves
every signed-in viewer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from graphql import GraphQLObjectType
from tortoise.expressions import RawSQL, Subquery

import mentorgraph.resolvers.fast_reads.users as users_sql
from mentorgraph.models import clock
from mentorgraph.models import json_sql as js
from mentorgraph.models.accounts.users import User
from mentorgraph.models.admin import admin_views
from mentorgraph.models.directory.application_records import ApplicationStatus, MentorApplication
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.directory.responsiveness import responsiveness_sql
from mentorgraph.models.policies import SELF_OR_ADMIN
from mentorgraph.models.requests.reminders import RequestReminder
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.sql import enum_list
from mentorgraph.resolvers.admin.admin import _OLDEST_FIRST, _days
from mentorgraph.resolvers.errors import BadUserInput
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.connections import declare_connection
from mentorgraph.resolvers.fast_reads.embedded import int_keyset_connection
from mentorgraph.resolvers.fast_reads.fields import object_sql, reads_enum, reads_input, renders
from mentorgraph.resolvers.fast_reads.requests import request_object
from mentorgraph.resolvers.fast_reads.selection import Selected, UnsupportedValue
from mentorgraph.resolvers.ids import decode_id_of
from mentorgraph.resolvers.pagination import NEWEST_FIRST

__all__ = ["age_days", "one_application"]

APPLICATIONS = MentorApplication._meta.db_table
REQUESTS = MentorshipRequest._meta.db_table
REMINDERS = RequestReminder._meta.db_table
_OPEN_SQL = enum_list(OPEN_STATUSES)
_PAGED = ("first", "after", "last", "before")
# Where the cutoff of `olderThanDays` goes in the embedded query (no column or value has it).
_CUTOFF = "__fast_reads_cutoff__"


def _admins_only(build: Build) -> None:
    if build.viewer is None:
        raise UnsupportedValue("admins only")  # refused there (signed out)
    build.requires_admin = True


def _user_id(global_id: str | None, field: str) -> int | None:
    try:
        return decode_id_of("User", global_id, field) if global_id is not None else None
    except BadUserInput:
        raise UnsupportedValue(f"bad {field}") from None


# --- `MentorApplication`, over an application row.


def one_application(
    build: Build, selected: Selected, id_sql: str, runtime: GraphQLObjectType | None = None
) -> str:
    """The application whose id is `id_sql`, for the applicant and admins
    (`mentorgraph.resolvers.directory.applications.visible_application`); null for anyone else."""
    a = build.alias("a")
    application = object_sql(build, selected, a, runtime)
    visible = SELF_OR_ADMIN.sql(build.viewer, f"{a}.user_id")
    return f"(SELECT {application} FROM {APPLICATIONS} {a} WHERE {a}.id = {id_sql} AND {visible})"


_APPLICATION_COLUMNS = {
    "motivation": "motivation",
    "status": "status",
    "decisionReason": "decision_reason",
}
_APPLICATION_TIMES = {"createdAt": "created_at", "decidedAt": "decided_at"}


@renders("MentorApplication", *_APPLICATION_COLUMNS)
def _application_column(build: Build, child: Selected, a: str) -> str:
    return f"{a}.{_APPLICATION_COLUMNS[child.name]}"


@renders("MentorApplication", *_APPLICATION_TIMES)
def _application_time(build: Build, child: Selected, a: str) -> str:
    return js.iso_timestamp(f"{a}.{_APPLICATION_TIMES[child.name]}")


@renders("MentorApplication", "id")
def _application_id(build: Build, child: Selected, a: str) -> str:
    return js.global_id("MentorApplication", f"{a}.id")


@renders("MentorApplication", "applicant")
def _applicant(build: Build, child: Selected, a: str) -> str:
    return users_sql.one_user(build, child, f"{a}.user_id")


declare_connection("MentorApplicationConnection", "MentorApplicationEdge")


# The column's own value: every status the model has.
reads_enum("ApplicationStatus", (status.name for status in ApplicationStatus))


@renders("Query", "mentorApplications", arguments=(*_PAGED, "status"))
def _mentor_applications(build: Build, selected: Selected, _row: None) -> str:
    """`mentorgraph.resolvers.directory.applications.list_for_admin`: oldest first."""
    _admins_only(build)
    status = build.arguments(selected).get("status")
    queryset = MentorApplication.all()
    if status is not None:
        queryset = queryset.filter(status=ApplicationStatus(status))
    return int_keyset_connection(
        build, selected, queryset, [("id", False)], lambda child, a: object_sql(build, child, a)
    )


# --- `adminRequests`.

reads_input("AdminRequestFilter", ["status", "mentorId", "menteeId", "olderThanDays"])


@renders("Query", "adminRequests", arguments=(*_PAGED, "filter"))
def _admin_requests(build: Build, selected: Selected, _row: None) -> str:
    """`mentorgraph.resolvers.admin.admin.admin_requests`: oldest first."""
    _admins_only(build)
    given = build.arguments(selected).get("filter") or {}
    status = given.get("status")
    queryset = admin_views.filtered_requests(
        status=None if status is None else RequestStatus(status),
        mentor_id=_user_id(given.get("mentorId"), "filter.mentorId"),
        mentee_id=_user_id(given.get("menteeId"), "filter.menteeId"),
    )
    days = given.get("olderThanDays")
    tokens = None
    if days is not None:
        try:
            _days(days, "filter.olderThanDays")
        except BadUserInput:  # the ordinary path reports it
            raise UnsupportedValue("olderThanDays") from None
        # The cutoff follows the clock: a parameter renewed for each run of the statement,
        # put where the embedded query holds the token.
        cutoff = build.renewed_param(lambda: admin_views.cutoff(days))
        queryset = queryset.annotate(older=RawSQL(f"(created_at <= {_CUTOFF})")).filter(older=True)
        tokens = {_CUTOFF: f"{cutoff}::timestamptz"}
    return int_keyset_connection(
        build,
        selected,
        queryset,
        _OLDEST_FIRST,
        lambda child, r: request_object(build, child, r),
        tokens,
    )


# --- `availabilityChanges`.


@renders("Query", "availabilityChanges", arguments=(*_PAGED, "mentorId"))
def _availability_changes(build: Build, selected: Selected, _row: None) -> str:
    """`mentorgraph.resolvers.admin.admin.availability_changes`: newest first."""
    _admins_only(build)
    queryset = AvailabilityChange.all()
    mentor = _user_id(build.arguments(selected).get("mentorId"), "mentorId")
    if mentor is not None:
        queryset = queryset.filter(mentor_id=mentor)
    return int_keyset_connection(
        build, selected, queryset, NEWEST_FIRST, lambda child, c: object_sql(build, child, c)
    )


declare_connection("AvailabilityChangeConnection", "AvailabilityChangeEdge")


@renders("AvailabilityChange", "mentor", "actor")
def _change_user(build: Build, child: Selected, c: str) -> str:
    return users_sql.one_user(build, child, f"{c}.{child.name}_id")


@renders("AvailabilityChange", "available", "reason")
def _change_column(build: Build, child: Selected, c: str) -> str:
    return f"{c}.{child.name}"


@renders("AvailabilityChange", "occurredAt")
def _occurred_at(build: Build, child: Selected, c: str) -> str:
    return js.iso_timestamp(f"{c}.occurred_at")


# --- `unresponsiveMentors`.


@dataclass(frozen=True)
class _Silent:
    """An unresponsive mentor's figures are rendered over their `users` row and the cutoff."""

    u: str
    cutoff: str

    def waiting(self, columns: str) -> str:
        """`columns` over the mentor's NEW or VIEWED requests older than the cutoff."""
        return (
            f"(SELECT {columns} FROM {REQUESTS} w WHERE w.mentor_id = {self.u}.id"
            f" AND w.status IN ({_OPEN_SQL}) AND w.created_at <= {self.cutoff})"
        )


@renders("Query", "unresponsiveMentors", arguments=(*_PAGED, "olderThanDays"))
def _unresponsive_mentors(build: Build, selected: Selected, _row: None) -> str:
    """`mentorgraph.resolvers.admin.admin.unresponsive_mentors`: mentors with an open request older
    than the
    cutoff, oldest first (by id), each with `admin_views.summarise_unresponsive`'s figures."""
    _admins_only(build)
    days = build.arguments(selected)["olderThanDays"]
    try:
        _days(days, "olderThanDays")
    except BadUserInput:  # the ordinary path reports it
        raise UnsupportedValue("olderThanDays") from None
    cutoff = f"{build.renewed_param(lambda: admin_views.cutoff(days))}::timestamptz"
    # `admin_views.unresponsive`, with the cutoff where the embedded query holds the token.
    waiting = (
        admin_views.filtered_requests()
        .filter(status__in=OPEN_STATUSES)
        .annotate(older=RawSQL(f"(created_at <= {_CUTOFF})"))
        .filter(older=True)
    )
    mentors = User.filter(id__in=Subquery(waiting.values("mentor_id")))
    return int_keyset_connection(
        build,
        selected,
        mentors,
        _OLDEST_FIRST,
        lambda child, u: object_sql(build, child, _Silent(u, cutoff)),
        {_CUTOFF: cutoff},
    )


declare_connection("UnresponsiveMentorConnection", "UnresponsiveMentorEdge")


@renders("UnresponsiveMentor", "mentor")
def _silent_mentor(build: Build, child: Selected, silent: _Silent) -> str:
    return users_sql.user_object(build, child, silent.u)


@renders("UnresponsiveMentor", "waitingRequests")
def _waiting_requests(build: Build, child: Selected, silent: _Silent) -> str:
    return silent.waiting("count(*)")


@renders("UnresponsiveMentor", "oldestRequestAt")
def _oldest_request_at(build: Build, child: Selected, silent: _Silent) -> str:
    return js.iso_timestamp(silent.waiting("min(w.created_at)"))


@renders("UnresponsiveMentor", "oldestRequestAgeDays")
def _oldest_request_age(build: Build, child: Selected, silent: _Silent) -> str:
    """Rounded in Python against the clock when answered (`UnresponsiveMentor`'s property):
    the oldest request's time in whole microseconds since the epoch, for `age_days`."""
    micros = silent.waiting("(extract(epoch FROM min(w.created_at)) * 1000000)::bigint")
    return build.marker("age", micros)


@renders("UnresponsiveMentor", "remindersSent")
def _reminders_sent(build: Build, child: Selected, silent: _Silent) -> str:
    return f"(SELECT count(*) FROM {REMINDERS} rr WHERE rr.request_id IN {silent.waiting('w.id')})"


@renders("UnresponsiveMentor", "lastRespondedAt")
def _last_responded_at(build: Build, child: Selected, silent: _Silent) -> str:
    return js.iso_timestamp(
        f"(SELECT max(responded_at) FROM {REQUESTS} WHERE mentor_id = {silent.u}.id)"
    )


@renders("UnresponsiveMentor", "responseRate")
def _silent_response_rate(build: Build, child: Selected, silent: _Silent) -> str:
    rs = build.alias("rs")
    rate = build.marker("rate", f"json_build_array({rs}.answered, {rs}.unanswered)")
    return f"(SELECT {rate} FROM {responsiveness_sql(f'{silent.u}.id', build.since())} {rs})"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def age_days(micros: int | None) -> float | None:
    """`UnresponsiveMentor.oldest_request_age_days` of the oldest request at `micros`."""
    if micros is None:
        return None
    oldest = _EPOCH + timedelta(microseconds=micros)
    return round((clock.now() - oldest).total_seconds() / 86400, 1)
