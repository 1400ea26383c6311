"""Every read rule, once: who may see what, as a named policy with its two forms side by side.

A policy's Python form decides for the ordinary executor (resolvers and schema types call it),
and where the ordinary path selects rows by the rule, its filter form (`Policy.rows`) does;
its SQL form is the same rule as a predicate for reads answered in PostgreSQL
(`resolvers/fast_reads/`, which wraps a field in `CASE WHEN <predicate> THEN ... END`: null for
those not entitled, as the resolver answers). The SQL forms take `viewer`, the alias of the
viewer's `users` row in the statement (None when anonymous: the statement then sees nothing
private), and the policy's subject as SQL (each policy says which: a user's id, a `users` row,
a `mentorship_requests` row...). `tests/api/test_privacy.py` and the differential test
(`tests/api/test_fast_reads_differential.py`, which also breaks each SQL form on purpose) hold the
two forms to the same answers.

`models/privacy.py` re-exports the Python forms under their former names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.models.safety.safety_records import MemberBlock
from mentorgraph.models.sql import enum_list

__all__ = [
    "ADMIN_ONLY",
    "CONTACT",
    "FEEDBACK_COMMENT",
    "MENTEE_LOAD",
    "MENTOR_PUBLIC",
    "POLICIES",
    "REQUEST",
    "REVEALING_STATUSES",
    "SELF_OR_ADMIN",
    "Policy",
    "can_see_request",
    "can_see_request_rows",
    "can_see_request_sql",
    "contact_visible",
    "contact_visible_sql",
    "contacts_revealed_to",
    "is_admin",
    "is_self_or_admin",
    "is_self_or_admin_sql",
    "sees_mentee_load",
]

REQUESTS = MentorshipRequest._meta.db_table
BLOCKS = MemberBlock._meta.db_table

# Statuses in which a request's two sides see each other's contact (`CONTACT`).
REVEALING_STATUSES = (RequestStatus.APPROVED, RequestStatus.COMPLETED)


@dataclass
class Policy:
    """A read rule: `python(viewer, subject, ...) -> bool` and `sql(viewer_alias, subject_sql)
    -> predicate`, the same rule twice. `subject` says what the SQL form's second argument is.
    Not frozen: the differential test swaps a form for a broken one to see it caught."""

    name: str
    rule: str
    subject: str
    python: Callable[..., bool]
    sql: Callable[[str | None, str], str]
    # The same rule as a Tortoise filter over the subject's table, for a policy that also
    # selects rows in the ordinary path (the graph's edges): `rows(viewer) -> Q`.
    rows: Callable[[User | None], Q] | None = None

    def filter(self, viewer: User | None) -> Q:
        """The rows of the subject's table `viewer` may see (`rows`), as a filter."""
        if self.rows is None:
            raise TypeError(f"the {self.name} policy has no filter form")
        return self.rows(viewer)


# --- The user themself and admins: locale, request lists and counts, active partners, favourites,
# applications.


def is_self_or_admin(viewer: User | None, user_id: int) -> bool:
    """The user themself and admins see private fields (email, channels, request lists)."""
    return viewer is not None and (viewer.id == user_id or viewer.is_admin)


def is_self_or_admin_sql(viewer: str | None, user_id_sql: str) -> str:
    """`is_self_or_admin` for the user whose id is `user_id_sql`."""
    if viewer is None:
        return "false"
    return f"({viewer}.is_admin OR {user_id_sql} = {viewer}.id)"


SELF_OR_ADMIN = Policy(
    "self_or_admin",
    "The user themself and admins; null for everyone else.",
    "the user's id",
    is_self_or_admin,
    is_self_or_admin_sql,
)


# --- Contact (channels and email): the user, admins, and their partners. Once a mentor approved
# (and still after completion), the mentor and the mentee each see the other's contact; before
# that, neither does; and never while either has blocked the other.


async def contacts_revealed_to(viewer_id: int, user_ids: Iterable[int]) -> set[int]:
    """Of `user_ids`, those whose contact `viewer_id` may see as their partner: a request between
    the two, either way round, in `REVEALING_STATUSES` (the batch that feeds `contact_visible`'s
    `revealed`); none while a block stands between them. Two statements, each by its indexes."""
    wanted = list(user_ids)
    pairs = await MentorshipRequest.filter(
        Q(mentee_id=viewer_id, mentor_id__in=wanted) | Q(mentor_id=viewer_id, mentee_id__in=wanted),
        status__in=REVEALING_STATUSES,
    ).values_list("mentor_id", "mentee_id")
    partners = {mentee if mentor == viewer_id else mentor for mentor, mentee in pairs}
    if not partners:
        return partners
    # A block either way round hides contact, whatever the requests (`models/safety/blocks.py`).
    blocked = await MemberBlock.filter(
        Q(blocker_id=viewer_id, blocked_id__in=list(partners))
        | Q(blocked_id=viewer_id, blocker_id__in=list(partners))
    ).values_list("blocker_id", "blocked_id")
    return partners - {b if a == viewer_id else a for a, b in blocked}


def contact_visible(viewer: User | None, user: User, revealed: bool) -> bool:
    """`revealed`: whether `user` is the viewer's partner (`contacts_revealed_to`, loaded in
    batches by the resolvers)."""
    return is_self_or_admin(viewer, user.id) or (viewer is not None and revealed)


def contact_visible_sql(viewer: str | None, user_alias: str) -> str:
    """Whether the viewer may see the channels and email of the `users` row `user_alias`."""
    if viewer is None:
        return "false"
    return (
        f"({is_self_or_admin_sql(viewer, f'{user_alias}.id')}"
        f" OR EXISTS (SELECT 1 FROM {REQUESTS} revealing"
        f" WHERE ((revealing.mentee_id = {viewer}.id AND revealing.mentor_id = {user_alias}.id)"
        f" OR (revealing.mentor_id = {viewer}.id AND revealing.mentee_id = {user_alias}.id))"
        f" AND revealing.status IN ({enum_list(REVEALING_STATUSES)})"
        f" AND NOT EXISTS (SELECT 1 FROM {BLOCKS} blk"
        f" WHERE (blk.blocker_id = {viewer}.id AND blk.blocked_id = {user_alias}.id)"
        f" OR (blk.blocker_id = {user_alias}.id AND blk.blocked_id = {viewer}.id))))"
    )


CONTACT = Policy(
    "contact",
    "Channels and email: the user, admins, and the other side of an approved (or completed)"
    " request between them, unless either blocked the other.",
    "a users row",
    contact_visible,
    contact_visible_sql,
)


# --- A request and its history: its mentor, its mentee and admins.


def can_see_request(viewer: User | None, request: MentorshipRequest) -> bool:
    """A request and its history: its mentor, its mentee and admins; nobody else."""
    return viewer is not None and (
        viewer.is_admin or viewer.id in (request.mentor_id, request.mentee_id)
    )


def can_see_request_sql(viewer: str | None, request_alias: str) -> str:
    """`can_see_request` for the `mentorship_requests` row `request_alias`."""
    if viewer is None:
        return "false"
    return (
        f"({viewer}.is_admin OR {viewer}.id IN"
        f" ({request_alias}.mentor_id, {request_alias}.mentee_id))"
    )


def can_see_request_rows(viewer: User | None) -> Q:
    """`can_see_request` as a filter over `mentorship_requests`."""
    if viewer is None:
        return Q(id__in=[])  # nothing
    if viewer.is_admin:
        return Q()  # everything
    return Q(mentor_id=viewer.id) | Q(mentee_id=viewer.id)


REQUEST = Policy(
    "request",
    "A request and its history: its mentor, its mentee and admins; nobody else.",
    "a mentorship_requests row",
    can_see_request,
    can_see_request_sql,
    can_see_request_rows,
)


# --- The mentee's load (other open requests, other active mentorships): the request's mentor.


def sees_mentee_load(viewer: User | None, request: MentorshipRequest) -> bool:
    """What the mentor weighs before approving: for the request's mentor only."""
    return viewer is not None and viewer.id == request.mentor_id


def sees_mentee_load_sql(viewer: str | None, request_alias: str) -> str:
    if viewer is None:
        return "false"
    return f"({viewer}.id = {request_alias}.mentor_id)"


MENTEE_LOAD = Policy(
    "mentee_load",
    "The request's mentor only (admins included only when they are its mentor).",
    "a mentorship_requests row",
    sees_mentee_load,
    sees_mentee_load_sql,
)


# --- A mentor's public reputation (responsiveness, rating, lineage): anyone, for mentors only.


def is_mentor_subject(_viewer: User | None, user: User) -> bool:
    return bool(user.is_mentor)


def is_mentor_subject_sql(_viewer: str | None, user_alias: str) -> str:
    return f"{user_alias}.is_mentor"


MENTOR_PUBLIC = Policy(
    "mentor_public",
    "Public for mentors (a reputation mentees rely on); null for members who are not mentors.",
    "a users row",
    is_mentor_subject,
    is_mentor_subject_sql,
)


# --- Feedback comments: their author, their subject and admins.


def can_read_comment(viewer: User | None, feedback: Any) -> bool:
    """`feedback`: a `MentorshipFeedback` (its `author_id` and `subject_id`)."""
    return viewer is not None and (
        viewer.is_admin or viewer.id in (feedback.author_id, feedback.subject_id)
    )


def can_read_comment_sql(viewer: str | None, feedback_alias: str) -> str:
    if viewer is None:
        return "false"
    return (
        f"({viewer}.is_admin OR {viewer}.id IN"
        f" ({feedback_alias}.author_id, {feedback_alias}.subject_id))"
    )


FEEDBACK_COMMENT = Policy(
    "feedback_comment",
    "A feedback's comment: its author, its subject and admins.",
    "a mentorship_feedback row",
    can_read_comment,
    can_read_comment_sql,
)


# --- Admin-only views.


def is_admin(viewer: User | None, _subject: Any = None) -> bool:
    return viewer is not None and bool(viewer.is_admin)


def is_admin_sql(viewer: str | None, _subject: str = "") -> str:
    return "false" if viewer is None else f"{viewer}.is_admin"


ADMIN_ONLY = Policy(
    "admin_only",
    "Admins only (the admin views).",
    "nothing (the viewer alone decides)",
    is_admin,
    is_admin_sql,
)


# Every policy by name: the differential test breaks each SQL form in turn.
POLICIES: dict[str, Policy] = {
    p.name: p
    for p in (
        SELF_OR_ADMIN,
        CONTACT,
        REQUEST,
        MENTEE_LOAD,
        MENTOR_PUBLIC,
        FEEDBACK_COMMENT,
        ADMIN_ONLY,
    )
}
