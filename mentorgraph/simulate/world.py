"""What the simulation keeps in memory between steps: the people, the agenda, the dice, and what
the people know (their own plans). Everything the rules decide lives in the database."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from mentorgraph.simulate.agenda import Action, Agenda
from mentorgraph.simulate.config import SimConfig
from mentorgraph.simulate.population import Population, SimMentee, SimMentor

__all__ = ["Suggested", "World", "later"]

MINUTE = 60


def later(now: int, seconds: float) -> int:
    """`seconds` after `now`, on the people's grid: whole minutes plus 30 s, never the instant
    of a sweep (whole hours), so no request is ever exactly as old as a threshold of the
    ladder when a sweep looks at it."""
    return max(now, int((now + seconds) // MINUTE * MINUTE + 30))


@dataclass(frozen=True)
class Suggested:
    """A mentor the platform put in front of a mentee, and their state at that moment."""

    source: str  # "expiry email", "decline email", "recommendations", "spotlight"
    at: int
    mentor_id: int
    silent: bool
    unavailable: bool
    full: bool
    flagged: bool


@dataclass
class World:
    config: SimConfig
    population: Population
    ids: dict[str, int]
    agenda: Agenda = field(default_factory=Agenda)
    now: int = 0
    mentors: dict[int, SimMentor] = field(default_factory=dict)
    mentees: dict[int, SimMentee] = field(default_factory=dict)
    away: set[int] = field(default_factory=set)  # mentors on holiday
    closed_full: set[int] = field(default_factory=set)  # mentors who closed when full
    planned: set[int] = field(default_factory=set)  # requests a mentor has seen
    matched: set[int] = field(default_factory=set)  # mentees with a mentor
    asked: dict[int, set[int]] = field(default_factory=dict)  # mentee -> mentors asked
    asks: Counter[int] = field(default_factory=Counter)  # mentee -> requests made
    refusals: Counter[str] = field(default_factory=Counter)  # codes of refused requests
    suggested: list[Suggested] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.config.seed}/behaviour")
        self.mentors = {self.ids[m.email]: m for m in self.population.mentors}
        self.mentees = {self.ids[m.email]: m for m in self.population.mentees}
        self.by_email = {email: pk for email, pk in self.ids.items()}

    def after(self, seconds: float, action: Action) -> None:
        self.agenda.at(later(self.now, seconds), action)

    def hours(self, mean: float) -> float:
        """A wait in seconds, exponential with this mean in hours."""
        return self.rng.expovariate(1 / (mean * 3600))
