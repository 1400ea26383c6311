"""`mentorgraph simulate`: the same seed gives the same run, and its figures are read from what the
rules wrote to the database (a small scenario, checked by hand)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from devkit.database import empty_database
from devkit.factories import TEXT, make_mentor, make_user
from devkit.live_server import ROOT
from mentorgraph.models import clock
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.request_rules import create_request
from mentorgraph.models.requests.requests import DeclineReason, RequestStatus
from mentorgraph.models.sweep import sweep
from mentorgraph.resolvers.ids import encode_global_id
from mentorgraph.simulate.agenda import move_clock_to
from mentorgraph.simulate.config import START, SimConfig
from mentorgraph.simulate.engine import simulate
from mentorgraph.simulate.outcomes import DAY, Outcomes, measure, summary
from mentorgraph.simulate.postman import suggested_mentor_ids
from mentorgraph.simulate.report import goals, render_report

S = RequestStatus
SMALL = SimConfig(
    days=18, mentors=10, silent_share=0.4, mentees_per_day_given=2, seed=3, sweep_hours=6
)


async def test_the_same_seed_gives_the_same_run(db: None, database_url: str) -> None:
    first = await simulate(SMALL)
    # The run did something worth comparing: mentorships, silent mentors asked and left.
    assert first.requests > 20
    assert {"APPROVED", "CANCELLED", "DECLINED"} <= set(first.by_status)
    assert first.silent_asked > 0 and first.suggestions
    await empty_database(database_url)
    second = await simulate(SMALL)
    assert second.as_dict() == first.as_dict()
    assert render_report(SMALL, second) == render_report(SMALL, first)
    await empty_database(database_url)
    other = await simulate(SimConfig(**{**SMALL.__dict__, "seed": 4}))
    assert other.as_dict() != first.as_dict()


def at(days: float, seconds: int = 0) -> int:
    return round(days * DAY) + seconds


async def test_the_figures_are_read_from_the_database(db: None) -> None:
    """Three mentors (silent, prompt, slow) and three mentees, by hand:

    r1 mentee0 -> silent at 30 s      expires at day 16 (the first sweep)    waited 16 d - 30 s
    r2 mentee1 -> silent at 1 d 30 s  expires at day 16                      waited 15 d - 30 s
    r3 mentee0 -> prompt at 90 s      approved at 1 d 90 s                   waited 1 d
    r4 mentee2 -> slow at 2 d 30 s    declined at 6 d 30 s                   waited 4 d
    The sweep at day 16 expires r1 and r2 and sets the silent mentor unavailable (two expiries).
    """
    move_clock_to(0)
    silent = await make_mentor(email="silent-0000@mentor.sim")
    prompt = await make_mentor(email="prompt-0001@mentor.sim")
    slow = await make_mentor(email="slow-0002@mentor.sim")
    mentees = [await make_user(email=f"mentee-000{i}@mentee.sim") for i in range(3)]

    async def ask(mentee: int, mentor_id: int) -> int:
        request = await create_request(
            mentees[mentee], mentor_id=mentor_id, message=TEXT, background=TEXT, expectation=TEXT
        )
        return request.id

    move_clock_to(30)
    await ask(0, silent.id)
    move_clock_to(90)
    r3 = await ask(0, prompt.id)
    move_clock_to(at(1, 30))
    await ask(1, silent.id)
    move_clock_to(at(1, 90))
    await lifecycle.transition(r3, S.APPROVED, actor=prompt)
    move_clock_to(at(2, 30))
    r4 = await ask(2, slow.id)
    move_clock_to(at(6, 30))
    await lifecycle.transition(
        r4, S.DECLINED, actor=slow, decline_reason=DeclineReason.NOT_A_GOOD_FIT
    )
    move_clock_to(at(16))
    report = await sweep()
    assert (report.ladder.expired, report.ladder.set_unavailable) == (2, 1)

    out = await measure(SimConfig(days=20, mentors=3), [])
    assert out.requests == 4
    assert out.by_status == {"APPROVED": 1, "DECLINED": 1, "EXPIRED": 2}
    assert sorted(out.waits) == [1, 4, (at(15) - 30) / DAY, (at(16) - 30) / DAY]
    assert sorted(out.first_answers) == [1, 4]
    # Past the expiry (14 days) by more than a sweep's interval: both of the silent mentor's.
    assert out.past_expiry == 2
    assert (out.mentees_asking, out.mentees_matched) == (3, 1)
    assert out.match_waits == [(at(1, 90) - 30) / DAY]
    assert (out.silent_mentors, out.silent_asked, out.silent_eligible) == (1, 1, 1)
    # Flagged 16 days after the first unanswered request: too late for the goal.
    assert out.flag_delays == [(at(16) - 30) / DAY]
    assert (out.silent_flagged, out.silent_flagged_within, out.flagged_share) == (1, 0, 0)
    assert out.wrongly_flagged == {}
    # silent: 2 new requests, 2 expiries, being set unavailable; the others one request each.
    assert out.emails_per_mentor == [5, 1, 1]
    # mentee0: approved and expired; mentee1: expired; mentee2: declined.
    assert out.emails_per_mentee == [2, 1, 1]
    # Day 1 ends with r1 and r3 waiting; day 2 with r1, r2; day 16 with none.
    assert out.daily[0] == (1, 2, 0, 0)
    assert out.daily[1] == (2, 2, 0, 1)
    assert out.daily[15] == (16, 0, 1, 1)
    met = {goal: ok for goal, _, ok in goals(out)}
    assert met["0 requests past expiry"] is False
    assert met["no responsive mentor ever flagged (holidays included)"] is True


def test_summary_and_suggestion_links() -> None:
    assert summary([]) == {"median": None, "p90": None, "max": None}
    assert summary([3, 1, 2, 4]) == {"median": 2.5, "p90": 4, "max": 4}
    assert summary(list(range(1, 11))) == {"median": 5.5, "p90": 9, "max": 10}
    text = (
        "- Ada, Engineer (/mentors/12)\n- Bo (/mentors/"
        + encode_global_id("User", 7)
        + ")\nhttp://127.0.0.1:8000/mentors\n"
    )
    assert suggested_mentor_ids(text) == [12, 7]


def test_the_command_writes_the_report_and_plots(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    command = [
        sys.executable, "-m", "mentorgraph", "simulate", "--days", "3", "--mentors", "6",
        "--write-docs", "--docs-dir", str(docs),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "| goal | measured | met |" in done.stdout
    written = (docs / "outcomes.md").read_text()
    assert written.startswith("# Outcomes") and written.endswith(done.stdout)
    for name in ("waits", "time-to-flag", "daily", "emails-per-mentor"):
        png = docs / "outcomes" / f"{name}.png"
        assert png.read_bytes().startswith(b"\x89PNG")
        assert f"](outcomes/{name}.png)" in written


async def test_a_database_with_users_is_not_thrown_away(db: None, database_url: str) -> None:
    await make_user()
    command = [
        sys.executable, "-m", "mentorgraph", "simulate", "--days", "1", "--mentors", "2",
        "--database-url", database_url,
    ]  # fmt: skip
    done = await asyncio.to_thread(
        subprocess.run, command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "a simulation needs an empty one" in done.stderr


def test_outcomes_are_plain_data() -> None:
    out = Outcomes(days=1, rules={})
    assert out.as_dict()["requests"] == 0
    assert out.flagged_share is None and out.match_rate is None


def test_a_pinned_clock_stands_still_until_reset() -> None:
    moment = START + timedelta(days=3)
    clock.pin(moment)
    try:
        assert clock.now() == moment
        time.sleep(0.01)
        assert clock.now() == moment
    finally:
        clock.reset()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
