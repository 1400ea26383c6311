"""Values only Python renders exactly, filled in after PostgreSQL built the answer.

The statement leaves `{"$rate": [answered, unanswered]}`, `{"$hours": median}`,
`{"$average": [total, count]}`, `{"$cursor": [keys]}`, `{"$age": micros}` (days ago, against the
clock when answered) and `{"$recommend": candidates}` where the ordinary path's rounding
(Python's `round`, half to even on the binary value; PostgreSQL's `round(numeric)` rounds halves
away from zero), its cursor encoding (`json.dumps` with ASCII escapes) or its ranking
(`recommendations.py`) must be used: here they are, the same functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson

from mentorgraph.models.directory.responsiveness import median_hours_rounded, response_rate
from mentorgraph.models.requests.feedback import average_rating
from mentorgraph.resolvers.fast_reads.admin import age_days
from mentorgraph.resolvers.fast_reads.recommendations import recommended
from mentorgraph.resolvers.pagination import encode_cursor

__all__ = ["complete", "finish"]

_MARKERS: dict[str, Callable[[Any], Any]] = {
    "$rate": lambda raw: response_rate(*raw),
    # PostgreSQL writes the double 2.0 as `2`, which JSON reads back as an int: a float again.
    "$hours": lambda raw: median_hours_rounded(None if raw is None else float(raw)),
    "$cursor": encode_cursor,
    "$average": lambda raw: average_rating(*raw),
    # The candidates read, ranked by the ordinary path's `rank`; their mentors may hold markers.
    "$recommend": lambda raw: _replace(recommended(raw), ()),
    "$age": age_days,
}


def _replace(value: Any, values: Sequence[Any]) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            [(key, raw)] = value.items()
            if key in _MARKERS:
                return _MARKERS[key](raw)
            if key == "$value":  # `Build.python_value`: the value Python holds
                return values[raw]
        for key, item in value.items():
            if isinstance(item, dict | list):
                value[key] = _replace(item, values)
        return value
    if isinstance(value, list):
        return [_replace(item, values) if isinstance(item, dict | list) else item for item in value]
    return value


def finish(text: str) -> bytes:
    """The answer with every marker replaced, as compact JSON."""
    return orjson.dumps(_replace(orjson.loads(text), ()))


def complete(text: str, values: Sequence[Any] = ()) -> Any:
    """The answer as Python values, every marker replaced (`values`: `Build.values`, what the
    `$value` markers stand for)."""
    return _replace(orjson.loads(text), values)
