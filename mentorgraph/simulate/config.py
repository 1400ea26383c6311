"""What a simulation run is asked for (`mentorgraph simulate`'s options)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = ["START", "SimConfig"]

# Every run starts at this simulated instant (a Monday), so timestamps, the spotlight's week and
# the report are the same on every machine.
START = datetime(2026, 1, 5, tzinfo=UTC)


@dataclass(frozen=True)
class SimConfig:
    days: int = 60
    mentors: int = 300
    silent_share: float = 0.3
    # None: one mentee a day for every 25 mentors (about eight requests per mentor in 60 days).
    mentees_per_day_given: float | None = None
    seed: int = 1
    # How often the sweep runs, in simulated hours (the server: every minute).
    sweep_hours: int = 1

    @property
    def mentees_per_day(self) -> float:
        if self.mentees_per_day_given is not None:
            return self.mentees_per_day_given
        return self.mentors / 25
