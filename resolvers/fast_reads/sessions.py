"""`Query.sessions` and `Session` as SQL (declared per field, `fields.py`): the viewer's live
sessions, most recently used first (`mentorgraph.models.accounts.sessions.active_sessions` is the
reference).

`current` compares each session with the one the request's token names: that id is a statement
parameter (`Build.session`), bound per request like the viewer's id, so one cached statement
serves every token; a session-less token names none, and no session is current for it.
"""

from __future__ import annotations

from mentorgraph.models import clock
from mentorgraph.models import json_sql as js
from mentorgraph.models.accounts.auth import Session
from mentorgraph.models.accounts.sessions import MAX_SESSIONS_LISTED
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.fields import object_sql, renders
from mentorgraph.resolvers.fast_reads.selection import Selected, UnsupportedValue

__all__ = ["SESSIONS"]

SESSIONS = Session._meta.db_table
_TEXT = {"userAgent": "user_agent", "address": "address"}
_TIMES = {"createdAt": "created_at", "lastUsedAt": "last_used_at"}


@renders("Query", "sessions")
def _sessions(build: Build, selected: Selected, _row: None) -> str:
    """Signed in only: anonymous, the ordinary path refuses it (`Context.require_viewer`)."""
    if build.viewer is None:
        raise UnsupportedValue("signed in only")
    s = build.alias("s")
    one = object_sql(build, selected, s)
    now = build.renewed_param(clock.now)
    return (
        f"(SELECT coalesce(json_agg({one} ORDER BY {s}.last_used_at DESC, {s}.id DESC), '[]')"
        f" FROM (SELECT * FROM {SESSIONS} WHERE user_id = {build.viewer}.id"
        f" AND ended_at IS NULL AND expires_at > {now}::timestamptz"
        f" ORDER BY last_used_at DESC, id DESC LIMIT {MAX_SESSIONS_LISTED}) {s})"
    )


@renders("Session", "id")
def _id(build: Build, child: Selected, s: str) -> str:
    return js.global_id("Session", f"{s}.id")


@renders("Session", *_TEXT)
def _text(build: Build, child: Selected, s: str) -> str:
    return f"{s}.{_TEXT[child.name]}"


@renders("Session", *_TIMES)
def _time(build: Build, child: Selected, s: str) -> str:
    return js.iso_timestamp(f"{s}.{_TIMES[child.name]}")


@renders("Session", "current")
def _current(build: Build, child: Selected, s: str) -> str:
    """`row.id == current_id`: false for every session when the token names none."""
    return f"({s}.id = {build.session()}) IS TRUE"
