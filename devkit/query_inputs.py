"""Argument values for generated operations: mostly valid, sometimes wrong on purpose.

Each chooser returns `(value, valid)`. An invalid value (a malformed id, a forged cursor, a page
size out of range, an unknown country) must reach the ordinary executor and fail there with the
same error on both paths; the generator marks such operations as not expected to be fast.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from devkit.graphql_text import EnumValue
from devkit.world_profiles import COUNTRIES, LANGUAGES, SEARCH_WORDS, TAGS

__all__ = [
    "REQUEST_STATUSES",
    "Vocabulary",
    "choose_after",
    "choose_bound",
    "choose_filter",
    "choose_first",
    "choose_node_id",
    "choose_order",
    "choose_page_size",
    "choose_statuses",
]

REQUEST_STATUSES = ["NEW", "VIEWED", "APPROVED", "DECLINED", "CANCELLED", "EXPIRED", "COMPLETED"]
ORDERS = ["NEWEST", "NAME", "RESPONSIVENESS"]


@dataclass(frozen=True)
class Vocabulary:
    """The global ids of the world the operations ask about."""

    user_ids: Sequence[str]
    request_ids: Sequence[str]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# Ids that are not ids of users: malformed, out of range, of unknown or other types, or a
# user's id spelled another way (padding, the standard alphabet).
BAD_IDS = [
    "",
    "not-an-id",
    "!!!",
    _b64("User:0"),
    _b64("User:-3"),
    _b64("User:abc"),
    _b64("User:99999"),
    _b64("User:" + "9" * 25),
    _b64("Nope:1"),
    _b64("RequestEvent:1"),
    _b64("User:1") + "=",
    base64.b64encode(b"User:1").decode(),
    _b64(" User:2"),
]


def _cursor(values: list[Any]) -> str:
    """A hand-made cursor (the server's own format: base64url JSON, unpadded)."""
    return _b64(json.dumps(values, separators=(",", ":")))


# Cursors no answer handed out: garbage, wrong arity or types, a bool, a float, a huge int.
FORGED_CURSORS = [
    "not-a-cursor",
    "%%%",
    _cursor([]),
    _cursor(["x"]),
    _cursor([1.5]),
    _cursor([True]),
    _cursor([2**70]),
    _cursor([1, 2, 3]),
    _cursor(["Zoë", 10]),
    _cursor([5000, "x"]),
]


def _pick(rng: random.Random, ids: Sequence[str]) -> str:
    # One draw whatever the length (`rng.choice` draws more for longer lists): the same seed
    # writes the same documents for any world, so a corpus can be checked without one.
    return ids[int(rng.random() * len(ids))]


def choose_node_id(rng: random.Random, vocabulary: Vocabulary) -> tuple[str, bool]:
    roll = rng.random()
    if roll < 0.75:
        return _pick(rng, vocabulary.user_ids), True
    if roll < 0.93:
        return _pick(rng, vocabulary.request_ids), True
    return rng.choice(BAD_IDS), False


def choose_first(rng: random.Random, *, default: int | None) -> tuple[int | None, bool]:
    """A page size (None: leave the argument out, or pass null when there is a default)."""
    if rng.random() < 0.02:
        return rng.choice([101, -1, 1000, 2**31]), False
    return rng.choice([0, 1, 1, 2, 2, 3, 3, 5, None, default]), True


def choose_after(rng: random.Random) -> tuple[str, bool]:
    """An `after` no answer handed out ("" is no cursor at all, for the ordinary path)."""
    if rng.random() < 0.3:
        return "", True
    return rng.choice(FORGED_CURSORS), False


def choose_page_size(rng: random.Random, *, default: int | None) -> tuple[str, int | None, bool]:
    """`first` or, one time in four, `last` (the same sizes), and a page size as `choose_first`."""
    name = "last" if rng.random() < 0.25 else "first"
    size, valid = choose_first(rng, default=default if name == "first" else None)
    return name, size, valid


def choose_bound(rng: random.Random) -> tuple[str, str, bool]:
    """`after` or `before` and a cursor: mostly a well-formed one of an integer key (a bound
    anywhere in an id-ordered list, whether or not such a row exists), else `choose_after`'s."""
    name = rng.choice(["after", "before"])
    if rng.random() < 0.6:
        return name, _cursor([rng.randint(1, 400)]), True
    cursor, valid = choose_after(rng)
    return name, cursor, valid


def choose_order(rng: random.Random) -> EnumValue | None:
    return rng.choice([None, *(EnumValue(o) for o in ORDERS)])


def choose_statuses(rng: random.Random) -> list[EnumValue]:
    """A `status` filter: a few statuses, sometimes none at all or one twice."""
    chosen = rng.sample(REQUEST_STATUSES, rng.randint(0, 3))
    if chosen and rng.random() < 0.15:
        chosen.append(chosen[0])
    return [EnumValue(s) for s in chosen]


def choose_filter(rng: random.Random) -> tuple[dict[str, Any] | None, bool]:
    """A `MentorFilter` (None: null), each part present or not; rarely one part invalid."""
    if rng.random() < 0.1:
        return None, True
    parts: dict[str, Any] = {}
    if rng.random() < 0.35:
        parts["search"] = rng.choice(SEARCH_WORDS)
    if rng.random() < 0.3:
        parts["tags"] = rng.sample(TAGS, rng.choice([0, 1, 1, 2]))
    if rng.random() < 0.2:
        parts["country"] = rng.choice(COUNTRIES)
    if rng.random() < 0.2:
        parts["spokenLanguage"] = rng.choice(LANGUAGES)
    if rng.random() < 0.4:
        parts["availableOnly"] = rng.random() < 0.4
    if rng.random() < 0.05:
        name, bad = rng.choice(
            [
                ("search", "x" * 101),
                ("search", "tab\x01"),
                ("tags", [f"t{i}" for i in range(11)]),
                ("tags", ["bad!tag"]),
                ("country", "XX"),
                ("spokenLanguage", "zz"),
            ]
        )
        parts[name] = bad
        return parts, False
    return parts, True
