"""The listing rule: which mentors the listings show, and who may become available.

One module, each rule in its three forms side by side (Python over a loaded row, a Tortoise
filter, SQL over a `users` row alias), so the ordinary and the compiled read paths, the sweep and
the write paths all name the same rule:

- **offered** (`offered`, `offered_q`, `offered_sql`): a mentor put forward to be asked, i.e.
  `is_mentor AND available`. Every listing that suggests someone reads it: the directory's
  `availableOnly`/`withRoom`, its facets, the spotlight, recommendations, suggestions, `hasRoom`,
  the silence rule and the create-request check.
- **listed** (`listed`, `listed_q`, `listed_sql`): a mentor the directory shows at all, available
  or not: `is_mentor`, neither banned nor suspended. Without a clock: an ended suspension is
  listed again once the sweep clears its date (within a minute; `standing.clear_ended_suspensions`).
- **may be listed** (`may_be_listed`, `ensure_may_be_listed`): who may *become* available:
  a confirmed address and an account that is not closing.

Why `offered` needs no second condition: availability only turns on through
`ensure_may_be_listed` (a mentor's own switch, a pause's end, an approved application), and every
change that would end the right to it turns it off in the same transaction (scheduling a deletion,
a suspension, a ban). So an offered mentor is verified, staying and in good standing, and the
dozen SQL texts of the listings carry one condition instead of five. Changing what may be listed
means changing this module and the write paths that keep `available` false, never a listing.
"""

from __future__ import annotations

from tortoise.expressions import Q

from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import ErrorCode, RuleViolation

__all__ = [
    "ensure_may_be_listed",
    "listed",
    "listed_q",
    "listed_sql",
    "may_be_listed",
    "offered",
    "offered_q",
    "offered_sql",
]


# --- offered: put forward to be asked -------------------------------------------------------


def offered(user: User) -> bool:
    """A mentor the listings put forward (Python form)."""
    return bool(user.is_mentor and user.available)


def offered_q() -> Q:
    """`offered` as a Tortoise filter on `User`."""
    return Q(is_mentor=True, available=True)


def offered_sql(u: str) -> str:
    """`offered` over the `users` row alias `u` (bare booleans: both dialects, and PostgreSQL
    matches them to the `(is_mentor, available, ...)` indexes)."""
    return f"({u}.is_mentor AND {u}.available)"


# --- listed: shown in the directory, available or not -----------------------------------------


def listed(user: User) -> bool:
    """A mentor the directory shows (Python form): neither banned nor suspended."""
    return bool(user.is_mentor and user.banned_at is None and user.suspended_until is None)


def listed_q() -> Q:
    """`listed` as a Tortoise filter on `User` (the directory's query on both read paths)."""
    return Q(is_mentor=True, banned_at__isnull=True, suspended_until__isnull=True)


def listed_sql(u: str) -> str:
    """`listed` over the `users` row alias `u`."""
    return f"({u}.is_mentor AND {u}.banned_at IS NULL AND {u}.suspended_until IS NULL)"


# --- may be listed: who may become available ----------------------------------------------------


def may_be_listed(user: User) -> bool:
    """Whether the member may be made available: a confirmed address, not leaving."""
    return user.email_verified and user.deletion_due_at is None and user.deleted_at is None


def ensure_may_be_listed(user: User, field: str = "available") -> None:
    """Raises (the reason as a user error on `field`) unless `may_be_listed(user)`."""
    if user.deletion_due_at is not None or user.deleted_at is not None:
        raise RuleViolation(
            ErrorCode.ACCOUNT_CLOSING,
            "This account is scheduled for deletion; cancel the deletion first.",
            [field],
        )
    if not user.email_verified:
        raise RuleViolation(
            ErrorCode.EMAIL_NOT_VERIFIED,
            "Confirm your email address first (open the link we emailed you).",
            [field],
        )
