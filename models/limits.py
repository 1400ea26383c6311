"""The configurable numbers of the rules, set once by the server from its settings."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits", "configure", "limits"]


@dataclass
class Limits:
    max_open_requests_per_mentee: int = 5
    default_mentor_capacity: int = 3
    login_max_failures: int = 5
    login_window_seconds: int = 15 * 60
    # Where links in emails point.
    app_url: str = "http://127.0.0.1:8000"


_current = Limits()


def limits() -> Limits:
    return _current


def configure(new: Limits) -> None:
    global _current
    _current = new
