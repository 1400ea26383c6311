"""One run of `mentorgraph simulate`: a throw-away database, the simulation, the report (and,
when asked, the plots and `docs/outcomes.md`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

from mentorgraph.models.limits import limits
from mentorgraph.settings import Settings
from mentorgraph.simulate.config import SimConfig
from mentorgraph.simulate.database import throw_away_database
from mentorgraph.simulate.engine import simulate
from mentorgraph.simulate.plots import write_plots
from mentorgraph.simulate.report import render_report

__all__ = ["DOCS_HEADER", "run_simulation"]

DOCS_HEADER = """\
# Outcomes of the request process, simulated

Written by `make outcomes` (`mentorgraph simulate --write-docs`); do not edit by hand.

Synthetic mentors and mentees act for {days} simulated days through the real rules: each
request is created, viewed, answered, withdrawn and completed by `models/` (the lifecycle's one
write path), the real sweep runs every simulated hour on the project's clock (reminders,
expiry, setting silent mentors unavailable), and people learn of what happened from the
emails the rules queued in the outbox. Mentors answer promptly (mean 6 h), steadily (36 h),
slowly (a week, sooner after a reminder) or never (the silent ones). Those who answer come by
every day (prompt), two days (steady) or three (slow), give or take half of it: they sign in
and open what waits, so they are *seen* (`models/directory/presence.py`); silent mentors never come.
A quarter of the others take a holiday of one to three weeks (half of them declining what waits
first), some close their door when full. Mentees (a fifth without tags) ask one to three
mentors found through recommendations, the spotlight or the directory, withdraw some requests
they tire of, withdraw the others once approved, and after a decline or an expiry ask again,
often a mentor the expiry email suggested. Every figure below is read from the database
afterwards. The settings tried before choosing the defaults, with their outcomes over several
seeds: [outcomes-settings.md](outcomes-settings.md).

"""


async def run_simulation(
    config: SimConfig,
    settings: Settings,
    *,
    database_url: str | None = None,
    plots_dir: Path | None = None,
    docs_dir: Path | None = None,
    progress: TextIO | None = None,
) -> str:
    """The report (Markdown). With `docs_dir`, also `outcomes.md` and its plots there."""
    started = time.perf_counter()
    async with throw_away_database(database_url, settings):
        out = await simulate(config, progress)
    if progress is not None:
        print(f"simulated in {time.perf_counter() - started:.0f} s", file=progress)
    if docs_dir is not None:
        plots_dir = docs_dir / "outcomes"
    plots: list[str] = []
    if plots_dir is not None:
        written = write_plots(out, plots_dir, limits().expire_after_days)
        base = docs_dir if docs_dir is not None else plots_dir
        plots = [str(p.relative_to(base)) for p in written]
    report = render_report(config, out, plots)
    if docs_dir is not None:
        (docs_dir / "outcomes.md").write_text(DOCS_HEADER.format(days=config.days) + report)
    return report
