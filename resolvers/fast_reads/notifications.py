"""The viewer's notifications, unread count and email preferences, compiled
(`resolvers/notifications/notifications.py` is the ordinary path: the viewer's own rows only,
admins' too)."""

from __future__ import annotations

from mentorgraph.models import json_sql as js
from mentorgraph.models.notifications.email_preferences import (
    DEFAULT_FREQUENCY,
    EmailPreference,
    NotificationKind,
)
from mentorgraph.models.notifications.inbox import Notification
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.connections import (
    Page,
    connection,
    cursor_values,
    declare_connection,
    page_slice,
)
from mentorgraph.resolvers.fast_reads.fields import object_sql, renders
from mentorgraph.resolvers.fast_reads.requests import one_request
from mentorgraph.resolvers.fast_reads.selection import Selected, UnsupportedValue
from mentorgraph.resolvers.fast_reads.users import one_user
from mentorgraph.resolvers.pagination import NEWEST_FIRST

__all__ = ["NOTIFICATIONS"]

NOTIFICATIONS = Notification._meta.db_table
PREFERENCES = EmailPreference._meta.db_table


def _viewer(build: Build) -> str:
    if build.viewer is None:
        raise UnsupportedValue("signed in only")  # refused there (UNAUTHENTICATED)
    return build.viewer


@renders("Query", "notifications", arguments=["first", "after", "last", "before", "unreadOnly"])
def _notifications(build: Build, selected: Selected, _row: None) -> str:
    """Newest first, keyset on id (`mentorgraph.resolvers.notifications.notifications`)."""
    viewer = _viewer(build)
    arguments = build.arguments(selected)
    asked = page_slice(arguments)
    where = [f"user_id = {viewer}.id"]
    if arguments.get("unreadOnly"):
        where.append("read_at IS NULL")
    total_where = " AND ".join(where)
    after = cursor_values(asked.after, Notification, NEWEST_FIRST)
    if after is not None:
        where.append(f"id < {build.param(after[0])}::bigint")
    before = cursor_values(asked.before, Notification, NEWEST_FIRST)
    if before is not None:
        where.append(f"id > {build.param(before[0])}::bigint")
    columns = ", ".join(Notification._meta.db_fields)
    # `first: 0` reads nothing in the ordinary path, so hasNextPage is false there.
    limit = asked.size + 1 if asked.size else 0
    read = "ASC" if asked.backward else "DESC"
    x = build.alias("x")
    ranked = (
        f"(SELECT {columns}, row_number() OVER (ORDER BY id {read}) AS n FROM"
        f" (SELECT {columns} FROM {NOTIFICATIONS} WHERE {' AND '.join(where)}"
        f" ORDER BY id {read} LIMIT {limit}) newest) {x}"
    )
    page = Page(
        ranked=ranked,
        alias=x,
        slice=asked,
        item=lambda child: object_sql(build, child, x),
        cursor=lambda: js.int_cursor([f"{x}.id"]),
        total=lambda: f"(SELECT count(*) FROM {NOTIFICATIONS} WHERE {total_where})",
    )
    return connection(build, selected, page)


@renders("Query", "unreadNotificationCount")
def _unread_count(build: Build, selected: Selected, _row: None) -> str:
    viewer = _viewer(build)
    return f"(SELECT count(*) FROM {NOTIFICATIONS} WHERE user_id = {viewer}.id AND read_at IS NULL)"


@renders("Query", "emailPreferences")
def _email_preferences(build: Build, selected: Selected, _row: None) -> str:
    """Every kind in the enum's order, the default where none was chosen
    (`mentorgraph.models.notifications.email_preferences.preferences_of`)."""
    viewer = _viewer(build)
    k, p = build.alias("k"), build.alias("p")
    kinds = ", ".join(f"('{kind.value}', {i})" for i, kind in enumerate(NotificationKind))
    item = object_sql(build, selected, (k, p))
    return (
        f"(SELECT json_agg({item} ORDER BY {k}.ord) FROM (VALUES {kinds}) AS {k}(kind, ord)"
        f" LEFT JOIN {PREFERENCES} {p} ON {p}.user_id = {viewer}.id AND {p}.kind = {k}.kind)"
    )


@renders("EmailPreference", "kind", "frequency")
def _preference(build: Build, child: Selected, row: tuple[str, str]) -> str:
    k, p = row
    if child.name == "kind":
        return f"{k}.kind"
    return f"coalesce({p}.frequency, '{DEFAULT_FREQUENCY.value}')"


declare_connection("NotificationConnection", "NotificationEdge")


@renders("Notification", "id")
def _id(build: Build, child: Selected, n: str) -> str:
    return js.global_id("Notification", f"{n}.id")


@renders("Notification", "cursor")
def _cursor(build: Build, child: Selected, n: str) -> str:
    return js.int_cursor([f"{n}.id"])


@renders("Notification", "kind")
def _kind(build: Build, child: Selected, n: str) -> str:
    return f"{n}.kind"


@renders("Notification", "createdAt", "readAt")
def _time(build: Build, child: Selected, n: str) -> str:
    column = "created_at" if child.name == "createdAt" else "read_at"
    return js.iso_timestamp(f"{n}.{column}")


@renders("Notification", "read")
def _read(build: Build, child: Selected, n: str) -> str:
    return f"({n}.read_at IS NOT NULL)"


@renders("Notification", "request")
def _request(build: Build, child: Selected, n: str) -> str:
    """The request if the viewer may still see it (`requests_read.visible_request`)."""
    return one_request(build, child, f"{n}.request_id")


@renders("Notification", "actor")
def _actor(build: Build, child: Selected, n: str) -> str:
    return one_user(build, child, f"{n}.actor_id")
