"""The outcomes as Markdown: the issue's goals first, then the figures behind them."""

from __future__ import annotations

from collections.abc import Sequence

from mentorgraph.simulate.config import SimConfig
from mentorgraph.simulate.outcomes import FLAG_WITHIN_DAYS, Outcomes, summary

__all__ = ["goals", "render_report"]


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} d"


def _share(part: int, whole: int) -> str:
    return "-" if not whole else f"{part / whole:.0%} ({part}/{whole})"


def _spread(values: Sequence[float]) -> str:
    s = summary(values)
    return f"median {_days(s['median'])}, p90 {_days(s['p90'])}, max {_days(s['max'])}"


def _count_spread(values: Sequence[int]) -> str:
    s = summary(values)
    if s["median"] is None:
        return "-"
    mean = sum(values) / len(values)
    return f"mean {mean:.1f}, median {s['median']:g}, p90 {s['p90']:g}, max {s['max']:g}"


def goals(out: Outcomes) -> list[tuple[str, str, bool]]:
    """(goal, measured, met) for each goal of issue 15."""
    bad = sum(t.cannot_ask for t in out.suggestions.values())
    total = sum(t.total for t in out.suggestions.values())
    median = summary(out.flag_delays)["median"]
    share = out.flagged_share
    wrong = sum(out.wrongly_flagged.values())
    return [
        ("0 requests past expiry", str(out.past_expiry), out.past_expiry == 0),
        (
            f">= 90% of silent mentors who received a request flagged within"
            f" {FLAG_WITHIN_DAYS} days of their first unanswered one",
            _share(out.silent_flagged_within, out.silent_eligible),
            share is not None and share >= 0.9,
        ),
        (
            "median time to flag a silent mentor <= 7 days",
            _days(median),
            median is not None and median <= 7,
        ),
        (
            "0% of suggestions point at unavailable, full or flagged mentors",
            _share(bad, total),
            bad == 0,
        ),
        ("no responsive mentor ever flagged (holidays included)", str(wrong), wrong == 0),
    ]


def render_report(config: SimConfig, out: Outcomes, plots: Sequence[str] = ()) -> str:
    lines = [
        f"Simulated {config.days} days: {config.mentors} mentors"
        f" ({config.silent_share:.0%} silent), {config.mentees_per_day:g} new mentees a day,"
        f" seed {config.seed}, a sweep every {config.sweep_hours} h.",
        "",
        "Rules: " + ", ".join(f"`{k.upper()}={v:g}`" for k, v in out.rules.items()) + ".",
        "",
        "| goal | measured | met |",
        "| --- | --- | --- |",
        *(f"| {g} | {m} | {'yes' if ok else '**no**'} |" for g, m, ok in goals(out)),
        "",
        "## Requests",
        "",
        f"- {out.requests} requests: "
        + ", ".join(f"{k.lower()} {v}" for k, v in out.by_status.items()),
        f"- wait until answered, withdrawn, expired or released: {_spread(out.waits)}",
        f"- time to the mentor's first answer: {_spread(out.first_answers)};"
        f" answered by the mentor: {_share(len(out.first_answers), out.requests)}",
        f"- requests past expiry: {out.past_expiry}",
        f"- mentees matched: {_share(out.mentees_matched, out.mentees_asking)};"
        f" from their first request to a mentor: {_spread(out.match_waits)}",
        "- requests the rules refused (mentee's attempt): "
        + (", ".join(f"`{k}` {v}" for k, v in out.refusals.items()) or "none"),
        "",
        "## Silent mentors",
        "",
        f"- silent mentors: {out.silent_mentors}, of whom {out.silent_asked} received a request"
        f" ({out.silent_eligible} at least {FLAG_WITHIN_DAYS} days before the end)",
        f"- flagged within {FLAG_WITHIN_DAYS} days of their first unanswered request:"
        f" {_share(out.silent_flagged_within, out.silent_eligible)};"
        f" flagged by the end: {_share(out.silent_flagged, out.silent_asked)}",
        f"- time to flag: {_spread(out.flag_delays)}",
        "- responsive mentors flagged: "
        + (", ".join(f"{k} {v}" for k, v in out.wrongly_flagged.items()) or "none"),
        "",
        "## Suggestions",
        "",
        "Every mentor put in front of a mentee, and their state at that moment: silent (never"
        " answers; the rules can only learn it), unavailable, full or flagged (the mentee cannot"
        " ask them).",
        "",
        "| where | suggested | silent | unavailable | full | flagged | cannot be asked |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *(
            f"| {source} | {t.total} | {t.silent} | {t.unavailable} | {t.full} | {t.flagged}"
            f" | {_share(t.cannot_ask, t.total)} |"
            for source, t in out.suggestions.items()
        ),
        "",
        "## Emails",
        "",
        f"- per mentor: {_count_spread(out.emails_per_mentor)}",
        f"- per mentee: {_count_spread(out.emails_per_mentee)}",
        "- by kind: " + ", ".join(f"{k} {v}" for k, v in out.emails_by_kind.items()),
    ]
    if plots:
        lines += ["", "## Plots", "", *(f"![{p}]({p})\n" for p in plots)]
    return "\n".join(lines).rstrip() + "\n"
