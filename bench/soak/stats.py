"""What the soak's clients saw: operations by kind, answers by code, latencies by phase."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Stats", "is_failure", "percentile"]


def is_failure(outcome: str) -> bool:
    """An answer the server should not have given (a userError code is a business answer)."""
    return outcome.startswith(("HTTP", "transport", "timeout"))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


@dataclass
class Stats:
    started: float = field(default_factory=time.monotonic)
    # "warm-up" (sign-ups, logins), "baseline", "abuse", "after".
    phase: str = "warm-up"
    operations: Counter[str] = field(default_factory=Counter)
    # (kind, outcome): outcome is "ok", an HTTP status, an error or userError code, or the
    # name of a transport failure ("disconnected", "timeout").
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    faults: list[tuple[float, str]] = field(default_factory=list)
    # (seconds since start, phase, seconds) of ordinary reads.
    latencies: list[tuple[float, str, float]] = field(default_factory=list)
    rss: list[tuple[float, str, float]] = field(default_factory=list)
    # (phase, seconds, CPU seconds) between two samples: used by the server's workers, and by
    # the soak process itself (its clients: the abuse ones run there, the timed browsers not).
    server_cpu: list[tuple[str, float, float]] = field(default_factory=list)
    client_cpu: list[tuple[str, float, float]] = field(default_factory=list)
    # The same for PostgreSQL's processes (backends that exited between samples uncounted).
    database_cpu: list[tuple[str, float, float]] = field(default_factory=list)
    # The machine's 1-minute load average, sampled with `rss` (other work skews latencies).
    load: list[float] = field(default_factory=list)
    # (seconds since start, phase, outcome) of every answer that is a failure.
    failures: list[tuple[float, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # (seconds since start, phase) of every phase after the warm-up.
    phase_starts: list[tuple[float, str]] = field(default_factory=list)

    def begin(self, phase: str) -> float:
        """Enter `phase`; the time it began."""
        self.phase = phase
        self.phase_starts.append((self.now(), phase))
        self.notes.append(f"{phase} from {self.now():.0f} s")
        return self.now()

    def now(self) -> float:
        return time.monotonic() - self.started

    def count(self, kind: str, outcome: str = "ok") -> None:
        self.operations[kind] += 1
        self.outcomes[(kind, outcome)] += 1
        if is_failure(outcome):
            self.failures.append((self.now(), self.phase, outcome))

    def near_fault(self, at: float, seconds: float) -> bool:
        return any(0 <= at - when <= seconds for when, _ in self.faults)

    def phase_at(self, at: float) -> str:
        """The phase at `at` seconds since start."""
        phase = "warm-up"
        for start, name in self.phase_starts:
            if start <= at:
                phase = name
        return phase

    def latency(self, seconds: float) -> None:
        self.latencies.append((self.now(), self.phase, seconds))

    def fault(self, what: str) -> None:
        self.faults.append((self.now(), what))

    def p99(self, phase: str, *, away_from_faults: float = 0.0) -> float:
        """p99 of the phase's ordinary reads; `away_from_faults`: leave out those that started
        within that many seconds after a fault."""
        values = [
            seconds
            for at, p, seconds in self.latencies
            if p == phase and not any(0 <= at - when <= away_from_faults for when, _ in self.faults)
        ]
        return percentile(values, 99)

    @staticmethod
    def cpu_share(phase: str, samples: list[tuple[str, float, float]]) -> float:
        """CPU seconds per second of `phase` (1.0: one core busy)."""
        seconds = sum(elapsed for p, elapsed, _ in samples if p == phase)
        return sum(used for p, _, used in samples if p == phase) / seconds if seconds else 0.0

    def reads(self, phase: str) -> int:
        return sum(1 for _, p, _ in self.latencies if p == phase)
