"""What a request's JSON (its parameters and variables) may not hold, whatever the field.

- A NUL character: no field accepts one, and PostgreSQL cannot store one in text; refused at
  the door rather than failing deep inside a resolver.
- A lone UTF-16 surrogate (`"\\ud800"`): JSON allows the escape, but the text is not Unicode;
  UTF-8 cannot encode it, so the database driver and the JSON encoder of the answer fail on it.
- Nesting deeper than `MAX_NESTING`: no input of the schema nests more than a few levels, and
  every recursive reader (Python's JSON parser, graphql-core's input coercion) would overflow
  the stack on thousands.

The walk is a loop, not recursion: any depth is looked at safely.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_NESTING", "text_problem"]

# Objects and lists within each other; UpdateProfileInput.channels, the deepest input, is 4.
MAX_NESTING = 32


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(value: Any) -> str | None:
    """Why the parsed JSON `value` is refused, or None when it is acceptable."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "Text must not contain NUL characters."
            if not _is_unicode(item):
                return "Text must be valid Unicode: a lone UTF-16 surrogate (\\ud800-\\udfff)."
        elif isinstance(item, dict | list):
            if depth >= MAX_NESTING:
                return f"JSON nested more than {MAX_NESTING} levels deep is refused."
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return None
