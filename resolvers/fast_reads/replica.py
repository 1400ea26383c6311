"""What the fast path asks of a read replica (`mentorgraph.read_replica.ReadReplica` is one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["Answered", "Replica"]


@dataclass(frozen=True)
class Answered:
    """The replica's result: the statement's single value (None too is an answer)."""

    value: Any


class Replica(Protocol):
    async def fetchval(
        self, sql: str, params: Sequence[Any], read_after: str | None
    ) -> Answered | None:
        """The statement's value from the replica, or None: the primary must answer."""
        ...
