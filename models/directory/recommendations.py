"""How mentors are ranked for a member: plain scoring, no I/O (see `recommendation_data` for
where the numbers come from). The same inputs always give the same order: ties go to the
lower mentor id.

Each part of the score is a `Reason`, so a member can be told why a mentor was suggested:
- TAGS: 3 points per tag the mentor shares with the member's interests;
- LANGUAGES: 1 point per shared spoken language, at most 2;
- COUNTRY: 1 point for the same country;
- RESPONSIVENESS: up to 2 points, the mentor's response rate times 2;
- NETWORK: 1 point per member with overlapping interests this mentor mentored, at most 3.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "SHORTLIST_MARGIN",
    "Candidate",
    "Reason",
    "ReasonKind",
    "Recommendation",
    "Seeker",
    "approximate_score_sql",
    "rank",
    "score",
]

TAG_POINTS = 3.0
LANGUAGE_POINTS, MAX_LANGUAGES = 1.0, 2
COUNTRY_POINTS = 1.0
RESPONSIVENESS_POINTS = 2.0
NETWORK_POINTS, MAX_PEERS = 1.0, 3


class ReasonKind(StrEnum):
    TAGS = "TAGS"
    LANGUAGES = "LANGUAGES"
    COUNTRY = "COUNTRY"
    RESPONSIVENESS = "RESPONSIVENESS"
    NETWORK = "NETWORK"


@dataclass(frozen=True)
class Seeker:
    tags: frozenset[str]
    languages: frozenset[str]
    country: str | None


@dataclass(frozen=True)
class Candidate:
    mentor_id: int
    tags: frozenset[str]
    languages: frozenset[str]
    country: str | None
    response_rate: float | None
    # Members whose interests overlap the seeker's and whom this mentor mentored.
    peers: int


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    points: float
    detail: str


@dataclass(frozen=True)
class Recommendation:
    mentor_id: int
    score: float
    reasons: list[Reason]


def _reasons(seeker: Seeker, candidate: Candidate) -> Iterable[Reason]:
    tags = sorted(seeker.tags & candidate.tags)
    if tags:
        yield Reason(ReasonKind.TAGS, TAG_POINTS * len(tags), "Shares " + ", ".join(tags))
    languages = sorted(seeker.languages & candidate.languages)
    if languages:
        points = LANGUAGE_POINTS * min(len(languages), MAX_LANGUAGES)
        yield Reason(ReasonKind.LANGUAGES, points, "Speaks " + ", ".join(languages))
    if seeker.country is not None and seeker.country == candidate.country:
        yield Reason(ReasonKind.COUNTRY, COUNTRY_POINTS, f"Also in {seeker.country}")
    if candidate.response_rate:
        points = round(RESPONSIVENESS_POINTS * candidate.response_rate, 2)
        yield Reason(
            ReasonKind.RESPONSIVENESS,
            points,
            f"Answers {round(candidate.response_rate * 100)}% of requests",
        )
    if candidate.peers:
        peers = min(candidate.peers, MAX_PEERS)
        yield Reason(
            ReasonKind.NETWORK,
            NETWORK_POINTS * peers,
            f"Mentored {candidate.peers} member(s) with interests like yours",
        )


def score(seeker: Seeker, candidate: Candidate) -> Recommendation:
    reasons = list(_reasons(seeker, candidate))
    total = round(sum(r.points for r in reasons), 2)
    return Recommendation(mentor_id=candidate.mentor_id, score=total, reasons=reasons)


def rank(seeker: Seeker, candidates: Iterable[Candidate], first: int) -> list[Recommendation]:
    """The best `first`, highest score first, then lowest mentor id; nothing scoring zero."""
    scored = [score(seeker, c) for c in candidates]
    kept = [r for r in scored if r.score > 0]
    return sorted(kept, key=lambda r: (-r.score, r.mentor_id))[:first]


# --- The score in SQL, unrounded: what a statement uses to shortlist the candidates worth
# rendering before `rank` decides (`resolvers/fast_reads/recommendations.py`).

# `score` rounds three times (the response rate to 4 places, its points and the total to 2):
# together at most 0.0001 + 0.005 + 0.005 from the unrounded sum. Any candidate within twice
# that of the `first`-th best unrounded score may rank among the best `first`; nothing further
# below can (at least `first` others then score strictly more, rounded or not).
SHORTLIST_MARGIN = 0.03


def approximate_score_sql(
    shared_tags: str,
    shared_languages: str,
    same_country: str,
    answered: str,
    unanswered: str,
    peers: str,
) -> str:
    """`score` without its rounding, as a float8 SQL expression of its inputs (counts of shared
    tags and languages, whether the country is the seeker's, the answered and unanswered counts
    of the response rate, the peers): within 0.0101 of `score`'s total."""
    settled = f"({answered} + {unanswered})"
    rate = f"CASE WHEN {settled} > 0 THEN {answered}::float8 / {settled} ELSE 0 END"
    return (
        f"({TAG_POINTS} * {shared_tags}"
        f" + {LANGUAGE_POINTS} * least({shared_languages}, {MAX_LANGUAGES})"
        f" + CASE WHEN {same_country} THEN {COUNTRY_POINTS} ELSE 0 END"
        f" + {RESPONSIVENESS_POINTS} * ({rate})"
        f" + {NETWORK_POINTS} * least({peers}, {MAX_PEERS}))"
    )
