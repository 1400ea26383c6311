"""The measurements of a run, read from the database the rules wrote: requests and their events,
availability changes, the outbox. Who was silent comes from the mentors' addresses
(`population.habit_of`); what was suggested, from the notes taken when it was (`observe.py`).

Timestamps are read as seconds from the start, on the simulation's 30-second grid (the clock is
pinned at each step's instant; rounding down keeps a hand-made scenario with a running clock
readable too).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from mentorgraph.models.accounts.users import User
from mentorgraph.models.directory.availability_changes import AvailabilityChange
from mentorgraph.models.limits import limits
from mentorgraph.models.notifications.outbox import OutboxEmail
from mentorgraph.models.requests.request_guards import OPEN_STATUSES
from mentorgraph.models.requests.requests import MentorshipRequest, RequestEvent, RequestStatus
from mentorgraph.simulate.config import START, SimConfig
from mentorgraph.simulate.population import MENTEE_DOMAIN, Habit, habit_of
from mentorgraph.simulate.world import Suggested

__all__ = ["DAY", "FLAG_WITHIN_DAYS", "Outcomes", "SuggestionTally", "measure", "summary"]

DAY = 86400
GRID = 30
# The goal: silent mentors flagged within this many days of their first unanswered request.
FLAG_WITHIN_DAYS = 14
_OPEN = {s.value for s in OPEN_STATUSES}
# The settings (`models/limits.py`) of the ladder and the silent-mentor rule, shown with a run.
_LADDER_SETTINGS = ("first_reminder", "second_reminder", "expire_", "inactive_", "silent_")


def _at(moment: datetime) -> int:
    return int((moment - START).total_seconds()) // GRID * GRID


def summary(values: Sequence[float]) -> dict[str, float | None]:
    """Median, 90th percentile and maximum (nearest rank), in the values' unit."""
    if not values:
        return {"median": None, "p90": None, "max": None}
    ordered = sorted(values)

    def rank(share: float) -> float:
        return ordered[max(0, math.ceil(len(ordered) * share) - 1)]

    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return {"median": median, "p90": rank(0.9), "max": ordered[-1]}


@dataclass
class SuggestionTally:
    total: int = 0
    silent: int = 0
    unavailable: int = 0
    full: int = 0
    flagged: int = 0
    # Unavailable, full or flagged: a mentor the mentee cannot ask (the goal is 0).
    cannot_ask: int = 0


@dataclass
class Outcomes:
    days: int
    rules: dict[str, Any]
    requests: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    waits: list[float] = field(default_factory=list)  # days each request waited for an end
    first_answers: list[float] = field(default_factory=list)  # days to the mentor's answer
    past_expiry: int = 0
    mentees_asking: int = 0
    mentees_matched: int = 0
    match_waits: list[float] = field(default_factory=list)  # days from first ask to approval
    silent_mentors: int = 0
    silent_asked: int = 0  # received at least one request
    silent_eligible: int = 0  # ... at least FLAG_WITHIN_DAYS before the end
    silent_flagged_within: int = 0
    silent_flagged: int = 0
    flag_delays: list[float] = field(default_factory=list)  # days, flagged silent mentors
    wrongly_flagged: dict[str, int] = field(default_factory=dict)  # responsive, by habit
    emails_per_mentor: list[int] = field(default_factory=list)
    emails_per_mentee: list[int] = field(default_factory=list)
    emails_by_kind: dict[str, int] = field(default_factory=dict)
    suggestions: dict[str, SuggestionTally] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)
    # (day, open requests, silent mentors flagged so far, mentees matched so far)
    daily: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def flagged_share(self) -> float | None:
        if not self.silent_eligible:
            return None
        return self.silent_flagged_within / self.silent_eligible

    @property
    def match_rate(self) -> float | None:
        return self.mentees_matched / self.mentees_asking if self.mentees_asking else None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def measure(
    config: SimConfig, suggested: Sequence[Suggested], refusals: Counter[str] | None = None
) -> Outcomes:
    rule = limits()
    end = config.days * DAY
    out = Outcomes(
        days=config.days,
        rules={
            name: getattr(rule, name)
            for name in type(rule).model_fields
            if name.startswith(_LADDER_SETTINGS)
        },
        refusals=dict(sorted((refusals or Counter()).items())),
    )
    users = await User.all().order_by("id").values_list("id", "email", "is_mentor")
    habit = {int(pk): habit_of(str(email)) for pk, email, is_mentor in users if is_mentor}
    email_of = {int(pk): str(email) for pk, email, _ in users}
    requests = (
        await MentorshipRequest.all()
        .order_by("id")
        .values_list("id", "mentor_id", "mentee_id", "created_at", "status", "responded_at")
    )
    events = (
        await RequestEvent.all()
        .order_by("id")
        .values_list("request_id", "from_status", "to_status", "occurred_at")
    )
    closed: dict[int, int] = {}
    approved: dict[int, int] = {}
    for request_id, from_status, to_status, occurred in events:
        if from_status in _OPEN and to_status not in _OPEN:
            closed.setdefault(int(request_id), _at(occurred))
        if to_status == RequestStatus.APPROVED:
            approved[int(request_id)] = _at(occurred)

    out.requests = len(requests)
    out.by_status = dict(sorted(Counter(str(r[4]) for r in requests).items()))
    first_ask: dict[int, int] = {}
    first_match: dict[int, int] = {}
    unanswered_since: dict[int, int] = {}
    for request_id, mentor_id, mentee_id, created_at, _, responded_at in requests:
        created = _at(created_at)
        wait = closed.get(request_id, end) - created
        out.waits.append(wait / DAY)
        if wait > rule.expire_after_days * DAY + config.sweep_hours * 3600:
            out.past_expiry += 1
        if responded_at is not None:
            out.first_answers.append((_at(responded_at) - created) / DAY)
        else:
            unanswered_since.setdefault(mentor_id, created)
        first_ask.setdefault(mentee_id, created)
        if request_id in approved:
            first_match[mentee_id] = min(first_match.get(mentee_id, end), approved[request_id])
    out.mentees_asking = len(first_ask)
    out.mentees_matched = len(first_match)
    out.match_waits = [(first_match[m] - first_ask[m]) / DAY for m in sorted(first_match)]

    flagged_at: dict[int, list[int]] = defaultdict(list)
    changes = (
        await AvailabilityChange.all()
        .order_by("id")
        .values_list("mentor_id", "available", "actor_id", "occurred_at")
    )
    for mentor_id, available, actor_id, occurred in changes:
        if not available and actor_id is None:
            flagged_at[int(mentor_id)].append(_at(occurred))
    silent = [m for m, h in habit.items() if h is Habit.SILENT]
    out.silent_mentors = len(silent)
    first_flag: dict[int, int] = {}
    for mentor_id in silent:
        since = unanswered_since.get(mentor_id)
        if since is None:
            continue
        out.silent_asked += 1
        flag = next((t for t in flagged_at.get(mentor_id, []) if t >= since), None)
        eligible = since <= end - FLAG_WITHIN_DAYS * DAY
        out.silent_eligible += eligible
        if flag is None:
            continue
        first_flag[mentor_id] = flag
        out.silent_flagged += 1
        out.flag_delays.append((flag - since) / DAY)
        out.silent_flagged_within += eligible and flag - since <= FLAG_WITHIN_DAYS * DAY
    wrongly = Counter(
        str(h.value) for m, h in habit.items() if h not in (None, Habit.SILENT) and m in flagged_at
    )
    out.wrongly_flagged = dict(sorted(wrongly.items()))

    emails = await OutboxEmail.all().order_by("id").values_list("to_email", "kind")
    per_address = Counter(str(to) for to, _ in emails)
    out.emails_by_kind = dict(sorted(Counter(str(kind) for _, kind in emails).items()))
    out.emails_per_mentor = [per_address[email_of[m]] for m in sorted(habit)]
    out.emails_per_mentee = [
        per_address[e] for _, e in sorted(email_of.items()) if e.endswith(f"@{MENTEE_DOMAIN}")
    ]
    for note in suggested:
        tally = out.suggestions.setdefault(note.source, SuggestionTally())
        tally.total += 1
        tally.silent += note.silent
        tally.unavailable += note.unavailable
        tally.full += note.full
        tally.flagged += note.flagged
        tally.cannot_ask += note.unavailable or note.full or note.flagged
    out.suggestions = dict(sorted(out.suggestions.items()))

    for day in range(1, config.days + 1):
        t = day * DAY
        waiting = sum(
            1
            for request_id, _, _, created_at, _, _ in requests
            if _at(created_at) <= t and closed.get(request_id, end + 1) > t
        )
        flagged = sum(1 for at in first_flag.values() if at <= t)
        matched = sum(1 for at in first_match.values() if at <= t)
        out.daily.append((day, waiting, flagged, matched))
    return out
