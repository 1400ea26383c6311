"""Who takes part in a simulation: mentors with habits, mentees with an arrival time. Pure and
seeded: the same `Population` for the same configuration, whatever the process.

A mentor's habit is written into their email address (`silent-0007@mentor.sim`), so the
measurements read who was silent from the database alone (`outcomes.py`), as an auditor could.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from mentorgraph.demo.vocabulary import CAREER_TAGS, TRACKS
from mentorgraph.simulate.config import SimConfig

__all__ = [
    "MENTEE_DOMAIN",
    "MENTOR_DOMAIN",
    "Habit",
    "Holiday",
    "SimMentee",
    "SimMentor",
    "habit_of",
    "plan_population",
]

MENTOR_DOMAIN = "mentor.sim"
MENTEE_DOMAIN = "mentee.sim"
MINUTE = 60
T = TypeVar("T")


class Habit(StrEnum):
    """How a mentor answers: within hours, within a couple of days, late (often only after a
    reminder), or never."""

    PROMPT = "prompt"
    STEADY = "steady"
    SLOW = "slow"
    SILENT = "silent"


# Among the mentors who answer at all.
_RESPONSIVE = ((Habit.PROMPT, 40), (Habit.STEADY, 40), (Habit.SLOW, 20))
_CAPACITY = ((1, 15), (2, 30), (3, 30), (4, 15), (5, 10))
_COUNTRIES = (("US", "en"), ("IN", "en"), ("DE", "de"), ("BR", "pt"), ("GB", "en"), ("FR", "fr"))


@dataclass(frozen=True)
class Holiday:
    start: int  # seconds from the start of the simulation
    end: int
    # Declines the waiting requests on leaving (else they wait: the vacation trap).
    declines_waiting: bool


@dataclass(frozen=True)
class SimMentor:
    index: int
    habit: Habit
    capacity: int
    tags: tuple[str, ...]
    country: str
    language: str
    holiday: Holiday | None
    # Sets themselves unavailable when full, available again when a mentorship ends.
    closes_when_full: bool

    @property
    def email(self) -> str:
        return f"{self.habit.value}-{self.index:04d}@{MENTOR_DOMAIN}"


@dataclass(frozen=True)
class SimMentee:
    index: int
    arrives: int  # seconds from the start
    tags: tuple[str, ...]  # empty for about a fifth of them, as in real sign-ups
    country: str
    language: str
    first_asks: int
    max_asks: int

    @property
    def email(self) -> str:
        return f"mentee-{self.index:04d}@{MENTEE_DOMAIN}"


@dataclass(frozen=True)
class Population:
    mentors: tuple[SimMentor, ...]
    mentees: tuple[SimMentee, ...]


def habit_of(email: str) -> Habit | None:
    """The habit a simulated mentor's address carries (None for anyone else)."""
    local, _, domain = email.partition("@")
    prefix = local.split("-", 1)[0]
    if domain != MENTOR_DOMAIN or prefix not in {h.value for h in Habit}:
        return None
    return Habit(prefix)


def _tags(rng: random.Random, low: int, high: int) -> tuple[str, ...]:
    track = rng.choices(TRACKS, [t.weight for t in TRACKS])[0]
    names = [tag for tag, _ in track.tags]
    weights = [w for _, w in track.tags]
    chosen: list[str] = []
    for _ in range(rng.randint(low, high)):
        tag = rng.choices(names, weights)[0]
        if tag not in chosen:
            chosen.append(tag)
    if rng.random() < 0.4:
        career = rng.choice([tag for tag, _ in CAREER_TAGS])
        if career not in chosen:
            chosen.append(career)
    return tuple(chosen)


def _weighted(rng: random.Random, items: tuple[tuple[T, int], ...]) -> T:
    return rng.choices([i for i, _ in items], [w for _, w in items])[0]


def _holiday(rng: random.Random, length: int) -> Holiday | None:
    if rng.random() >= 0.25:
        return None
    start = rng.randrange(0, max(1, length - 7 * 86400)) // MINUTE * MINUTE
    days = rng.randint(7, 21)
    return Holiday(start=start, end=start + days * 86400, declines_waiting=rng.random() < 0.5)


def plan_population(config: SimConfig) -> Population:
    length = config.days * 86400
    rng = random.Random(f"{config.seed}/mentors")
    mentors = []
    for index in range(config.mentors):
        silent = rng.random() < config.silent_share
        habit = Habit.SILENT if silent else _weighted(rng, _RESPONSIVE)
        country, language = rng.choice(_COUNTRIES)
        mentors.append(
            SimMentor(
                index=index,
                habit=habit,
                capacity=_weighted(rng, _CAPACITY),
                tags=_tags(rng, 2, 4),
                country=country,
                language=language,
                holiday=None if silent else _holiday(rng, length),
                closes_when_full=not silent and rng.random() < 0.3,
            )
        )
    rng = random.Random(f"{config.seed}/mentees")
    count = round(config.mentees_per_day * config.days)
    mentees = []
    for index in range(count):
        country, language = rng.choice(_COUNTRIES)
        mentees.append(
            SimMentee(
                index=index,
                # Whole minutes plus 30 s: never at the same instant as an hourly sweep.
                arrives=rng.randrange(0, length // MINUTE) * MINUTE + 30,
                tags=() if rng.random() < 0.2 else _tags(rng, 1, 3),
                country=country,
                language=language,
                first_asks=_weighted(rng, ((1, 40), (2, 40), (3, 20))),
                max_asks=rng.randint(4, 8),
            )
        )
    return Population(mentors=tuple(mentors), mentees=tuple(mentees))
