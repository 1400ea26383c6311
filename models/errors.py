"""Business-rule refusals. Raised by the rules in `models/`, shown to clients as `userErrors`."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ErrorCode", "RuleViolation", "RuleViolations"]


class ErrorCode(StrEnum):
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    OPEN_REQUEST_LIMIT = "OPEN_REQUEST_LIMIT"
    DUPLICATE_REQUEST = "DUPLICATE_REQUEST"
    MENTOR_UNAVAILABLE = "MENTOR_UNAVAILABLE"
    MENTOR_AT_CAPACITY = "MENTOR_AT_CAPACITY"
    SELF_REQUEST = "SELF_REQUEST"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    # Allowed, but not again so soon (an admin's reminder: once a day per request).
    TOO_SOON = "TOO_SOON"
    DUPLICATE_FEEDBACK = "DUPLICATE_FEEDBACK"
    # A request's message thread holds as many messages as it may (`models.request_messages`).
    MESSAGE_LIMIT = "MESSAGE_LIMIT"
    # Too many attempts: nothing was checked; try again after `retryAfterSeconds`.
    LOGIN_THROTTLED = "LOGIN_THROTTLED"
    SIGN_UP_THROTTLED = "SIGN_UP_THROTTLED"
    PASSWORD_THROTTLED = "PASSWORD_THROTTLED"
    PASSWORD_RESET_THROTTLED = "PASSWORD_RESET_THROTTLED"
    # Sessions and password resets (issue 16).
    INVALID_REFRESH_TOKEN = "INVALID_REFRESH_TOKEN"
    REFRESH_TOKEN_REUSED = "REFRESH_TOKEN_REUSED"
    INVALID_RESET_TOKEN = "INVALID_RESET_TOKEN"
    # Email verification and leaving (issue 16; `docs/accounts.md`).
    EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"
    INVALID_VERIFICATION_TOKEN = "INVALID_VERIFICATION_TOKEN"
    VERIFICATION_THROTTLED = "VERIFICATION_THROTTLED"
    ACCOUNT_CLOSING = "ACCOUNT_CLOSING"
    INVALID_CANCELLATION_TOKEN = "INVALID_CANCELLATION_TOKEN"
    EXPORT_THROTTLED = "EXPORT_THROTTLED"
    # A mentor's pause (`unavailableUntil`) must end in the future, and within the limit.
    PAUSE_IN_PAST = "PAUSE_IN_PAST"
    PAUSE_TOO_LONG = "PAUSE_TOO_LONG"


class RuleViolation(Exception):
    """One refused rule: what was wrong (`message`), where (`field`), and a stable `code`;
    for a refusal that passes with time, the seconds until trying again may succeed."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        field: list[str] | None = None,
        *,
        retry_after_seconds: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.retry_after_seconds = retry_after_seconds

    def __repr__(self) -> str:
        return f"RuleViolation({self.code}, {self.message!r}, field={self.field})"


class RuleViolations(Exception):
    """Several violations found at once (input validation reports every bad field)."""

    def __init__(self, violations: list[RuleViolation]) -> None:
        super().__init__("; ".join(v.message for v in violations))
        self.violations = violations
