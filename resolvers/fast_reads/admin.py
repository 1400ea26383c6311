"""Admins' views and mentor applications as SQL: `adminRequests`, `availabilityChanges`,
`mentorApplications`, and a `MentorApplication` by id.

The lists are admins' only (`Context.require_admin`): anonymous, they are declined when
compiled; signed in, the statement is marked `requires_admin` and answers nothing for anyone
else, so the ordinary path refuses them (the statement is shared by every signed-in viewer).
"""

from __future__ import annotations

from graphql import GraphQLObjectType
from tortoise.expressions import RawSQL

import resolvers.fast_reads.users as users_sql
from models import admin_views
from models import json_sql as js
from models.applications import ApplicationStatus, MentorApplication
from models.availability_changes import AvailabilityChange
from models.privacy import is_self_or_admin_sql
from models.requests import RequestStatus
from resolvers.admin import _OLDEST_FIRST, _days
from resolvers.errors import BadUserInput
from resolvers.fast_reads.build import Build, each
from resolvers.fast_reads.embedded import int_keyset_connection
from resolvers.fast_reads.requests import request_object
from resolvers.fast_reads.selection import Selected, Unsupported, UnsupportedValue
from resolvers.ids import decode_id_of
from resolvers.pagination import NEWEST_FIRST

__all__ = [
    "admin_requests",
    "application_object",
    "availability_changes",
    "mentor_applications",
    "one_application",
]

APPLICATIONS = MentorApplication._meta.db_table
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


def one_application(
    build: Build, selected: Selected, id_sql: str, runtime: GraphQLObjectType | None = None
) -> str:
    """The application whose id is `id_sql`, for the applicant and admins
    (`resolvers.applications.visible_application`); null for anyone else."""
    a = build.alias("a")
    application = application_object(build, selected, a, runtime)
    visible = is_self_or_admin_sql(build.viewer, f"{a}.user_id")
    return f"(SELECT {application} FROM {APPLICATIONS} {a} WHERE {a}.id = {id_sql} AND {visible})"


def application_object(
    build: Build, selected: Selected, a: str, runtime: GraphQLObjectType | None = None
) -> str:
    def field_sql(child: Selected) -> str:
        name = child.name
        if name == "id":
            return js.global_id("MentorApplication", f"{a}.id")
        if name == "applicant":
            return users_sql.one_user(build, child, f"{a}.user_id")
        if name == "motivation":
            return f"{a}.motivation"
        if name == "status":
            return f"{a}.status"
        if name == "decisionReason":
            return f"{a}.decision_reason"
        if name == "createdAt":
            return js.iso_timestamp(f"{a}.created_at")
        if name == "decidedAt":
            return js.iso_timestamp(f"{a}.decided_at")
        raise Unsupported(f"MentorApplication.{name}")

    return each(build, selected, field_sql, runtime)


def mentor_applications(build: Build, selected: Selected) -> str:
    """`mentorApplications(status)` (`resolvers.applications.list_for_admin`): oldest first."""
    _admins_only(build)
    status = build.arguments(selected).get("status")
    queryset = MentorApplication.all()
    if status is not None:
        queryset = queryset.filter(status=ApplicationStatus(status))
    return int_keyset_connection(
        build,
        selected,
        queryset,
        [("id", False)],
        lambda child, a: application_object(build, child, a),
    )


def admin_requests(build: Build, selected: Selected) -> str:
    """`adminRequests(filter)` (`resolvers.admin.admin_requests`): oldest first."""
    _admins_only(build)
    given = build.arguments(selected).get("filter") or {}
    status = given.get("status")
    queryset = admin_views.filtered_requests(
        status=None if status is None else RequestStatus(status),
        mentor_id=_user_id(given.get("mentorId"), "filter.mentorId"),
        mentee_id=_user_id(given.get("menteeId"), "filter.menteeId"),
    )
    days = given.get("olderThanDays")
    if days is not None:
        try:
            _days(days, "filter.olderThanDays")
        except BadUserInput:  # the ordinary path reports it
            raise UnsupportedValue("olderThanDays") from None
        # The cutoff follows the clock: a parameter renewed per run, outside the embedded SQL.
        cutoff = build.renewed_param(lambda: admin_views.cutoff(days))
        older = RawSQL(f"(created_at <= {_CUTOFF})")
        queryset = queryset.annotate(older=older).filter(older=True)
    return int_keyset_connection(
        build,
        selected,
        queryset,
        _OLDEST_FIRST,
        lambda child, r: request_object(build, child, r),
        tokens={_CUTOFF: f"{cutoff}::timestamptz"} if days is not None else None,
    )


def availability_changes(build: Build, selected: Selected) -> str:
    """`availabilityChanges(mentorId)` (`resolvers.admin.availability_changes`): newest first."""
    _admins_only(build)
    queryset = AvailabilityChange.all()
    mentor = _user_id(build.arguments(selected).get("mentorId"), "mentorId")
    if mentor is not None:
        queryset = queryset.filter(mentor_id=mentor)

    def change(selection: Selected, c: str) -> str:
        def field_sql(child: Selected) -> str:
            name = child.name
            if name in ("mentor", "actor"):
                return users_sql.one_user(build, child, f"{c}.{name}_id")
            if name == "available":
                return f"{c}.available"
            if name == "reason":
                return f"{c}.reason"
            if name == "occurredAt":
                return js.iso_timestamp(f"{c}.occurred_at")
            raise Unsupported(f"AvailabilityChange.{name}")

        return each(build, selection, field_sql)

    return int_keyset_connection(build, selected, queryset, NEWEST_FIRST, change)
