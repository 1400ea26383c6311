"""The one list of what the compiler does not render, each with its reason.

A key is a type (all its fields, arguments included) or `Type.field`. Everything else in the
schema must be declared (`fields.py`); `tests/api/test_fast_reads_completeness.py` fails on a field
that is neither, and on an entry here that has become declared or no longer exists: the list
only shrinks. An operation touching an exempt field is answered by the ordinary executor.
"""

from __future__ import annotations

__all__ = ["EXEMPT", "is_exempt"]

EXEMPT: dict[str, str] = {
    # Writes are the resolvers' (rules in `models/`, transactions, outbox): never compiled. Their
    # payloads are read types of their own, declared in `payloads.py` and read compiled after
    # the write (`payload_reads.py`).
    "Mutation": "writes run in the resolvers; only their payloads are reads",
    # Pushed over WebSocket per event, one small object each: a statement per event buys nothing.
    "Subscription": "events are pushed one by one over WebSocket, not read by a query",
    # Pushed by `Subscription.notifications` only, one per notification (exempt above).
    "NotificationUpdate": "only in `Subscription.notifications`, pushed one by one",
}


def is_exempt(type_name: str, field: str) -> bool:
    return type_name in EXEMPT or f"{type_name}.{field}" in EXEMPT
