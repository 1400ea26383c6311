"""Changing a password, and resetting a forgotten one by an emailed token (issue 16).

A reset asked for an email answers the same whether an account has it or not, and does the
same work: the account looked up, a token made and hashed, one email queued (and, for an
account, its `PasswordReset` row written in the same transaction). The email is the reset
link to an account's owner or, to an address without an account, a note saying so (as OWASP's
forgot-password guidance suggests: whoever typed the wrong address learns it, a prober learns
nothing from the answer). Both are throttled per email and per client address, the same for
unknown emails.

The token is 256 random bits, emailed once and stored only as its SHA-256; spending it is one
conditional update (`used_at IS NULL AND expires_at > now`), so it serves exactly once, also
under concurrent use. A reset, like a password change, ends the account's other sessions.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from mentorgraph.models import clock, throttle
from mentorgraph.models.accounts import validation
from mentorgraph.models.accounts.auth import PasswordReset
from mentorgraph.models.accounts.login_guard import (
    reserve_password_check,
    reserve_password_reset,
    reserve_reset_attempt,
)
from mentorgraph.models.accounts.passwords import (
    hash_password_off_loop,
    password_problem,
    verify_password_off_loop,
)
from mentorgraph.models.accounts.sessions import EndReason, end_all, token_digest
from mentorgraph.models.accounts.users import User
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications import email_templates
from mentorgraph.models.notifications.outbox import OutboxEmail

__all__ = ["change_password", "forget_spent", "request_reset", "reset_password"]


def _check_strength(password: str, field_name: str) -> None:
    problem = password_problem(password)
    if problem:
        raise RuleViolation(ErrorCode.INVALID_INPUT, problem, [field_name])


async def change_password(
    user: User, *, current_password: str, new_password: str, keep_session: int | None
) -> int:
    """Set a new password after checking the current one; ends every session but
    `keep_session` (the caller's). Returns how many sessions ended."""
    _check_strength(new_password, "newPassword")
    key = await reserve_password_check(user)
    if not await verify_password_off_loop(user.password_hash, current_password):
        raise RuleViolation(
            ErrorCode.INVALID_CREDENTIALS, "The current password is incorrect.", ["currentPassword"]
        )
    await throttle.clear(key)
    new_hash = await hash_password_off_loop(new_password)
    async with in_transaction() as connection:
        user.password_hash = new_hash
        await user.save(update_fields=["password_hash", "updated_at"], using_db=connection)
        await email_templates.password_changed(user, connection)
        # In the same transaction: a new password never coexists with the old sessions.
        return await end_all(user.id, EndReason.PASSWORD_CHANGED, keep=keep_session)


async def request_reset(*, email: str, client_address: str) -> None:
    """Email a reset link to the account with `email`, if there is one; the same answer and
    the same work when there is none. Raises PASSWORD_RESET_THROTTLED; INVALID_INPUT only for
    what is not an email address at all (it says nothing about accounts)."""
    collector = validation.Collector()
    clean = collector.clean(validation.clean_email, email)
    collector.raise_if_any()
    assert clean is not None
    await reserve_password_reset(clean, client_address)
    user = await User.get_or_none(email=clean)
    token = secrets.token_urlsafe(32)
    digest = token_digest(token)
    now = clock.now()
    async with in_transaction() as connection:
        if user is not None:
            await PasswordReset.create(
                user_id=user.id,
                token_hash=digest,
                created_at=now,
                expires_at=now + timedelta(minutes=limits().password_reset_ttl_minutes),
                using_db=connection,
            )
            await email_templates.password_reset_link(user, token, connection)
        else:
            await email_templates.password_reset_no_account(clean, connection)


def _invalid_token() -> RuleViolation:
    return RuleViolation(
        ErrorCode.INVALID_RESET_TOKEN,
        "This reset link is not valid (already used, expired, or mistyped): ask for a new one.",
        ["token"],
    )


async def reset_password(*, token: str, new_password: str, client_address: str) -> User:
    """Set a new password with an emailed token (spent by this call), ending every session of
    the account. Raises INVALID_RESET_TOKEN, INVALID_INPUT, PASSWORD_THROTTLED."""
    _check_strength(new_password, "newPassword")
    key = await reserve_reset_attempt(client_address)
    digest = token_digest(token)
    now = clock.now()
    found = await PasswordReset.get_or_none(token_hash=digest, used_at=None, expires_at__gt=now)
    if found is None:
        raise _invalid_token()
    await throttle.refund([key])  # a good token is no guess
    new_hash = await hash_password_off_loop(new_password)
    async with in_transaction() as connection:
        spent = await (
            PasswordReset.filter(id=found.id, used_at=None, expires_at__gt=now)
            .using_db(connection)
            .update(used_at=now)
        )
        if not spent:
            raise _invalid_token()  # a concurrent reset spent it first
        user = await User.get(id=found.user_id, using_db=connection)
        user.password_hash = new_hash
        await user.save(update_fields=["password_hash", "updated_at"], using_db=connection)
        # The account's other reset links die with this one.
        await (
            PasswordReset.filter(user_id=user.id, used_at=None)
            .using_db(connection)
            .update(used_at=now)
        )
        await email_templates.password_changed(user, connection)
        await end_all(user.id, EndReason.PASSWORD_RESET)
    return user


async def forget_spent(now: datetime) -> None:
    """The sweep: blank the bodies of reset emails already sent or past their token's lifetime
    (the outbox keeps what it sent; a reset link must not outlive its use there), and delete
    reset rows a day past their expiry."""
    ttl = timedelta(minutes=limits().password_reset_ttl_minutes)
    await (
        OutboxEmail.filter(
            Q(sent_at__not_isnull=True) | Q(created_at__lt=now - ttl),
            kind=email_templates.PASSWORD_RESET_KIND,
        )
        .exclude(text_body="")
        .update(text_body="", html_body="")
    )
    await PasswordReset.filter(expires_at__lt=now - timedelta(days=1)).delete()
