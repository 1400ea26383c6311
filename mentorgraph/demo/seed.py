"""`mentorgraph seed-demo`: plan the demo, write it in one transaction, print how to log in.

The demo is built in steps, each drawing from its own seeded `random.Random` so that adding a step
never changes what the earlier ones produce: the people, then their mentorship requests
(`mentorgraph/demo/requests.py`), built on `StoredPeople`, then the story a first look should
find (`mentorgraph/demo/story.py`: the demo mentor's mentees, a silent and a paused mentor),
then when the mentors were last seen (`mentorgraph/demo/presence.py`: the first sweep finds them
there, and sets none unavailable).
"""

from __future__ import annotations

import random
import sys
import time
from typing import TextIO

from tortoise.transactions import in_transaction

from mentorgraph.demo.people import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    SEED,
    DemoPeople,
    plan_people,
    validated,
)
from mentorgraph.demo.presence import plan_presence, store_presence
from mentorgraph.demo.progress import Progress
from mentorgraph.demo.requests import plan_requests, store_requests
from mentorgraph.demo.store import StoredPeople, store_people
from mentorgraph.demo.story import Story, plan_story
from mentorgraph.demo.story_store import store_story
from mentorgraph.models import clock
from mentorgraph.models.accounts.passwords import hash_password
from mentorgraph.models.accounts.users import User

__all__ = ["seed_demo"]


async def seed_demo(
    *,
    mentors: int = 200,
    only_if_empty: bool,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Load the demo directory; the exit status of `mentorgraph seed-demo`.

    With `only_if_empty`, a database that has any user is left alone (first-run seeding).
    """
    out = out or sys.stdout
    err = err or sys.stderr
    if only_if_empty and await User.exists():
        print("The database already has users: demo data not loaded.", file=err)
        return 0
    try:
        people = plan_people(mentors)
    except ValueError as exc:
        print(exc, file=err)
        return 2
    everyone = [validated(p) for p in (people.admin, *people.mentors, *people.mentees)]
    clash = await User.filter(email__in=[p.email for p in everyone]).first()
    if clash is not None:
        print(
            f"{clash.email} exists already, so the demo data seems loaded."
            " Start from an empty database to load it again.",
            file=err,
        )
        return 1

    started = time.perf_counter()
    # Hashing is deliberately slow: one hash serves every demo account.
    password_hash = hash_password(DEMO_PASSWORD)
    stored = StoredPeople()
    # One transaction: an interrupted seed leaves nothing, so `--if-empty` retries it next time.
    async with in_transaction():
        await store_people(everyone[:1], password_hash, stored)
        mentor_rows = everyone[1 : 1 + len(people.mentors)]
        progress = Progress("mentors", len(mentor_rows), err)
        await store_people(mentor_rows, password_hash, stored, progress)
        progress.finish()
        progress = Progress("mentees", len(people.mentees), err)
        await store_people(everyone[1 + len(people.mentors) :], password_hash, stored, progress)
        progress.finish()
        # Further steps go here, each with its own Random.
        now = clock.now()
        requests = plan_requests(people, random.Random(f"{SEED}/requests"), now)
        story = plan_story(people, requests, now)
        await store_story(story, await store_requests(story.requests, stored), stored)
        seen = plan_presence(people.mentors, story, random.Random(f"{SEED}/presence"), now)
        await store_presence(seen, stored)
    _print_welcome(people, story, time.perf_counter() - started, out)
    return 0


def _print_welcome(people: DemoPeople, story: Story, seconds: float, out: TextIO) -> None:
    mentor, mentee = people.mentors[0], people.mentees[0]
    others = "".join(
        f"  {role:<7} {person.email:<22} {person.name}: {what}\n"
        for role, person, what in (
            ("silent", story.silent, "set unavailable by the system"),
            ("paused", story.paused, "taking a break"),
        )
        if person is not None
    )
    print(
        f"Loaded the demo in {seconds:.1f} s: {len(people.mentors)} mentors,"
        f" {len(people.mentees)} mentees, 1 admin and their mentorship requests.\n"
        f"Every demo account has the password {DEMO_PASSWORD}\n"
        f"  admin   {people.admin.email:<22} {people.admin.name}\n"
        f"  mentor  {mentor.email:<22} {mentor.name}\n"
        f"  mentee  {mentee.email:<22} {mentee.name}\n"
        f"{others}"
        "Log in with the logIn mutation in GraphiQL, or get a bearer token with\n"
        f"  mentorgraph token --email {ADMIN_EMAIL}",
        file=out,
    )
