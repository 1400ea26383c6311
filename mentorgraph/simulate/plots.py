"""The outcomes as PNG plots (matplotlib, the `plots` extra: only `--plots`/`--write-docs` need it,
so the server's image stays without it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mentorgraph.simulate.outcomes import FLAG_WITHIN_DAYS, Outcomes

__all__ = ["PlotsUnavailable", "write_plots"]


class PlotsUnavailable(Exception):
    """matplotlib is not installed: `pip install 'mentorgraph[plots]'`."""


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise PlotsUnavailable("Plots need matplotlib: pip install 'mentorgraph[plots]'") from exc
    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def _cdf(ax: Any, values: Sequence[float], label: str) -> None:
    if not values:
        return
    ordered = sorted(values)
    shares = [(i + 1) / len(ordered) for i in range(len(ordered))]
    ax.step(ordered, shares, where="post", label=f"{label} (n={len(ordered)})")


def write_plots(out: Outcomes, folder: Path, expire_after_days: float) -> list[Path]:
    """Writes the PNGs into `folder`; returns their paths."""
    plt = _pyplot()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    # Identical figures make identical files: no software version in them.
    metadata = {"Software": None}

    fig, ax = plt.subplots(figsize=(7, 4))
    _cdf(ax, out.waits, "wait for an end")
    _cdf(ax, out.first_answers, "time to the mentor's answer")
    _cdf(ax, out.match_waits, "mentee: first request to a mentor")
    ax.axvline(expire_after_days, color="grey", linestyle="--", label="expiry")
    ax.set(xlabel="days", ylabel="share", title="Requests: how long people wait")
    ax.legend(loc="lower right", fontsize="small")
    written.append(_save(fig, folder / "waits.png", metadata))

    fig, ax = plt.subplots(figsize=(7, 4))
    _cdf(ax, out.flag_delays, "silent mentors flagged")
    ax.axvline(FLAG_WITHIN_DAYS, color="grey", linestyle="--", label=f"{FLAG_WITHIN_DAYS} days")
    ax.axvline(7, color="grey", linestyle=":", label="goal for the median: 7 days")
    ax.set(
        xlabel="days from the first unanswered request",
        ylabel="share of those flagged",
        title="Time to flag a silent mentor",
    )
    ax.legend(loc="lower right", fontsize="small")
    written.append(_save(fig, folder / "time-to-flag.png", metadata))

    fig, ax = plt.subplots(figsize=(7, 4))
    days = [d for d, *_ in out.daily]
    ax.plot(days, [w for _, w, _, _ in out.daily], label="requests waiting")
    ax.plot(days, [f for _, _, f, _ in out.daily], label="silent mentors flagged")
    ax.plot(days, [m for *_, m in out.daily], label="mentees matched")
    ax.set(xlabel="day", ylabel="count", title="Day by day")
    ax.legend(loc="upper left", fontsize="small")
    written.append(_save(fig, folder / "daily.png", metadata))

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(out.emails_per_mentor, bins=range(0, max(out.emails_per_mentor, default=0) + 2))
    ax.set(xlabel="emails in the run", ylabel="mentors", title="Emails per mentor")
    written.append(_save(fig, folder / "emails-per-mentor.png", metadata))
    return written


def _save(fig: Any, path: Path, metadata: dict[str, Any]) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=90, metadata=metadata)
    fig.clf()
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path
