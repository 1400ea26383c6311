"""The demo's people, planned in memory: one admin, the mentors, the mentees.

Pure and deterministic: the same number of mentors always gives the same people (each role draws
from its own seeded `random.Random`, never from global state or set order). Every profile passes
the validators real input goes through (`validated`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from mentorgraph.demo.handles import avatar_url, channel_handle, unique_email
from mentorgraph.demo.names import NAMES
from mentorgraph.demo.places import COUNTRIES, Country
from mentorgraph.demo.vocabulary import (
    CAREER_TAGS,
    COMPANIES,
    HOBBIES,
    MENTEE_GOALS,
    MENTEE_TITLES,
    OFFERS,
    SENIORITY,
    TRACKS,
    Track,
)
from mentorgraph.models.accounts import validation
from mentorgraph.models.accounts.users import ChannelType

__all__ = [
    "ADMIN_EMAIL",
    "BASE_TIME",
    "DEMO_PASSWORD",
    "MENTEE_EMAIL",
    "MENTOR_EMAIL",
    "SEED",
    "DemoPeople",
    "DemoPerson",
    "mentee_count",
    "plan_people",
    "validated",
]

T = TypeVar("T")

DEMO_PASSWORD = "mentorgraph-demo-1"
ADMIN_EMAIL = "admin@example.org"
MENTOR_EMAIL = "mentor@example.org"
MENTEE_EMAIL = "mentee@example.org"
# Fixed, so that timestamps (and the NEWEST order) are the same on every run.
BASE_TIME = datetime(2026, 11, 1, tzinfo=UTC)
SEED = "mentorgraph-demo"

# (channel type, chance a mentor lists it), in the order they are listed.
CHANNEL_ODDS: tuple[tuple[ChannelType, float], ...] = (
    (ChannelType.LINKEDIN, 0.7),
    (ChannelType.GITHUB, 0.55),
    (ChannelType.EMAIL, 0.35),
    (ChannelType.SLACK, 0.25),
    (ChannelType.TWITTER, 0.25),
    (ChannelType.WEBSITE, 0.2),
)
# How many mentees a mentor takes at once, relatively; 0 means "not now".
CAPACITY_WEIGHTS: tuple[tuple[int, int], ...] = (
    (0, 3), (1, 12), (2, 25), (3, 30), (4, 12), (5, 10), (8, 5), (10, 3),
)  # fmt: skip


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    created_at: datetime
    title: str = ""
    bio: str = ""
    country: str | None = None
    languages: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    channels: tuple[tuple[ChannelType, str], ...] = ()
    avatar_url: str | None = None
    is_mentor: bool = False
    is_admin: bool = False
    available: bool = True
    capacity: int = 3


@dataclass(frozen=True)
class DemoPeople:
    admin: DemoPerson
    mentors: tuple[DemoPerson, ...]
    mentees: tuple[DemoPerson, ...] = field(default=())


def mentee_count(mentors: int) -> int:
    return max(3, round(mentors / 4))


def _weighted(rng: random.Random, items: Sequence[tuple[T, int]]) -> T:
    return rng.choices([item for item, _ in items], [weight for _, weight in items])[0]


def _distinct(rng: random.Random, items: Sequence[tuple[T, int]], k: int) -> list[T]:
    """k different items, each drawn by weight from those not drawn yet."""
    pool = list(items)
    chosen: list[T] = []
    while pool and len(chosen) < k:
        index = rng.choices(range(len(pool)), [weight for _, weight in pool])[0]
        chosen.append(pool.pop(index)[0])
    return chosen


def _home(rng: random.Random) -> tuple[Country, str, str, tuple[str, ...]]:
    """A country, given and family names from its region, and the languages listed."""
    country = _weighted(rng, [(c, c.weight) for c in COUNTRIES])
    given, family = NAMES[country.region]
    languages = tuple(code for code, odds in country.languages if rng.random() < odds)
    return country, rng.choice(given), rng.choice(family), languages


def _mentor_tags(rng: random.Random, track: Track) -> list[str]:
    tags = _distinct(rng, track.tags, rng.randint(2, 5))
    if rng.random() < 0.3:
        other = _weighted(rng, [(t, t.weight) for t in TRACKS if t is not track])
        tags += [t for t in _distinct(rng, other.tags, rng.randint(1, 2)) if t not in tags]
    if rng.random() < 0.65:
        tags += [t for t in _distinct(rng, CAREER_TAGS, rng.randint(1, 3)) if t not in tags]
    return tags


def _mentor(rng: random.Random, email: str | None, taken: set[str], at: datetime) -> DemoPerson:
    country, given, family, languages = _home(rng)
    track = _weighted(rng, [(t, t.weight) for t in TRACKS])
    role = rng.choice(track.roles)
    if track.name == "leadership":
        prefix, years = "", rng.randint(8, 20)
    else:
        prefix, _, low, high = _weighted(rng, [(s, s[1]) for s in SENIORITY])
        years = rng.randint(low, high)
    title = f"{prefix}{role}"
    if prefix != "Freelance " and rng.random() < 0.75:
        title += f" at {rng.choice(COMPANIES)}"
    tags = _mentor_tags(rng, track)
    shown = tags[:3]
    helps = ", ".join(shown[:-1]) + f" and {shown[-1]}"
    bio = [
        f"{prefix}{role} with {years} years of experience {track.doing}.",
        f"I can help with {helps}.",
        rng.choice(OFFERS),
    ]
    if rng.random() < 0.5:
        bio.append(rng.choice(HOBBIES))
    kinds = [kind for kind, odds in CHANNEL_ODDS if rng.random() < odds][:4] or [
        ChannelType.LINKEDIN
    ]
    capacity = _weighted(rng, CAPACITY_WEIGHTS)
    available = capacity > 0 and rng.random() < 0.85
    if email is not None:
        # The well-known demo mentor must take requests, so a first try in GraphiQL works.
        capacity, available = max(capacity, 3), True
    name = f"{given} {family}"
    return DemoPerson(
        email=email or unique_email(given, family, taken),
        name=name,
        created_at=at,
        title=title,
        bio=" ".join(bio),
        country=country.code,
        languages=languages,
        tags=tuple(tags),
        channels=tuple((kind, channel_handle(kind, given, family, rng)) for kind in kinds),
        avatar_url=avatar_url(name) if rng.random() < 0.65 else None,
        is_mentor=True,
        available=available,
        capacity=capacity,
    )


def _mentee(rng: random.Random, email: str | None, taken: set[str], at: datetime) -> DemoPerson:
    country, given, family, languages = _home(rng)
    track = _weighted(rng, [(t, t.weight) for t in TRACKS])
    tags = _distinct(rng, track.tags, rng.randint(1, 3))
    if rng.random() < 0.5:
        tags += _distinct(rng, CAREER_TAGS, 1)
    title = rng.choice(MENTEE_TITLES)
    name = f"{given} {family}"
    return DemoPerson(
        email=email or unique_email(given, family, taken),
        name=name,
        created_at=at,
        title=title,
        bio=f"{title}. Looking for guidance on {rng.choice(MENTEE_GOALS)}.",
        country=country.code,
        languages=languages,
        tags=tuple(dict.fromkeys(tags)),
        avatar_url=avatar_url(name) if rng.random() < 0.4 else None,
    )


def _spread(rng: random.Random, start: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` increasing whole-second times between start and end, slightly irregular."""
    step = (end - start) / max(count, 1)
    return [(start + step * (i + rng.random() * 0.9)).replace(microsecond=0) for i in range(count)]


def plan_people(mentors: int) -> DemoPeople:
    """The demo's people, oldest account first. The first mentor and mentee get the well-known
    addresses printed at the end of seeding."""
    if mentors < 1:
        raise ValueError("The demo needs at least one mentor.")
    taken = {ADMIN_EMAIL, MENTOR_EMAIL, MENTEE_EMAIL}
    admin = DemoPerson(
        email=ADMIN_EMAIL,
        name="Alex Morgan",
        created_at=BASE_TIME - timedelta(days=730),
        title="Community Manager",
        bio="Keeps the mentorgraph demo community friendly and its directory tidy.",
        country="GB",
        languages=("en",),
        is_admin=True,
    )
    rng = random.Random(f"{SEED}/mentors")
    times = _spread(rng, BASE_TIME - timedelta(days=720), BASE_TIME - timedelta(days=60), mentors)
    planned = tuple(
        _mentor(rng, MENTOR_EMAIL if i == 0 else None, taken, at) for i, at in enumerate(times)
    )
    rng = random.Random(f"{SEED}/mentees")
    count = mentee_count(mentors)
    times = _spread(rng, BASE_TIME - timedelta(days=60), BASE_TIME, count)
    mentees = tuple(
        _mentee(rng, MENTEE_EMAIL if i == 0 else None, taken, at) for i, at in enumerate(times)
    )
    return DemoPeople(admin=admin, mentors=planned, mentees=mentees)


def validated(person: DemoPerson) -> DemoPerson:
    """The person as the real validators normalise it; raises RuleViolation like real input."""
    channels = validation.clean_channels(person.channels) if person.channels else []
    return replace(
        person,
        email=validation.clean_email(person.email),
        name=validation.clean_name(person.name),
        title=validation.clean_title(person.title),
        bio=validation.clean_bio(person.bio),
        country=validation.clean_country(person.country),
        languages=tuple(validation.clean_languages(person.languages)),
        tags=tuple(validation.clean_tags(person.tags)) if person.tags else (),
        channels=tuple(channels),
        avatar_url=validation.clean_avatar_url(person.avatar_url),
        capacity=validation.clean_capacity(person.capacity),
    )
