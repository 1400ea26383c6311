"""Admins' list of members: by role, standing and a name or email prefix, newest first.

Cheap at 100k members (measured in docs/safety.md): newest first walks the primary key and
stops at a page; a prefix is found by `idx_users_email_prefix` / `idx_users_name_prefix`
(text_pattern_ops, migration 0014) on PostgreSQL; suspended and banned members by their own
indexes (few rows). Standings are `models/safety/standing.py`'s, where new ones are added.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from enum import StrEnum

from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet

from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.safety.standing import MemberStatus, status_q

__all__ = ["MAX_SEARCH", "MemberRole", "clean_search", "members"]

MAX_SEARCH = 100
# NOTE: exactly the expression of `idx_users_name_prefix` (migration 0014).
NAME_KEY = "lower(name)"


class MemberRole(StrEnum):
    MEMBER = "MEMBER"  # neither mentor nor admin
    MENTOR = "MENTOR"
    ADMIN = "ADMIN"


_ROLES = {
    MemberRole.MEMBER: Q(is_mentor=False, is_admin=False),
    MemberRole.MENTOR: Q(is_mentor=True),
    MemberRole.ADMIN: Q(is_admin=True),
}


def clean_search(value: str | None) -> str | None:
    """A prefix, lower-cased (emails are stored so; names are compared lower-cased)."""
    text = (value or "").strip().lower()
    if not text:
        return None
    if len(text) > MAX_SEARCH or any(unicodedata.category(c) == "Cc" for c in text):
        raise RuleViolation(
            ErrorCode.INVALID_INPUT,
            f"Search for at most {MAX_SEARCH} characters, without control characters.",
            ["search"],
        )
    return text


def members(
    *,
    now: datetime,
    role: MemberRole | None = None,
    status: MemberStatus | None = None,
    search: str | None = None,
) -> QuerySet[User]:
    """Members matching every part given (unordered; the caller pages newest first).
    `search`: cleaned by `clean_search`; matches the start of the email or of the name."""
    found = User.all()
    if role is not None:
        found = found.filter(_ROLES[role])
    if status is not None:
        found = found.filter(status_q(status, now))
    if search is not None:
        # `startswith` escapes LIKE's wildcards in the prefix; each side has its index.
        found = found.annotate(name_key=RawSQL(NAME_KEY)).filter(
            Q(email__startswith=search) | Q(name_key__startswith=search)
        )
    return found
