"""Every error code a client can meet, each declared once with what it means.

Two families, each one enum: `ErrorCode`, the business-rule refusals that mutations answer as
`userErrors` (nothing was changed), and `FaultCode`, the client faults and server conditions
answered as top-level `errors[].extensions.code` (or a WebSocket `error` message / close reason).
Each value carries its description: the GraphQL enum `UserErrorCode` and `docs/error-codes.md`
(`make docs`) are built from it, so the meaning a client reads cannot drift from the code. A code
says one thing: a new situation gets a new code, not a reused one.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DescribedCode", "ErrorCode", "FaultCode", "RuleViolation", "RuleViolations"]


class DescribedCode(StrEnum):
    """A string enum whose members are declared as `NAME = "NAME", "what it means"`."""

    description: str

    def __new__(cls, value: str, description: str = "") -> DescribedCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member


class ErrorCode(DescribedCode):
    INVALID_INPUT = "INVALID_INPUT", "A value breaks a rule (length, format, range): see `field`."
    NOT_FOUND = "NOT_FOUND", "No such object, or one you may not see."
    FORBIDDEN = "FORBIDDEN", "You may not do this (sign in, or another role is needed)."
    INVALID_TRANSITION = (
        "INVALID_TRANSITION",
        "The request's status does not allow this change (e.g. it was already answered): see"
        " the lifecycle table in docs/lifecycle.md.",
    )
    REQUEST_NOT_WAITING = (
        "REQUEST_NOT_WAITING",
        "The request no longer waits for its mentor (it was answered or closed): a reminder"
        " would nudge nobody.",
    )
    REQUEST_CLOSED = (
        "REQUEST_CLOSED",
        "The request is over (declined, cancelled, expired or completed): its thread takes no"
        " more messages.",
    )
    MENTORSHIP_NOT_COMPLETED = (
        "MENTORSHIP_NOT_COMPLETED",
        "Feedback follows a completed mentorship; this one is not completed.",
    )
    OPEN_REQUEST_LIMIT = (
        "OPEN_REQUEST_LIMIT",
        "You have as many open requests as a mentee may have.",
    )
    DUPLICATE_REQUEST = (
        "DUPLICATE_REQUEST",
        "You already have a waiting request to this mentor, or an active mentorship with them.",
    )
    APPLICATION_PENDING = (
        "APPLICATION_PENDING",
        "You already have an application to become a mentor waiting for review.",
    )
    APPLICATION_DECIDED = (
        "APPLICATION_DECIDED",
        "This mentor application was already approved or rejected.",
    )
    MENTOR_UNAVAILABLE = "MENTOR_UNAVAILABLE", "The mentor does not accept new requests now."
    MENTOR_AT_CAPACITY = (
        "MENTOR_AT_CAPACITY",
        "The mentor has as many active mentees as they take.",
    )
    SELF_REQUEST = "SELF_REQUEST", "You cannot ask yourself for mentorship."
    EMAIL_TAKEN = "EMAIL_TAKEN", "An account with this email exists."
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS", "Wrong email or password."
    TOO_SOON = (
        "TOO_SOON",
        "Allowed, but not again so soon (e.g. an admin's reminder, a flood of messages: then"
        " see `retryAfterSeconds`).",
    )
    DUPLICATE_FEEDBACK = "DUPLICATE_FEEDBACK", "You already left feedback on this mentorship."
    MESSAGE_LIMIT = "MESSAGE_LIMIT", "The request's message thread is full."
    LOGIN_THROTTLED = (
        "LOGIN_THROTTLED",
        "Too many logIn attempts: nothing was checked; wait `retryAfterSeconds`.",
    )
    SIGN_UP_THROTTLED = (
        "SIGN_UP_THROTTLED",
        "Too many sign-ups from here: wait `retryAfterSeconds`.",
    )
    PASSWORD_THROTTLED = (
        "PASSWORD_THROTTLED",
        "Too many wrong current passwords (changePassword) or reset tokens (resetPassword):"
        " nothing was checked; wait `retryAfterSeconds`.",
    )
    PASSWORD_RESET_THROTTLED = (
        "PASSWORD_RESET_THROTTLED",
        "Too many resets asked for this email or from here (the same whether the account"
        " exists or not): wait `retryAfterSeconds`.",
    )
    INVALID_REFRESH_TOKEN = (
        "INVALID_REFRESH_TOKEN",
        "The refresh token is unknown, expired, or its session has ended: sign in again.",
    )
    REFRESH_TOKEN_REUSED = (
        "REFRESH_TOKEN_REUSED",
        "The refresh token was already used: it may have been stolen, so its session has been"
        " ended. Sign in again.",
    )
    INVALID_RESET_TOKEN = (
        "INVALID_RESET_TOKEN",
        "The reset token is unknown, already used, or expired: ask for a new one.",
    )
    PAUSE_IN_PAST = "PAUSE_IN_PAST", "A pause (`unavailableUntil`) must end in the future."
    PAUSE_TOO_LONG = (
        "PAUSE_TOO_LONG",
        "A pause (`unavailableUntil`) ends too far ahead: see the message.",
    )
    EMAIL_NOT_VERIFIED = (
        "EMAIL_NOT_VERIFIED",
        "Confirm your email address first (the link we emailed you; `resendVerificationEmail`"
        " sends another).",
    )
    INVALID_VERIFICATION_TOKEN = (
        "INVALID_VERIFICATION_TOKEN",
        "The verification link is unknown, already used, expired or replaced by a newer one:"
        " ask for a new one.",
    )
    VERIFICATION_THROTTLED = (
        "VERIFICATION_THROTTLED",
        "Too many verification emails asked for: wait `retryAfterSeconds`.",
    )
    ACCOUNT_CLOSING = (
        "ACCOUNT_CLOSING",
        "The account is scheduled for deletion: cancel that first (`cancelAccountDeletion`).",
    )
    INVALID_CANCELLATION_TOKEN = (
        "INVALID_CANCELLATION_TOKEN",
        "The cancellation link is unknown, already used, or the grace period is over.",
    )
    EXPORT_THROTTLED = (
        "EXPORT_THROTTLED",
        "Too many data exports asked for: wait `retryAfterSeconds`.",
    )
    EXPORT_TOO_LARGE = (
        "EXPORT_TOO_LARGE",
        "The export is larger than an email attachment may be (`EMAIL_ATTACHMENT_MAX_BYTES`):"
        " read it through `exportMyData` instead.",
    )
    ACCOUNT_SUSPENDED = (
        "ACCOUNT_SUSPENDED",
        "The account is suspended until the time in the message.",
    )
    ACCOUNT_BANNED = "ACCOUNT_BANNED", "The account is banned."
    BLOCKED_MEMBER = "BLOCKED_MEMBER", "You blocked this member: unblock them first."
    DUPLICATE_REPORT = (
        "DUPLICATE_REPORT",
        "You already have an open report about this member or request.",
    )


class FaultCode(DescribedCode):
    BAD_USER_INPUT = (
        "BAD_USER_INPUT",
        "The request itself is malformed: not JSON, a missing or empty query, a variable of the"
        " wrong type, an argument out of range, a document that does not validate.",
    )
    UNAUTHENTICATED = (
        "UNAUTHENTICATED",
        "The operation needs a signed-in viewer, or the token sent is invalid, expired or of an"
        " ended session (HTTP 401 when the token itself is refused).",
    )
    FORBIDDEN = "FORBIDDEN", "The viewer is signed in but may not read this."
    QUERY_TOO_COMPLEX = (
        "QUERY_TOO_COMPLEX",
        "The document exceeds a limit (depth, aliases, tokens, fields, cost): refused before"
        " it ran; `extensions.cost` and `budget` say by how much where cost was the limit.",
    )
    UNSUPPORTED_MEDIA_TYPE = (
        "UNSUPPORTED_MEDIA_TYPE",
        "The body was sent with a media type other than application/json (HTTP 415).",
    )
    PERSISTED_QUERY_NOT_FOUND = (
        "PERSISTED_QUERY_NOT_FOUND",
        "The hash sent is not registered: send the document with it (Apollo's link does).",
    )
    PERSISTED_QUERY_NOT_SUPPORTED = (
        "PERSISTED_QUERY_NOT_SUPPORTED",
        "Persisted queries are turned off on this server: send full documents.",
    )
    PERSISTED_QUERY_NOT_REGISTERED = (
        "PERSISTED_QUERY_NOT_REGISTERED",
        "This server runs only registered operations, and this one is not.",
    )
    PERSISTED_QUERY_HASH_MISMATCH = (
        "PERSISTED_QUERY_HASH_MISMATCH",
        "The document's sha256 is not the hash sent with it.",
    )
    TOO_MANY_SOCKETS = (
        "TOO_MANY_SOCKETS",
        "This address or account holds as many WebSockets as it may (HTTP 429 on the upgrade,"
        " or close code 4429).",
    )
    TOO_MANY_OPERATIONS = (
        "TOO_MANY_OPERATIONS",
        "This WebSocket has as many operations in flight as it may; the socket stays open.",
    )
    SUBSCRIBER_TOO_SLOW = (
        "SUBSCRIBER_TOO_SLOW",
        "The subscription fell further behind than its queue holds; resubscribe with `after`"
        " to resume where it stopped.",
    )
    SERVICE_UNAVAILABLE = (
        "SERVICE_UNAVAILABLE",
        "The database is briefly unavailable (HTTP 503 with Retry-After, or WebSocket close"
        " 1013): try again shortly.",
    )
    INTERNAL_SERVER_ERROR = (
        "INTERNAL_SERVER_ERROR",
        "Something failed on our side; the message says nothing more, the server's log has"
        " the detail under the request's id.",
    )


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
