"""`MentorshipRequest.feedback` as SQL: each side's `MentorshipFeedback`, oldest first, the
comment shown only to whom `models.feedback.can_read_comment` shows it."""

from __future__ import annotations

import resolvers.fast_reads.users as users_sql
from models import json_sql as js
from models.feedback import MentorshipFeedback, can_read_comment_sql
from resolvers.fast_reads.build import Build, each
from resolvers.fast_reads.selection import Selected, Unsupported

__all__ = ["feedback_list"]

FEEDBACK = MentorshipFeedback._meta.db_table


def feedback_list(build: Build, selected: Selected, r: str) -> str:
    """The feedback left on the request row `r` (reached through a request the viewer may see,
    as `resolvers.feedback.feedback_of` is), in the loader's order: by id."""
    f = build.alias("fb")

    def field_sql(child: Selected) -> str:
        name = child.name
        if name == "rating":
            return f"{f}.rating"
        if name == "createdAt":
            return js.iso_timestamp(f"{f}.created_at")
        if name == "authorRole":
            return f"{f}.author_role"
        if name == "author":
            return users_sql.one_user(build, child, f"{f}.author_id")
        if name == "comment":
            return f"CASE WHEN {can_read_comment_sql(build.viewer, f)} THEN {f}.comment END"
        raise Unsupported(f"MentorshipFeedback.{name}")

    left = each(build, selected, field_sql)
    return (
        f"(SELECT coalesce(json_agg({left} ORDER BY {f}.id), '[]') FROM {FEEDBACK} {f}"
        f" WHERE {f}.request_id = {r}.id)"
    )
