"""What graphql-core treats as a pending value: not Tortoise model instances.

Tortoise's `Model` defines `__await__` (awaiting an instance gives the instance back), so the
default check calls every model a resolver returns awaitable. graphql-core then completes each
one as a coroutine, and a list of models as one task per item gathered together: on a page of
5,000 requests that was most of the executor's time. Awaiting a model only returns it, so
completing it as a plain value gives the same answer without the event-loop rounds.
"""

from __future__ import annotations

from typing import Any

from strawberry.execution import optimized_is_awaitable
from tortoise.models import Model

__all__ = ["is_awaitable"]


def is_awaitable(value: Any) -> bool:
    return not isinstance(value, Model) and optimized_is_awaitable(value)
