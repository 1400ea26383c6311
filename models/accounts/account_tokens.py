"""Emailed single-use account links: confirming an address, cancelling a scheduled deletion.

The pattern of the password reset (`models/accounts/password_reset.py`): 256 random bits, emailed
once and stored only as their SHA-256 (a copy of the table opens nothing); spending one is a single
conditional update (`used_at IS NULL AND expires_at > now`) inside the transaction of what it
does, so a link works exactly once whichever process serves it, also under concurrent use, and
a refused action (rolled back) leaves it usable. Issuing a link spends the account's older live
links of the same purpose: only the newest email works. Tokens are never logged.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from enum import StrEnum

from tortoise.backends.base.client import BaseDBAsyncClient

from mentorgraph.models import clock
from mentorgraph.models.accounts.auth import AccountToken
from mentorgraph.models.accounts.sessions import token_digest

__all__ = ["MAX_TOKEN_LENGTH", "Purpose", "issue_token", "spend_all", "spend_token"]

# A token is 43 characters; anything much longer is no token (and is not hashed).
MAX_TOKEN_LENGTH = 100


class Purpose(StrEnum):
    VERIFY_EMAIL = "VERIFY_EMAIL"
    CANCEL_DELETION = "CANCEL_DELETION"


async def issue_token(
    conn: BaseDBAsyncClient, user_id: int, purpose: Purpose, ttl: timedelta, *, email: str = ""
) -> str:
    """A new link's token for the account, recorded on `conn` (the email's transaction)."""
    now = clock.now()
    await spend_all(conn, user_id, purpose)
    token = secrets.token_urlsafe(32)
    await AccountToken.create(
        user_id=user_id,
        purpose=purpose.value,
        email=email,
        token_hash=token_digest(token),
        created_at=now,
        expires_at=now + ttl,
        using_db=conn,
    )
    return token


async def spend_all(conn: BaseDBAsyncClient, user_id: int, purpose: Purpose) -> None:
    """Every live link of the account for `purpose` stops working."""
    await (
        AccountToken.filter(user_id=user_id, purpose=purpose.value, used_at=None)
        .using_db(conn)
        .update(used_at=clock.now())
    )


async def spend_token(conn: BaseDBAsyncClient, token: str, purpose: Purpose) -> AccountToken | None:
    """The link's row, spent by this call inside `conn`'s transaction; None when the token is
    unknown, of another purpose, used (also: by a concurrent call that committed first) or
    expired."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    now = clock.now()
    found = (
        await AccountToken.filter(
            token_hash=token_digest(token), purpose=purpose.value, used_at=None, expires_at__gt=now
        )
        .using_db(conn)
        .first()
    )
    if found is None:
        return None
    spent = (
        await AccountToken.filter(id=found.id, used_at=None, expires_at__gt=now)
        .using_db(conn)
        .update(used_at=now)
    )
    return found if spent == 1 else None
