"""Sessions: one per sign-in, each with a rotating refresh token (issue 16).

A sign-in starts a `Session` and gives the client two tokens: a short-lived access token (a JWT
naming the session, `mentorgraph/security.py`) and an opaque refresh token. `refreshSession`
spends the refresh token for a new pair. Rotation is single use, decided by the database: the
refresh marks its token used with a conditional update, so of concurrent refreshes with one
token exactly one wins, in any number of server processes. Presenting a token that was already
spent is *reuse*: someone holds a copy (a thief, or the owner after a thief), so the whole
session (the token's family) ends, and whoever holds its tokens must sign in again.

An ended session's access tokens are refused at once: every request with one checks that its
session is live (one primary-key read; for a compiled read, a condition of its own statement,
`live_sql`), and open WebSockets are closed at the next account
check (`mentorgraph/socket_limits.py`), in every process. Only the hashes of refresh tokens
are stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import cast

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from mentorgraph.models import clock, sql
from mentorgraph.models.accounts.auth import RefreshToken, Session
from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.limits import limits
from mentorgraph.models.safety import standing

__all__ = [
    "EndReason",
    "SignedIn",
    "active_sessions",
    "end_all",
    "end_all_of",
    "end_session",
    "forget_old",
    "is_live",
    "live_among",
    "live_sql",
    "refresh",
    "start",
    "token_digest",
    "user_if_live",
]

# Stored cut to its column; a user agent is a hint for the owner's list, never trusted.
_USER_AGENT_LENGTH = 200
_ADDRESS_LENGTH = 64
# The most a session list shows (a member with more has bigger problems: log out everywhere).
MAX_SESSIONS_LISTED = 100


class EndReason(StrEnum):
    LOG_OUT = "LOG_OUT"
    LOG_OUT_EVERYWHERE = "LOG_OUT_EVERYWHERE"
    ENDED_BY_OWNER = "ENDED_BY_OWNER"
    PASSWORD_CHANGED = "PASSWORD_CHANGED"
    PASSWORD_RESET = "PASSWORD_RESET"
    REFRESH_TOKEN_REUSED = "REFRESH_TOKEN_REUSED"
    # An admin suspended or banned the account (`models/safety/moderation.py`).
    SUSPENDED = "SUSPENDED"
    BANNED = "BANNED"
    ACCOUNT_DELETION = "ACCOUNT_DELETION"


def token_digest(token: str) -> str:
    """What is stored of a random token (refresh, reset): enough entropy that a plain SHA-256
    cannot be reversed, and one index lookup finds it."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _expiry(now: datetime) -> datetime:
    return now + timedelta(minutes=limits().token_ttl_minutes)


class SignedIn:
    """A live session and the refresh token just given for it (shown to the client once)."""

    def __init__(self, session: Session, refresh_token: str, user: User) -> None:
        self.session = session
        self.refresh_token = refresh_token
        self.user = user


async def start(user: User, *, address: str, user_agent: str) -> SignedIn:
    """A new session for `user` (who just proved who they are) and its first refresh token."""
    now = clock.now()
    token = _new_token()
    async with in_transaction() as connection:
        session = await Session.create(
            user_id=user.id,
            user_agent=user_agent[:_USER_AGENT_LENGTH],
            address=address[:_ADDRESS_LENGTH],
            created_at=now,
            last_used_at=now,
            expires_at=_expiry(now),
            using_db=connection,
        )
        await RefreshToken.create(
            token_hash=token_digest(token),
            session_id=session.id,
            created_at=now,
            using_db=connection,
        )
    return SignedIn(session, token, user)


def _invalid() -> RuleViolation:
    return RuleViolation(
        ErrorCode.INVALID_REFRESH_TOKEN,
        "The refresh token is not valid (unknown, expired, or its session ended): sign in again.",
        ["refreshToken"],
    )


async def refresh(refresh_token: str, *, address: str, user_agent: str) -> SignedIn:
    """Spend `refresh_token` for a new one in the same session; raises INVALID_REFRESH_TOKEN,
    or REFRESH_TOKEN_REUSED (and ends the session) when it was spent before."""
    digest = token_digest(refresh_token)
    spent = await RefreshToken.get_or_none(token_hash=digest)
    if spent is None:
        raise _invalid()
    now = clock.now()
    new_token = _new_token()
    async with in_transaction() as connection:
        won = await (
            RefreshToken.filter(token_hash=digest, used_at=None)
            .using_db(connection)
            .update(used_at=now)
        )
        moved = 0
        if won:
            moved = await (
                Session.filter(id=spent.session_id, ended_at=None, expires_at__gt=now)
                .using_db(connection)
                .update(
                    last_used_at=now,
                    expires_at=_expiry(now),
                    address=address[:_ADDRESS_LENGTH],
                    user_agent=user_agent[:_USER_AGENT_LENGTH],
                )
            )
        if moved:
            await RefreshToken.create(
                token_hash=token_digest(new_token),
                session_id=spent.session_id,
                created_at=now,
                using_db=connection,
            )
    if not won:
        # Spent before: a copy is in other hands. End the family (if it still lives).
        await _end(Session.filter(id=spent.session_id), EndReason.REFRESH_TOKEN_REUSED)
        raise RuleViolation(
            ErrorCode.REFRESH_TOKEN_REUSED,
            "This refresh token was already used, so its session has been ended: sign in again.",
            ["refreshToken"],
        )
    if not moved:
        raise _invalid()  # its session ended or expired: the token stays spent
    session = await Session.get(id=spent.session_id)
    user = await User.get_or_none(id=session.user_id)
    if user is None:
        raise _invalid()
    refused = standing.refusal(user, "refreshToken")
    if refused is not None:  # suspended or banned since: the session ends here too
        await _end(Session.filter(id=session.id), EndReason.SUSPENDED)
        raise refused
    return SignedIn(session, new_token, user)


async def is_live(session_id: int, user_id: int) -> bool:
    """Whether the session an access token names still serves it: every request with one asks,
    so one primary-key read in plain SQL (the ORM's query building cost more than the read).

    Not ended is enough: an access token never outlives its session's expiry, which each sign-in
    or refresh sets at least as far ahead as the token it issues."""
    rows = await sql.fetch(f"SELECT 1 AS live {_live_rows('?', '?')}", [session_id, user_id])
    return bool(rows)


async def user_if_live(user_id: int, session_id: int | None) -> tuple[User | None, bool]:
    """The user's row (None when it is gone) and whether `session_id` is live for them (`is_live`;
    true for a session-less token), in one statement: a request's viewer and its session
    check, which would otherwise be two round trips."""
    live = live_sql("CAST(? AS BIGINT)", "CAST(? AS BIGINT)")
    rows = await sql.fetch(
        f"SELECT {live} AS session_live, u.* FROM (SELECT 1 AS one) o"
        f" LEFT JOIN {User._meta.db_table} u ON u.id = ?",
        [session_id, session_id, user_id, user_id],
    )
    row = rows[0]
    user = None if row["id"] is None else User._init_from_db(**row)
    return user, bool(row["session_live"])


def _live_rows(session_sql: str, user_sql: str) -> str:
    return f"FROM sessions WHERE id = {session_sql} AND user_id = {user_sql} AND ended_at IS NULL"


def live_sql(session_sql: str, user_sql: str) -> str:
    """`is_live` as an SQL condition, for a statement that checks the token's session itself
    (the compiled reads, `resolvers/fast_reads/roots.py`): true for a session-less token (NULL
    session), as `TokenService.viewer_for` lets one through."""
    return f"({session_sql} IS NULL OR EXISTS (SELECT 1 {_live_rows(session_sql, user_sql)}))"


async def live_among(session_ids: set[int]) -> set[int]:
    """Those of `session_ids` still live (one query: the open sockets' check)."""
    if not session_ids:
        return set()
    rows = await Session.filter(
        id__in=session_ids, ended_at=None, expires_at__gt=clock.now()
    ).values_list("id", flat=True)
    return set(cast("list[int]", rows))


async def active_sessions(user: User) -> list[Session]:
    """The user's live sessions, most recently used first."""
    return (
        await Session.filter(user_id=user.id, ended_at=None, expires_at__gt=clock.now())
        .order_by("-last_used_at", "-id")
        .limit(MAX_SESSIONS_LISTED)
    )


async def _end(sessions: QuerySet[Session], reason: EndReason) -> int:
    # Only live ones are ended: an end is kept as it was (when, why).
    return int(await sessions.filter(ended_at=None).update(ended_at=clock.now(), end_reason=reason))


async def end_session(user: User, session_id: int, reason: EndReason) -> None:
    """End one of the user's live sessions; NOT_FOUND for another's, or one already ended."""
    if not await _end(Session.filter(id=session_id, user_id=user.id), reason):
        raise RuleViolation(ErrorCode.NOT_FOUND, "You have no live session with this id.", ["id"])


async def end_all_of(user: User, session_ids: list[int], reason: EndReason) -> int:
    """End those of `session_ids` that are the user's and live; the number ended."""
    return await _end(Session.filter(user_id=user.id, id__in=session_ids), reason)


async def end_all(user_id: int, reason: EndReason, *, keep: int | None = None) -> int:
    """End every live session of the user but `keep`; the number ended."""
    sessions = Session.filter(user_id=user_id)
    if keep is not None:
        sessions = sessions.exclude(id=keep)
    return await _end(sessions, reason)


# Kept this long after a session ended or expired (for the owner's and an admin's questions),
# then deleted with its refresh tokens by the sweep.
ENDED_KEPT_FOR = timedelta(days=30)


async def forget_old(now: datetime) -> int:
    """Delete sessions that ended or expired more than `ENDED_KEPT_FOR` ago (the sweep)."""
    before = now - ENDED_KEPT_FOR
    ended = await Session.filter(ended_at__lt=before).delete()
    expired = await Session.filter(ended_at=None, expires_at__lt=before).delete()
    return int(ended) + int(expired)
