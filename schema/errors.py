"""`UserError` (business-rule refusals in payloads) and the helper that builds payloads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from mentorgraph.models.errors import ErrorCode, RuleViolation, RuleViolations
from mentorgraph.schema.documentation import described_enum

__all__ = ["UserError", "UserErrorCode", "payload", "user_errors_field"]

UserErrorCode = described_enum(
    ErrorCode,
    name="UserErrorCode",
    description="Why a mutation refused to act: stable, for code to branch on.",
    values={code.name: code.description for code in ErrorCode},
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
