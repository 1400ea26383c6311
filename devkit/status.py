"""Status changes the way the lifecycle mutations make them: the update and its event in one
transaction (`record_event`, which also NOTIFYs on PostgreSQL), then `committed` after commit.

Written straight to the database, so a server process learns of them only through its event
bus, exactly as it learns of a mutation served by another process.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from mentorgraph.models import clock
from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests.events import committed, record_event
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent, RequestStatus

__all__ = ["RolledBack", "change_status"]


class RolledBack(Exception):
    pass


async def change_status(
    request: MentorshipRequest,
    to_status: RequestStatus,
    *,
    actor: User | None = None,
    note: str | None = None,
    roll_back: bool = False,
) -> RequestEvent:
    """Move `request` to `to_status` (no rules checked); with `roll_back`, undo it all."""
    try:
        async with in_transaction() as connection:
            row = (
                await MentorshipRequest.select_for_update().using_db(connection).get(id=request.id)
            )
            event = await record_event(
                row,
                from_status=row.status,
                to_status=to_status,
                actor_id=actor.id if actor else None,
                note=note,
                connection=connection,
            )
            row.status = to_status
            row.updated_at = clock.now()
            await row.save(using_db=connection, update_fields=["status", "updated_at"])
            if roll_back:
                raise RolledBack
    except RolledBack:
        return event
    committed([event])
    request.status = to_status
    return event
