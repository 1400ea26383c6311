"""signUp, logIn, updateProfile, setAvailability."""

from __future__ import annotations

from models import accounts
from models.accounts import LoginThrottled, ProfileChanges
from models.errors import ErrorCode, RuleViolation
from models.users import User
from models.validation import MAX_EMAIL_LENGTH
from resolvers.context import Context
from resolvers.errors import RateLimited

__all__ = ["log_in", "set_availability", "sign_up", "update_profile"]


async def sign_up(ctx: Context, *, email: str, password: str, name: str) -> tuple[str, User]:
    user = await accounts.sign_up(email=email, password=password, name=name)
    return ctx.sign_in(user), user


async def log_in(ctx: Context, *, email: str, password: str) -> tuple[str, User]:
    if len(email.strip()) > MAX_EMAIL_LENGTH:
        # No account has such an address (sign-up refuses it), and it would not fit the
        # attempts' key: wrong credentials, without a look at the database.
        raise RuleViolation(
            ErrorCode.INVALID_CREDENTIALS, "Email or password is incorrect.", ["password"]
        )
    try:
        user = await accounts.authenticate(
            email=email, password=password, client_address=ctx.client_address
        )
    except LoginThrottled as throttled:
        raise RateLimited(str(throttled), retryAfter=throttled.retry_after_seconds) from None
    return ctx.sign_in(user), user


async def update_profile(ctx: Context, changes: ProfileChanges) -> User:
    return await accounts.update_profile(ctx.require_viewer(), changes)


async def set_availability(ctx: Context, available: bool) -> User:
    return await accounts.set_availability(ctx.require_viewer(), available)
