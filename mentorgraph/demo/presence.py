"""When the demo's mentors were last seen (`models/directory/presence.py`): each came by within the
day before the seed runs, signed in, looked around and signed out, so the first sweep finds them
*there* and the silent-mentor rule sets none of them unavailable for the history's expiries and
withdrawn requests (a slow or choosy mentor's response rate tells that story, not the rule).

Written as a sign-in and sign-out leave it: an ended session (`LOG_OUT`) without refresh tokens
(nothing to sign in with), purged with the other ended sessions after `ENDED_KEPT_FOR`. The
story's silent mentor never comes (the system set them unavailable) and the paused one is away:
the rule judges neither.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from mentorgraph.demo.people import DemoPerson
from mentorgraph.demo.store import StoredPeople
from mentorgraph.demo.story import Story
from mentorgraph.models.accounts.auth import Session
from mentorgraph.models.accounts.sessions import EndReason

__all__ = ["plan_presence", "store_presence"]

# The demo's sign-ins come from the documentation's address block (RFC 5737).
ADDRESS = "192.0.2.1"
USER_AGENT = "mentorgraph demo"


def plan_presence(
    mentors: Sequence[DemoPerson], story: Story, rng: random.Random, now: datetime
) -> list[tuple[DemoPerson, datetime]]:
    """Each available mentor but the story's silent one, and when they signed out: between one
    and 24 hours before `now` (deterministic for the same `rng` seed and `now`)."""
    away = {p.email for p in (story.silent, story.paused) if p is not None}
    return [
        (mentor, (now - timedelta(hours=rng.uniform(1, 24))).replace(microsecond=0))
        for mentor in mentors
        if mentor.available and mentor.email not in away
    ]


async def store_presence(seen: list[tuple[DemoPerson, datetime]], stored: StoredPeople) -> None:
    sessions = []
    for mentor, left in seen:
        signed_in = left - timedelta(minutes=20)
        sessions.append(
            Session(
                user_id=stored.id_of(mentor),
                user_agent=USER_AGENT,
                address=ADDRESS,
                created_at=signed_in,
                last_used_at=left,
                expires_at=left,
                ended_at=left,
                end_reason=EndReason.LOG_OUT.value,
            )
        )
    await Session.bulk_create(sessions, batch_size=500)
