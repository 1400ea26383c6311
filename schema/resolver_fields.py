"""Typed forms of strawberry's resolver decorators: `@field_resolver`, `@mutation`, `@subscription`.

`@strawberry.field(description=...)` (and `mutation`, `subscription`) is typed as returning `Any`,
so under `mypy --strict` every resolver it decorates became untyped: its signature was no longer
checked and callers saw `Any`. These wrappers do exactly what strawberry does at run time (the
function becomes a field when the class is made) but tell mypy the function keeps its type, so the
resolvers' annotations are checked like any other code. Use them for resolver methods; a plain
attribute with a description (`name: str = strawberry.field(description=...)`) stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

__all__ = ["field_resolver", "mutation", "subscription"]

F = TypeVar("F", bound=Callable[..., Any])


def field_resolver(*, description: str) -> Callable[[F], F]:
    """`@strawberry.field(description=...)` on a resolver method, typed."""
    return cast("Callable[[F], F]", strawberry.field(description=description))


def mutation(*, description: str) -> Callable[[F], F]:
    """`@strawberry.mutation(description=...)`, typed."""
    return cast("Callable[[F], F]", strawberry.mutation(description=description))


def subscription(*, description: str) -> Callable[[F], F]:
    """`@strawberry.subscription(description=...)`, typed."""
    return cast("Callable[[F], F]", strawberry.subscription(description=description))
