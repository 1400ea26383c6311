"""Email verification (issue 16): a member confirms their address by an emailed single-use link
before they may send requests or be listed as a mentor.

`users.email_verified` is the one stored fact: false only while a sign-up's address waits for
its confirmation. The listings (directory, spotlight, recommendations, suggestions, compiled
and ordinary) all read one rule, `models/directory/listing.py`'s `offered` (`is_mentor AND
available`); an unverified member is never available (`listing.ensure_may_be_listed`, checked
wherever availability turns on), so none of them needs a second condition. Sending a request checks
`ensure_may_ask`.

Changing the address: the old one stays the account's (and stays verified) until the new one
is confirmed from its own inbox; the link names the address it confirms, so an old link can
never confirm another. The old address is told of the change. With
`REQUIRE_EMAIL_VERIFICATION=false` sign-ups are verified at once and a change applies at once.
"""

from __future__ import annotations

from datetime import timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from mentorgraph.models import throttle
from mentorgraph.models.accounts import account_emails, validation
from mentorgraph.models.accounts.account_tokens import Purpose, issue_token, spend_token
from mentorgraph.models.accounts.auth import AccountToken
from mentorgraph.models.accounts.login_guard import (
    reserve_password_check,
    reserve_verification_email,
)
from mentorgraph.models.accounts.passwords import verify_password_off_loop
from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.listing import ensure_may_be_listed
from mentorgraph.models.errors import ErrorCode, RuleViolation
from mentorgraph.models.limits import limits
from mentorgraph.models.requests.request_guards import lock_user

__all__ = [
    "change_email",
    "ensure_may_ask",
    "pending_address",
    "resend",
    "send_link",
    "verify_email",
]


def ensure_may_ask(user: User) -> None:
    """Raises unless the member may send a mentorship request (verified, not leaving)."""
    ensure_may_be_listed(user, "mentorId")


def _ttl() -> timedelta:
    return timedelta(hours=limits().email_verification_ttl_hours)


async def send_link(conn: BaseDBAsyncClient, user: User, address: str) -> None:
    """Issue a link confirming `address` for the account and queue its email, on `conn`."""
    token = await issue_token(conn, user.id, Purpose.VERIFY_EMAIL, _ttl(), email=address)
    await account_emails.verify_email(user, address, token, conn)


async def pending_address(user: User) -> str | None:
    """The address waiting for confirmation: a change's new one (the newest link's, while it
    is unused), else the account's own while unverified; None when nothing waits."""
    latest = (
        await AccountToken.filter(user_id=user.id, purpose=Purpose.VERIFY_EMAIL.value)
        .order_by("-id")
        .first()
    )
    if latest is not None and latest.used_at is None and latest.email != user.email:
        return latest.email
    return None if user.email_verified else user.email


async def resend(user: User) -> bool:
    """Email a new link for the address waiting (older links stop working); counted per
    account (VERIFICATION_THROTTLED) before anything is looked up. Returns whether an email
    was sent (nothing waits: nothing to send). It acts on the viewer's own account only, so it
    tells nobody anything about other accounts."""
    await reserve_verification_email(user.id)
    address = await pending_address(user)
    if address is None:
        return False
    async with in_transaction() as conn:
        await send_link(conn, user, address)
    return True


def _taken() -> RuleViolation:
    return RuleViolation(
        ErrorCode.EMAIL_TAKEN, "An account with this email already exists.", ["newEmail"]
    )


async def change_email(user: User, *, new_email: str, password: str) -> bool:
    """Ask to use `new_email`, after checking the password (PASSWORD_THROTTLED after wrong
    ones). With verification required, a link goes to the new address and a notice to the old
    one, and the account keeps its address until the link is used (returns False); otherwise
    the address changes now (returns True)."""
    collector = validation.Collector()
    clean = collector.clean(validation.clean_email, new_email, field="newEmail")
    collector.raise_if_any()
    assert clean is not None
    if clean == user.email:
        raise RuleViolation(ErrorCode.INVALID_INPUT, "This is already your email.", ["newEmail"])
    key = await reserve_password_check(user)
    if not await verify_password_off_loop(user.password_hash, password):
        raise RuleViolation(
            ErrorCode.INVALID_CREDENTIALS, "The password is incorrect.", ["password"]
        )
    await throttle.clear(key)
    if await User.filter(email=clean).exists():
        raise _taken()
    if not limits().require_email_verification:
        try:
            updated = await User.filter(id=user.id).update(email=clean)
        except IntegrityError:
            raise _taken() from None
        user.email = clean if updated else user.email
        return True
    await reserve_verification_email(user.id)
    async with in_transaction() as conn:
        await send_link(conn, user, clean)
        await account_emails.email_change_requested(user, clean, conn)
    return False


def _invalid_token() -> RuleViolation:
    return RuleViolation(
        ErrorCode.INVALID_VERIFICATION_TOKEN,
        "This confirmation link is not valid (already used, expired, replaced by a newer one,"
        " or mistyped): ask for a new one.",
        ["token"],
    )


async def verify_email(token: str) -> User:
    """Confirm the address an emailed link names, spending it: the account is verified, and a
    change's new address replaces the old. Raises INVALID_VERIFICATION_TOKEN (unknown, used,
    expired, replaced, or the account is gone), EMAIL_TAKEN (another account took the address
    meanwhile; the link stays usable)."""
    try:
        async with in_transaction() as conn:
            row = await spend_token(conn, token, Purpose.VERIFY_EMAIL)
            if row is None:
                raise _invalid_token()
            user = await lock_user(conn, row.user_id)
            if user is None or user.deleted_at is not None:
                raise _invalid_token()
            await (
                User.filter(id=user.id).using_db(conn).update(email=row.email, email_verified=True)
            )
            user.email, user.email_verified = row.email, True
    except IntegrityError:
        # The unique index: another account has the address now.
        raise RuleViolation(
            ErrorCode.EMAIL_TAKEN, "An account with this email already exists.", ["token"]
        ) from None
    return user
