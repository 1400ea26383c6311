"""What makes the schema document itself: enums described value by value, the `DateTime` scalar
with its specification (`@specifiedBy`), and argument annotations shared by many fields.

`tests/api/test_schema_documentation.py` walks the built schema: every type, field, argument, enum
value and input field has a description, every custom scalar a `specifiedByURL`, and every
deprecation a reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any, cast

import strawberry
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

__all__ = [
    "INPUT",
    "SCALAR_OVERRIDES",
    "described_enum",
]


def described_enum(
    enum: type[Enum], *, name: str, description: str, values: Mapping[str, str]
) -> Any:
    """`strawberry.enum` of a model's enum (models know nothing of GraphQL), with a description
    of each value; a value left undescribed, or described but absent, fails at import."""
    wrapped = strawberry.enum(enum, name=name, description=description)
    definition = cast("Any", wrapped).__strawberry_definition__
    names = {value.name for value in definition.values}
    if names != set(values):
        raise ValueError(f"{name}: describe exactly {sorted(names)}, not {sorted(values)}")
    for value in definition.values:
        value.description = values[value.name]
    return wrapped


# RFC 3339 date-times with an offset, as Python's `isoformat` writes them (always UTC here).
SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    datetime: dataclasses.replace(
        DateTimeDefinition,
        description="A date and time with its UTC offset, RFC 3339 (e.g."
        " 2026-11-29T17:05:32.123456+00:00); this server always answers in UTC.",
        specified_by_url="https://scalars.graphql.org/andimarek/date-time",
    ),
}

# Arguments many fields share (the page arguments: `schema/pagination.py`).
INPUT = strawberry.argument(description="What the mutation needs (see the input type).")
