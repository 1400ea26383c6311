"""`UserError` (business-rule refusals in payloads) and the helper that builds payloads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from models.errors import ErrorCode, RuleViolation, RuleViolations
from schema.documentation import described_enum

__all__ = ["UserError", "UserErrorCode", "payload", "user_errors_field"]

UserErrorCode = described_enum(
    ErrorCode,
    name="UserErrorCode",
    description="Why a mutation refused to act: stable, for code to branch on.",
    values={
        "INVALID_INPUT": "A value breaks a rule (length, format, range): see `field`.",
        "NOT_FOUND": "No such object, or one you may not see.",
        "FORBIDDEN": "You may not do this (sign in, or another role is needed).",
        "INVALID_TRANSITION": "The request's status does not allow this (e.g. already answered).",
        "OPEN_REQUEST_LIMIT": "You have as many open requests as a mentee may have.",
        "DUPLICATE_REQUEST": "You already have an open request (or application) like this.",
        "MENTOR_UNAVAILABLE": "The mentor does not accept new requests now.",
        "MENTOR_AT_CAPACITY": "The mentor has as many active mentees as they take.",
        "SELF_REQUEST": "You cannot ask yourself for mentorship.",
        "EMAIL_TAKEN": "An account with this email exists.",
        "INVALID_CREDENTIALS": "Wrong email or password.",
        "TOO_SOON": "Allowed, but not again so soon (e.g. an admin's reminder, a flood of"
        " messages: then see `retryAfterSeconds`).",
        "DUPLICATE_FEEDBACK": "You already left feedback on this mentorship.",
        "MESSAGE_LIMIT": "The request's message thread is full.",
        "LOGIN_THROTTLED": "Too many logIn attempts: nothing was checked; wait"
        " `retryAfterSeconds`.",
        "SIGN_UP_THROTTLED": "Too many sign-ups from here: wait `retryAfterSeconds`.",
        "PASSWORD_THROTTLED": "Too many wrong current passwords (changePassword) or reset"
        " tokens (resetPassword): nothing was checked; wait `retryAfterSeconds`.",
        "PASSWORD_RESET_THROTTLED": "Too many resets asked for this email or from here (the"
        " same whether the account exists or not): wait `retryAfterSeconds`.",
        "INVALID_REFRESH_TOKEN": "The refresh token is unknown, expired, or its session has"
        " ended: sign in again.",
        "REFRESH_TOKEN_REUSED": "The refresh token was already used: it may have been stolen,"
        " so its session has been ended. Sign in again.",
        "INVALID_RESET_TOKEN": "The reset token is unknown, already used, or expired: ask for"
        " a new one.",
        "EMAIL_NOT_VERIFIED": "Confirm your email address first (the link we emailed you;"
        " `resendVerificationEmail` sends another).",
        "INVALID_VERIFICATION_TOKEN": "The verification link is unknown, already used,"
        " expired or replaced by a newer one: ask for a new one.",
        "VERIFICATION_THROTTLED": "Too many verification emails asked for: wait"
        " `retryAfterSeconds`.",
        "ACCOUNT_CLOSING": "The account is scheduled for deletion: cancel that first"
        " (`cancelAccountDeletion`).",
        "INVALID_CANCELLATION_TOKEN": "The cancellation link is unknown, already used, or the"
        " grace period is over.",
        "EXPORT_THROTTLED": "Too many data exports asked for: wait `retryAfterSeconds`.",
        "PAUSE_IN_PAST": "A pause (`unavailableUntil`) must end in the future.",
        "PAUSE_TOO_LONG": "A pause (`unavailableUntil`) ends too far ahead: see the message.",
    },
)


@strawberry.type(description="Why a mutation refused to act; nothing was changed.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="The path of the input field at fault, from the input object (e.g."
        ' ["channels", "0", "handle"]); null when the refusal is not about one field.'
    )
    message: str = strawberry.field(description="For people: say it to the user as is.")
    code: UserErrorCode = strawberry.field(  # type: ignore[valid-type]
        description="For code: what kind of refusal."
    )
    retry_after_seconds: int | None = strawberry.field(
        default=None,
        description="For a refusal that passes with time (LOGIN_THROTTLED, SIGN_UP_THROTTLED,"
        " a TOO_SOON for a flood of messages):"
        " the seconds to wait before trying again.",
    )


def user_errors_field() -> Any:
    """The `userErrors` of every payload."""
    return strawberry.field(
        description="Why nothing was changed; empty when the mutation succeeded."
    )


def _user_errors(exc: RuleViolation | RuleViolations) -> list[UserError]:
    violations = exc.violations if isinstance(exc, RuleViolations) else [exc]
    return [
        UserError(
            field=v.field,
            message=v.message,
            code=v.code,
            retry_after_seconds=v.retry_after_seconds,
        )
        for v in violations
    ]


P = TypeVar("P")


async def payload(cls: Callable[..., P], work: Awaitable[Any], *names: str) -> P:
    """Await `work`; fill `cls` with its result under `names`, or with its userErrors.

    With several names, `work` returns a tuple of values in the same order.
    """
    try:
        result = await work
    except (RuleViolation, RuleViolations) as exc:
        return cls(**{name: None for name in names}, user_errors=_user_errors(exc))
    values = result if len(names) > 1 else (result,)
    return cls(**dict(zip(names, values, strict=True)), user_errors=[])
