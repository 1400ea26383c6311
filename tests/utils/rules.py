"""The rules' numbers changed for one test (they are process-wide: restored after)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from mentorgraph.models.limits import configure, limits

__all__ = ["rules"]


@contextlib.contextmanager
def rules(**changes: object) -> Iterator[None]:
    previous = limits()
    configure(previous.model_copy(update=changes))
    try:
        yield
    finally:
        configure(previous)
