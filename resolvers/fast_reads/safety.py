"""Safety reads as SQL (declared per field, `fields.py`): the viewer's `blockedMembers`; for
admins `reports`, `adminAuditLog`, `members` (the `ADMIN_ONLY` policy holds the whole answer,
as in `admin.py`), and `User.status` / `User.suspendedUntil`. The ordinary path is
`resolvers/safety/safety.py`; the queries are the same Tortoise ones, embedded."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import RawSQL

import mentorgraph.resolvers.fast_reads.requests as requests_sql
import mentorgraph.resolvers.fast_reads.users as users_sql
from mentorgraph.models import clock
from mentorgraph.models import json_sql as js
from mentorgraph.models.accounts.users import User
from mentorgraph.models.admin import audit, members
from mentorgraph.models.errors import RuleViolation
from mentorgraph.models.policies import ADMIN_ONLY
from mentorgraph.models.safety import reports
from mentorgraph.models.safety.safety_records import AuditAction, MemberBlock, ReportStatus
from mentorgraph.models.safety.standing import MemberStatus, status_sql
from mentorgraph.resolvers.fast_reads.admin import _admins_only, _user_id
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.connections import declare_connection
from mentorgraph.resolvers.fast_reads.embedded import int_keyset_connection
from mentorgraph.resolvers.fast_reads.fields import object_sql, reads_enum, renders
from mentorgraph.resolvers.fast_reads.selection import Selected, UnsupportedValue
from mentorgraph.resolvers.pagination import NEWEST_FIRST
from mentorgraph.resolvers.safety.safety import OLDEST_FIRST

__all__: list[str] = []

_PAGED = ("first", "after", "last", "before")
# Where the statement's own SQL goes in an embedded query (no column or value has these).
_VIEWER = "__fast_reads_viewer__"
_NOW = "__fast_reads_now__"
_ADMIN: dict[str, Any] = {"policy": ADMIN_ONLY, "subject": lambda _row: ""}


def _now(build: Build) -> str:
    return f"{build.renewed_param(clock.now)}::timestamptz"


# --- `blockedMembers`: the viewer's own.


@renders("Query", "blockedMembers", arguments=_PAGED)
def _blocked_members(build: Build, selected: Selected, _row: None) -> str:
    if build.viewer is None:
        raise UnsupportedValue("signed in only")  # refused there (signed out)
    mine = MemberBlock.annotate(mine=RawSQL(f"(blocker_id = {_VIEWER})")).filter(mine=True)
    return int_keyset_connection(
        build,
        selected,
        mine,
        NEWEST_FIRST,
        lambda child, b: object_sql(build, child, b),
        {_VIEWER: f"{build.viewer}.id"},
    )


declare_connection("BlockedMemberConnection", "BlockedMemberEdge")


@renders("BlockedMember", "user")
def _blocked_user(build: Build, child: Selected, b: str) -> str:
    return users_sql.one_user(build, child, f"{b}.blocked_id")


@renders("BlockedMember", "blockedAt")
def _blocked_at(build: Build, child: Selected, b: str) -> str:
    return js.iso_timestamp(f"{b}.created_at")


# --- `reports`: the admins' queue.


@renders("Query", "reports", arguments=(*_PAGED, "status"))
def _reports(build: Build, selected: Selected, _row: None) -> str:
    """`mentorgraph.resolvers.safety.safety.report_queue`: oldest first."""
    _admins_only(build)
    status = build.arguments(selected).get("status")
    queryset = reports.queue(None if status is None else ReportStatus(status))
    return int_keyset_connection(
        build, selected, queryset, OLDEST_FIRST, lambda child, m: object_sql(build, child, m)
    )


declare_connection("MemberReportConnection", "MemberReportEdge")
# The enum arguments are handed to the same `models/` querysets the ordinary path builds, so
# every value is read.
reads_enum("ReportStatus", (status.name for status in ReportStatus))
reads_enum("AuditAction", (action.name for action in AuditAction))
reads_enum("MemberRole", (role.name for role in members.MemberRole))
# `status_sql` has a branch for each standing.
reads_enum("MemberStatus", (status.name for status in MemberStatus))

_REPORT_COLUMNS = {
    "category": "category",
    "reason": "reason",
    "status": "status",
    "resolutionNote": "resolution_note",
}
_REPORT_TIMES = {"createdAt": "created_at", "resolvedAt": "resolved_at"}
_REPORT_USERS = {"reporter": "reporter_id", "targetUser": "target_user_id"}


@renders("MemberReport", *_REPORT_COLUMNS)
def _report_column(build: Build, child: Selected, m: str) -> str:
    return f"{m}.{_REPORT_COLUMNS[child.name]}"


@renders("MemberReport", *_REPORT_TIMES)
def _report_time(build: Build, child: Selected, m: str) -> str:
    return js.iso_timestamp(f"{m}.{_REPORT_TIMES[child.name]}")


@renders("MemberReport", "id")
def _report_id(build: Build, child: Selected, m: str) -> str:
    return js.global_id("MemberReport", f"{m}.id")


@renders("MemberReport", *_REPORT_USERS)
def _report_user(build: Build, child: Selected, m: str) -> str:
    return users_sql.one_user(build, child, f"{m}.{_REPORT_USERS[child.name]}")


@renders("MemberReport", "resolvedBy")
def _resolved_by(build: Build, child: Selected, m: str) -> str:
    return users_sql.one_user(build, child, f"{m}.resolved_by_id")


@renders("MemberReport", "targetRequest")
def _report_request(build: Build, child: Selected, m: str) -> str:
    return requests_sql.one_request(build, child, f"{m}.target_request_id")


# --- `adminAuditLog`.


@renders("Query", "adminAuditLog", arguments=(*_PAGED, "actor", "action", "target"))
def _admin_audit_log(build: Build, selected: Selected, _row: None) -> str:
    """`mentorgraph.resolvers.safety.safety.admin_audit_log`: newest first."""
    _admins_only(build)
    given = build.arguments(selected)
    action = given.get("action")
    queryset = audit.entries(
        actor_id=_user_id(given.get("actor"), "actor"),
        action=None if action is None else AuditAction(action),
        target_user_id=_user_id(given.get("target"), "target"),
    )
    return int_keyset_connection(
        build, selected, queryset, NEWEST_FIRST, lambda child, e: object_sql(build, child, e)
    )


declare_connection("AdminAuditEntryConnection", "AdminAuditEntryEdge")


@renders("AdminAuditEntry", "action", "reason")
def _audit_column(build: Build, child: Selected, e: str) -> str:
    return f"{e}.{child.name}"


@renders("AdminAuditEntry", "occurredAt")
def _audit_time(build: Build, child: Selected, e: str) -> str:
    return js.iso_timestamp(f"{e}.occurred_at")


@renders("AdminAuditEntry", "actor", "targetUser")
def _audit_user(build: Build, child: Selected, e: str) -> str:
    column = "actor_id" if child.name == "actor" else "target_user_id"
    return users_sql.one_user(build, child, f"{e}.{column}")


@renders("AdminAuditEntry", "targetRequest")
def _audit_request(build: Build, child: Selected, e: str) -> str:
    return requests_sql.one_request(build, child, f"{e}.target_request_id")


@renders("AdminAuditEntry", "targetReportId")
def _audit_report(build: Build, child: Selected, e: str) -> str:
    report = js.global_id("MemberReport", f"{e}.target_report_id")
    return f"CASE WHEN {e}.target_report_id IS NOT NULL THEN {report} END"


# --- `members`, and a member's standing.


@renders("Query", "members", arguments=(*_PAGED, "role", "status", "search"))
def _members(build: Build, selected: Selected, _row: None) -> str:
    """`mentorgraph.resolvers.safety.safety.member_list`: newest first. The standing compares with
    the clock: a
    parameter renewed for each run, where the embedded query holds the token."""
    _admins_only(build)
    given = build.arguments(selected)
    try:
        search = members.clean_search(given.get("search"))
    except RuleViolation:  # the ordinary path reports it
        raise UnsupportedValue("search") from None
    role = given.get("role")
    queryset = members.members(
        now=clock.now(), role=None if role is None else members.MemberRole(role), search=search
    )
    tokens = None
    status = given.get("status")
    if status is not None:
        wanted = MemberStatus(status).value
        standing = RawSQL(f"({status_sql(User._meta.db_table, _NOW)} = '{wanted}')")
        queryset = queryset.annotate(in_status=standing).filter(in_status=True)
        tokens = {_NOW: _now(build)}
    return int_keyset_connection(
        build,
        selected,
        queryset,
        NEWEST_FIRST,
        lambda child, u: users_sql.user_object(build, child, u),
        tokens,
    )


@renders("User", "status", **_ADMIN)
def _status(build: Build, child: Selected, u: str) -> str:
    return status_sql(u, _now(build))


@renders("User", "suspendedUntil", **_ADMIN)
def _suspended_until(build: Build, child: Selected, u: str) -> str:
    return (
        f"CASE WHEN {u}.banned_at IS NULL AND {u}.suspended_until > {_now(build)}"
        f" THEN {js.iso_timestamp(f'{u}.suspended_until')} END"
    )
