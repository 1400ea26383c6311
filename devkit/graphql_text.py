"""Writing one GraphQL operation by parts: arguments as literals or variables, aliases, fragments.

The generator (`query_gen`) decides what to ask; this module keeps the document valid while it
does: each variable declared once and used, each fragment defined once and spread, aliases
unique (so two aliased fields never collide) and fewer than the server's alias limit.
"""

from __future__ import annotations

import json
import random
from typing import Any

__all__ = ["Document", "EnumValue", "literal"]

# Well below the server's `max_aliases` (30): the guard rail is not what is under test.
MAX_ALIASES = 20


class EnumValue(str):
    """An enum value: a bare name in a literal, a string in variables."""


def literal(value: Any) -> str:
    """`value` as a GraphQL literal (strings with JSON's escapes, which GraphQL shares)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, EnumValue):
        return str(value)
    if isinstance(value, int | float | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no GraphQL literal for {value!r}")


class Document:
    """One operation under construction."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.definitions: list[str] = []
        self.variables: dict[str, Any] = {}
        self.fragments: dict[str, tuple[str, int]] = {}  # name -> (definition, nesting level)
        self.aliases = 0
        # False once the document holds anything the fast path must hand over (see query_gen).
        self.expect_fast = True
        # The response key of the `mentors` field whose `endCursor` feeds `$after` (or, paging
        # backward, whose `startCursor` feeds `$before`).
        self.follow: str | None = None
        self.backward = False

    def fall_back(self) -> None:
        self.expect_fast = False

    def argument(self, name: str, graphql_type: str, value: Any) -> str:
        """`name: value`, the value written in the document or passed as a variable."""
        if self.rng.random() < 0.5:
            variable = f"v{len(self.variables) + 1}"
            self.declare(variable, graphql_type, value)
            return f"{name}: ${variable}"
        return f"{name}: {literal(value)}"

    def declare(self, variable: str, graphql_type: str, value: Any) -> None:
        self.definitions.append(f"${variable}: {graphql_type}")
        self.variables[variable] = value

    def alias(self, probability: float, *, required: bool = False) -> str:
        """`aN: ` (a fresh alias) with this probability while aliases remain, or when the
        field needs one to keep the document valid; else nothing."""
        if not required and (self.aliases >= MAX_ALIASES or self.rng.random() >= probability):
            return ""
        self.aliases += 1
        return f"a{self.aliases}: "

    def fragment(self, type_name: str, body: str, level: int) -> str:
        name = f"F{len(self.fragments) + 1}"
        self.fragments[name] = (f"fragment {name} on {type_name} {{ {body} }}", level)
        return name

    def reusable_fragment(self, type_name: str, level: int) -> str | None:
        """A fragment already defined on `type_name` that nests no deeper than `level`."""
        fitting = [
            name
            for name, (text, defined_level) in self.fragments.items()
            if text.split(" on ", 1)[1].startswith(f"{type_name} ") and defined_level <= level
        ]
        return self.rng.choice(fitting) if fitting else None

    def text(self, roots: list[str], kind: str = "query") -> str:
        body = "{\n  " + "\n  ".join(roots) + "\n}"
        if self.definitions:
            head = f"{kind} Op({', '.join(self.definitions)}) "
        elif kind == "query":
            head = self.rng.choice(["", "query ", "query Named "])
        else:
            head = self.rng.choice([f"{kind} ", f"{kind} Named "])
        fragments = "".join(f"\n{text}" for text, _ in self.fragments.values())
        return head + body + fragments
