"""A plain-text progress bar: `[##########..........] 120/200 mentors`, redrawn in place."""

from __future__ import annotations

from typing import TextIO

__all__ = ["Progress"]


class Progress:
    def __init__(self, label: str, total: int, stream: TextIO, width: int = 30) -> None:
        self.label = label
        self.total = total
        self.stream = stream
        self.width = width
        self.done = 0
        # Redrawing with "\r" only makes sense on a terminal; logs get the final line alone.
        self.live = stream.isatty()
        self._draw()

    def advance(self, count: int) -> None:
        self.done = min(self.total, self.done + count)
        self._draw()

    def finish(self) -> None:
        self.done = self.total
        self.stream.write(("\r" if self.live else "") + self._line() + "\n")
        self.stream.flush()

    def _draw(self) -> None:
        if self.live:
            self.stream.write("\r" + self._line())
            self.stream.flush()

    def _line(self) -> str:
        filled = self.width * self.done // self.total if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        return f"[{bar}] {self.done}/{self.total} {self.label}"
