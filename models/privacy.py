"""Who may see what of a user: the Python forms of `models/policies.py`, under their former names.

The rules themselves, with their SQL twins, live in `models/policies.py` (one place)."""

from __future__ import annotations

from mentorgraph.models.policies import (
    REVEALING_STATUSES,
    can_see_request,
    can_see_request_sql,
    contact_visible_sql,
    contacts_revealed_to,
    is_self_or_admin,
    is_self_or_admin_sql,
)

__all__ = [
    "REVEALING_STATUSES",
    "can_see_request",
    "can_see_request_sql",
    "contact_visible_sql",
    "contacts_revealed_to",
    "is_self_or_admin",
    "is_self_or_admin_sql",
]
