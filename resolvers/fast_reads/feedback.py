"""`MentorshipRequest.feedback` and `MentorshipFeedback` as SQL (declared per field, `fields.py`):
each side's feedback, oldest first; the comment under `FEEDBACK_COMMENT`."""

from __future__ import annotations

import mentorgraph.resolvers.fast_reads.users as users_sql
from mentorgraph.models import json_sql as js
from mentorgraph.models.policies import FEEDBACK_COMMENT
from mentorgraph.models.requests.feedback import MentorshipFeedback
from mentorgraph.resolvers.fast_reads.build import Build
from mentorgraph.resolvers.fast_reads.fields import object_sql, renders
from mentorgraph.resolvers.fast_reads.selection import Selected

__all__ = ["FEEDBACK"]

FEEDBACK = MentorshipFeedback._meta.db_table
_COLUMNS = {"rating": "rating", "authorRole": "author_role", "comment": "comment"}


@renders("MentorshipRequest", "feedback")
def _feedback(build: Build, child: Selected, r: str) -> str:
    """The feedback left on the request row `r` (reached through a request the viewer may see,
    as `mentorgraph.resolvers.requests.feedback.feedback_of` is), in the loader's order: by id."""
    f = build.alias("fb")
    left = object_sql(build, child, f)
    return (
        f"(SELECT coalesce(json_agg({left} ORDER BY {f}.id), '[]') FROM {FEEDBACK} {f}"
        f" WHERE {f}.request_id = {r}.id)"
    )


@renders("MentorshipFeedback", "rating", "authorRole")
def _column(build: Build, child: Selected, f: str) -> str:
    return f"{f}.{_COLUMNS[child.name]}"


@renders("MentorshipFeedback", "comment", policy=FEEDBACK_COMMENT)
def _comment(build: Build, child: Selected, f: str) -> str:
    return f"{f}.comment"


@renders("MentorshipFeedback", "createdAt")
def _created_at(build: Build, child: Selected, f: str) -> str:
    return js.iso_timestamp(f"{f}.created_at")


@renders("MentorshipFeedback", "author")
def _author(build: Build, child: Selected, f: str) -> str:
    return users_sql.one_user(build, child, f"{f}.author_id")
