"""Brings the outbox's emails to the simulated people, who act on what they read.

The rules queue every email in the outbox in the transaction of the change it announces; the
postman reads the rows queued since its last round (in order) and hands each to its recipient.
A mentor learns of a request from its email, as a real one does: a rule that sent no email
would leave them in the dark here too.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.resolvers.ids import decode_global_id
from mentorgraph.simulate import mentees, mentors
from mentorgraph.simulate.world import World

__all__ = ["Postman", "suggested_mentor_ids"]

# Links to mentors' profiles in an email: `/mentors/<id>` (a number or a global id).
_PROFILE = re.compile(r"/mentors/([A-Za-z0-9_=-]+)")


def suggested_mentor_ids(text: str) -> list[int]:
    ids = []
    for token in _PROFILE.findall(text):
        if token.isdigit():
            ids.append(int(token))
            continue
        try:
            kind, pk = decode_global_id(token)
        except Exception:  # not an id of ours: some other link
            continue
        if kind == "User":
            ids.append(int(pk))
    return list(dict.fromkeys(ids))


class Postman:
    def __init__(self, world: World) -> None:
        self.world = world
        self.last_id = 0
        self.delivered = 0
        self._handlers: dict[str, Callable[[int, str], Awaitable[None]]] = {
            "request_new": lambda to, _: mentors.on_new_request(world, to),
            "request_reminder": lambda to, _: mentors.on_reminder(world, to),
            "mentor_unavailable": lambda to, _: mentors.on_flagged(world, to),
            "request_approved": lambda to, _: mentees.on_approved(world, to),
            "request_declined": lambda to, text: mentees.on_answer(
                world, to, suggested_mentor_ids(text), "decline email"
            ),
            "request_expired_mentee": lambda to, text: mentees.on_answer(
                world, to, suggested_mentor_ids(text), "expiry email"
            ),
        }

    async def round(self) -> None:
        rows = (
            await OutboxEmail.filter(id__gt=self.last_id)
            .order_by("id")
            .values_list("id", "kind", "to_email", "text_body")
        )
        for email_id, kind, to_email, text in rows:
            self.last_id = int(email_id)
            self.delivered += 1
            recipient = self.world.by_email.get(str(to_email))
            handler = self._handlers.get(str(kind))
            if recipient is not None and handler is not None:
                await handler(recipient, str(text))
