"""The one list of what the compiler does not render, each with its reason.

A key is a type (all its fields, arguments included) or `Type.field`. Everything else in the
schema must be declared (`fields.py`); `tests/test_fast_reads_completeness.py` fails on a field
that is neither, and on an entry here that has become declared or no longer exists: the list
only shrinks. An operation touching an exempt field is answered by the ordinary executor.
"""

from __future__ import annotations

__all__ = ["EXEMPT", "is_exempt"]

_PENDING = (
    "a mutation's payload: resolved by Strawberry after the write (not compiled yet, issue 12)"
)

EXEMPT: dict[str, str] = {
    # Writes are the resolvers' (rules in `models/`, transactions, outbox): never compiled. Their
    # payloads are read types of their own, listed below until part B reads them compiled.
    "Mutation": "writes run in the resolvers; only their payloads are reads",
    # Pushed over WebSocket per event, one small object each: a statement per event buys nothing.
    "Subscription": "events are pushed one by one over WebSocket, not read by a query",
    # Never reached by a query's data: only mutation payloads hold them.
    "UserError": "only in mutation payloads, built by the resolvers from the rule violated",
    "AuthPayload": "signUp/logIn issue a token: a write's result, never a read",
    # Mutation payloads: the write runs in the resolvers and Strawberry resolves the payload's
    # selection after it. Compiling it means reading that selection with this compiler after the
    # write, in the write's transaction, and answering the mutation without the executor's
    # sub-field resolution; not done yet. Every query type is compiled.
    "AddFavoriteMentorPayload": _PENDING,
    "ApplyToMentorPayload": _PENDING,
    "ApproveMentorshipRequestPayload": _PENDING,
    "CancelMentorshipRequestPayload": _PENDING,
    "CancelOtherMentorshipRequestsPayload": _PENDING,
    "CompleteMentorshipPayload": _PENDING,
    "CreateMentorshipRequestPayload": _PENDING,
    "DeclineMentorshipRequestPayload": _PENDING,
    "LeaveMentorshipFeedbackPayload": _PENDING,
    "MarkMentorshipRequestViewedPayload": _PENDING,
    "RemoveFavoriteMentorPayload": _PENDING,
    "ReviewMentorApplicationPayload": _PENDING,
    "SendMentorReminderPayload": _PENDING,
    "SetAvailabilityPayload": _PENDING,
    "SetMentorAvailabilityPayload": _PENDING,
    "UpdateProfilePayload": _PENDING,
    "ChangePasswordPayload": _PENDING,
    "EndSessionsPayload": _PENDING,
    "PasswordResetPayload": _PENDING,
    "SendMentorshipRequestMessagePayload": _PENDING,
    "AccountFlowPayload": _PENDING,
    "ResendVerificationEmailPayload": _PENDING,
    "ChangeEmailPayload": _PENDING,
    "ExportMyDataPayload": _PENDING,
    "DeleteAccountPayload": _PENDING,
    # The viewer's own sessions: `current` compares each with the session of the request's token,
    # which the statement is not given; a short list read rarely (a settings page).
    "Query.sessions": "`Session.current` needs the token's session, not given to the statement",
    "Session": "only reached through `Query.sessions` (exempt above)",
}


def is_exempt(type_name: str, field: str) -> bool:
    return type_name in EXEMPT or f"{type_name}.{field}" in EXEMPT
