"""What a fuzzed answer must never show, and strategies for hostile JSON envelopes.

Used by tests/api/test_hostile_fuzz.py: documents come from hypothesis-graphql (every query and
mutation of the schema), envelopes (the JSON object around a document) from here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

__all__ = ["Deep", "answer_problems", "dumps", "envelopes", "json_values"]

# Text that only an unhandled exception puts into an answer: a traceback, a source location,
# the name of a driver or the ORM, a Python exception class. (An INTERNAL_SERVER_ERROR hides the
# text, but is a crash all the same: a client fault must get a code that says what was wrong.)
LEAK_MARKERS = ("Traceback", 'File "', "asyncpg", "tortoise", "sqlite3", "aiosqlite")
EXCEPTION_CLASS = re.compile(r"\b[A-Z][A-Za-z]+(?:Error|Exception)\b")
# Names that look like exception classes but are part of the API.
API_NAMES = {"UserError", "GraphQLError"}


def answer_problems(sent: str, status: int, raw: bytes) -> list[str]:
    """Why this answer breaks the rules (empty when it does not): a status >= 500, a body
    that is not a JSON object, an error without `extensions.code`, exception text. `sent` is
    the request as text: a marker the client sent itself may be echoed back."""
    problems = []
    if status >= 500:
        problems.append(f"status {status}")
    text = raw.decode("utf-8", errors="replace")
    try:
        body = json.loads(text)
    except ValueError:
        return [*problems, f"not JSON: {text[:200]!r}"]
    if not isinstance(body, dict):
        return [*problems, f"not a JSON object: {text[:200]!r}"]
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
        if not code:
            problems.append(f"an error without extensions.code: {error!r}"[:300])
        elif code == "INTERNAL_SERVER_ERROR":  # masked, but still a crash behind it
            problems.append(f"INTERNAL_SERVER_ERROR at {error.get('path')}")
    for marker in LEAK_MARKERS:
        if marker in text and marker not in sent:
            problems.append(f"{marker!r} in the answer")
    for name in sorted({m.group(0) for m in EXCEPTION_CLASS.finditer(text)} - API_NAMES):
        if name not in sent:
            problems.append(f"exception class {name!r} in the answer")
    return problems


# Strings a hostile client sends: lone UTF-16 surrogates (json.dumps escapes them as \udXXX,
# which is valid JSON), control characters, very long ones, id-like and number-like ones.
ODD_STRINGS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "\ud800",
            "a\udfffb",
            "\udbff\udbff",
            "\x00",
            "\r\n",
            "x" * 5000,
            "VXNlcjox",  # "User:1"
            "VXNlcjo5OTk5OTk5OTk5OTk5OTk5OTk5",  # "User:9999999999999999999"
            "TWVudG9yc2hpcFJlcXVlc3Q6MjE0NzQ4MzY0OA",  # "MentorshipRequest:2147483648"
            "9223372036854775808",
            "-1",
            "query",
            "Q",
        ]
    ),
)


@dataclass(frozen=True)
class Deep:
    """A value nested `depth` levels deep (deeper than json.dumps goes): see `dumps`."""

    depth: int
    leaf: Any
    as_list: bool

    def text(self) -> str:
        opening, closing = ("[", "]") if self.as_list else ('{"a":', "}")
        return opening * self.depth + dumps(self.leaf) + closing * self.depth


def dumps(value: Any) -> str:
    """JSON text of `value`, which may hold `Deep` values anywhere."""
    if isinstance(value, Deep):
        return value.text()
    if isinstance(value, dict):
        items = (f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value)


json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | ODD_STRINGS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ODD_STRINGS, inner, max_size=4),
    max_leaves=12,
)

# Around the depth where Python's recursion limit (1000) bites, and far beyond.
DEPTHS = st.sampled_from([10, 500, 999, 1001, 5000]) | st.integers(min_value=1, max_value=3000)
deep_values = st.builds(Deep, DEPTHS, json_values, st.booleans())
# Names of the variables the documents above declare, and others.
VARIABLE_NAMES = st.sampled_from(["v", "id", "i"]) | ODD_STRINGS
OPERATION_NAMES = st.sampled_from(["Q", "R", "M", "", "X"]) | ODD_STRINGS

# Documents, valid and not, for the envelope: the point is the envelope, not the document.
DOCUMENTS = st.one_of(
    st.sampled_from(
        [
            "{ viewer { id } }",
            "query Q { viewer { id } } query R { mentors { totalCount } }",
            "fragment F on Query { viewer { id } }",
            "query Q($v: MentorFilter) { mentors(filter: $v) { totalCount } }",
            "query Q($v: String) { mentors(after: $v) { totalCount } }",
            "query Q($id: ID!) { node(id: $id) { id } }",
            "mutation M($i: LogInInput!) { logIn(input: $i) { token } }",
            "subscription { mentorshipRequestEvents { id } }",
            "",
            "{",
        ]
    ),
    ODD_STRINGS,
)


def envelopes() -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object with `query`, `variables`, `operationName` (each maybe absent, maybe of
    the wrong type, maybe deeply nested) and maybe an extra key."""
    value = json_values | deep_values
    return st.fixed_dictionaries(
        {},
        optional={
            "query": DOCUMENTS | value,
            "variables": st.dictionaries(VARIABLE_NAMES, value, max_size=3) | value,
            "operationName": OPERATION_NAMES | value,
            "extensions": value,
        },
    )
