"""Writing the audit trail: one `RequestEvent` per status change, announced once committed.

`record_event` must run inside the transaction that changes the status, on its connection.
Whoever commits that transaction then calls `committed(events)`, so that listeners in this
process (the in-process event bus) learn of events only once they are durable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tortoise.backends.base.client import BaseDBAsyncClient

from models import clock
from models.requests import MentorshipRequest, RequestEvent, RequestStatus

__all__ = ["add_commit_listener", "committed", "record_event", "remove_commit_listener"]

CommitListener = Callable[[Sequence[RequestEvent]], None]
_listeners: list[CommitListener] = []


async def record_event(
    request: MentorshipRequest,
    *,
    from_status: RequestStatus | None,
    to_status: RequestStatus,
    actor_id: int | None,
    note: str | None,
    connection: BaseDBAsyncClient,
) -> RequestEvent:
    return await RequestEvent.create(
        request_id=request.id,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor_id,
        occurred_at=clock.now(),
        note=note,
        using_db=connection,
    )


def add_commit_listener(listener: CommitListener) -> None:
    _listeners.append(listener)


def remove_commit_listener(listener: CommitListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def committed(events: Sequence[RequestEvent]) -> None:
    """Call after the transaction that recorded `events` has committed."""
    for listener in list(_listeners):
        listener(events)
