"""Writing the audit trail: one `RequestEvent` per status change, announced once committed.

`record_event` must run inside the transaction that changes the status, on its connection.
Whoever commits that transaction then calls `committed(events)`, so that listeners in this
process (the in-process event bus) learn of events only once they are durable.

Event ids are the order of the live feed and the resume cursor, so they must become visible in
id order: a reader that has seen event N must never later discover an event < N. Two status
changes could otherwise take ids 7 and 8 and commit 8 first; a subscriber resuming "after 8"
would then miss 7 for good. On PostgreSQL `record_event` therefore takes one transaction-scoped
advisory lock before the id is drawn: the transaction holding id 7 commits (or rolls back)
before any other can draw id 8, so the committed events are always a prefix of the id order
(rolled-back ids leave harmless holes). The cost is that the tails of status-change transactions
(from `record_event` to commit) run one at a time; see docs/benchmarks.md. Take every row lock
a transaction needs *before* its first `record_event`: waiting for a row lock while holding the
advisory lock can deadlock with a transaction that holds that row and waits for the advisory
lock (PostgreSQL detects it and aborts one of them). SQLite needs no lock: Tortoise runs one
transaction at a time on its single connection, and SQLite serves one process.

On PostgreSQL the event is also announced with `NOTIFY request_events, '<id>'` on the same
connection: delivered to listeners only when the transaction commits, never on rollback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.requests import (
    EventKind,
    MentorshipRequest,
    RequestEvent,
    RequestStatus,
)

__all__ = [
    "NOTIFY_CHANNEL",
    "add_commit_listener",
    "announce_commit",
    "committed",
    "events_after",
    "latest_event_id",
    "record_event",
    "remove_commit_listener",
    "take_event_order",
    "visible_events_after",
]

# The LISTEN/NOTIFY channel; the payload is the event id, nothing else.
NOTIFY_CHANNEL = "request_events"
# pg_advisory_xact_lock key serialising event ids with commits ("mgev").
EVENT_ORDER_LOCK = 0x6D676576

CommitListener = Callable[[Sequence[RequestEvent]], None]
_listeners: list[CommitListener] = []


def _is_postgres(connection: BaseDBAsyncClient) -> bool:
    return connection.capabilities.dialect == "postgres"


async def _take_order_lock(connection: BaseDBAsyncClient) -> None:
    # Held until this transaction ends; see the module docstring.
    await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [EVENT_ORDER_LOCK])


async def take_event_order(connection: BaseDBAsyncClient) -> None:
    """Other rows read in id order by the live feed (`mentorgraph.models.notifications.inbox`'s
    notifications) take the same lock before their ids are drawn, so they too commit as a prefix of
    their id order.
    Re-taking it in one transaction is free; no-op on SQLite."""
    if _is_postgres(connection):
        await _take_order_lock(connection)


async def announce_commit(connection: BaseDBAsyncClient, payload: str) -> None:
    """Ring every process's bus once this transaction commits (PostgreSQL NOTIFY on the
    event channel; the bus reads its tables whatever the payload says). No-op on SQLite,
    where `committed` rings the only process's bus."""
    if _is_postgres(connection):
        await connection.execute_query("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, payload])


async def record_event(
    request: MentorshipRequest,
    *,
    from_status: RequestStatus | None,
    to_status: RequestStatus,
    actor_id: int | None,
    note: str | None,
    connection: BaseDBAsyncClient,
    kind: EventKind = EventKind.STATUS_CHANGE,
) -> RequestEvent:
    postgres = _is_postgres(connection)
    if postgres:
        await _take_order_lock(connection)
    event = await RequestEvent.create(
        request_id=request.id,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor_id,
        occurred_at=clock.now(),
        note=note,
        kind=kind,
        using_db=connection,
    )
    if postgres:
        await connection.execute_query("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, str(event.id)])
    return event


def add_commit_listener(listener: CommitListener) -> None:
    _listeners.append(listener)


def remove_commit_listener(listener: CommitListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def committed(events: Sequence[RequestEvent]) -> None:
    """Call after the transaction that recorded `events` has committed."""
    for listener in list(_listeners):
        listener(events)


async def latest_event_id() -> int:
    last = await RequestEvent.all().order_by("-id").first()
    return last.id if last is not None else 0


async def events_after(after_id: int, limit: int) -> list[RequestEvent]:
    """Committed events after `after_id`, oldest first, with their requests loaded."""
    return (
        await RequestEvent.filter(id__gt=after_id)
        .order_by("id")
        .limit(limit)
        .prefetch_related("request")
    )


async def visible_events_after(viewer: User, after_id: int, limit: int) -> list[RequestEvent]:
    """What `viewer` may see after `after_id` (the `REQUEST` policy of
    `mentorgraph.models.policies`)."""
    events = RequestEvent.filter(id__gt=after_id)
    if not viewer.is_admin:
        events = events.filter(Q(request__mentor_id=viewer.id) | Q(request__mentee_id=viewer.id))
    return await events.order_by("id").limit(limit).prefetch_related("request")
