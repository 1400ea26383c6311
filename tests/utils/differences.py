"""Comparing two answers to one operation, and saying where they part when they do."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import orjson

from tests.utils.client import GraphQLResponse

__all__ = ["Difference", "canonical", "compare", "first_divergence", "report"]


def _parsed(raw: bytes) -> Any:
    """The body parsed, its top-level `errors` in a fixed order.

    NOTE: the ordinary executor lists errors in the order its resolvers happen to fail; under
    different root fields that follows which database round trip returned first, and varies
    from one run of the same request to the next (measured: 36 of 200 runs of one query swapped
    two errors). Only the set of errors is an answer; their order is not.
    """
    body = orjson.loads(raw)
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and len(errors) > 1:
        body["errors"] = sorted(errors, key=orjson.dumps)
    return body


def canonical(raw: bytes) -> bytes:
    """The body without its whitespace (several errors sorted: see `_parsed`); key order and
    int-versus-float kept."""
    return orjson.dumps(_parsed(raw))


def first_divergence(left: Any, right: Any, path: str = "$") -> tuple[str, Any, Any] | None:
    """The first place (a JSON path) where two parsed bodies differ, with both values there."""
    if type(left) is not type(right):
        return path, left, right
    if isinstance(left, dict):
        if list(left) != list(right):
            return f"{path} (keys)", list(left), list(right)
        for key in left:
            found = first_divergence(left[key], right[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(left, list):
        for index, (a, b) in enumerate(zip(left, right, strict=False)):
            found = first_divergence(a, b, f"{path}[{index}]")
            if found:
                return found
        return None if len(left) == len(right) else (f"{path} (length)", len(left), len(right))
    return None if left == right else (path, left, right)


@dataclass(frozen=True)
class Difference:
    viewer: str
    query: str
    variables: dict[str, Any]
    ordinary: GraphQLResponse
    fast: GraphQLResponse

    @property
    def where(self) -> tuple[str, Any, Any]:
        found = first_divergence(_parsed(self.ordinary.raw), _parsed(self.fast.raw))
        return found or ("(bodies equal)", None, None)

    @property
    def kind(self) -> str:
        """What differs, whatever the operation: the last key of the path (aliases and list
        indexes blurred), the types of both values, both statuses."""
        path, ordinary, fast = self.where
        last = re.sub(r"\[\d+\]", "[]", path.rsplit(".", 1)[-1])
        last = re.sub(r"^a\d+", "<alias>", last)
        types = f"{type(ordinary).__name__} -> {type(fast).__name__}"
        return f"{last}: {types}, status {self.ordinary.status} -> {self.fast.status}"

    @property
    def size(self) -> int:
        return len(self.query) + len(json.dumps(self.variables))

    def describe(self) -> str:
        path, ordinary, fast = self.where
        return "\n".join(
            [
                f"viewer: {self.viewer}",
                f"query: {self.query}",
                f"variables: {json.dumps(self.variables, ensure_ascii=False)}",
                f"status: ordinary {self.ordinary.status}, fast {self.fast.status}",
                f"first difference at {path}: ordinary {ordinary!r}, fast {fast!r}",
                f"ordinary body: {self.ordinary.raw[:1500].decode(errors='replace')}",
                f"fast body:     {self.fast.raw[:1500].decode(errors='replace')}",
            ]
        )


def compare(ordinary: GraphQLResponse, fast: GraphQLResponse) -> bool:
    """Same status and the same canonical body."""
    return ordinary.status == fast.status and canonical(ordinary.raw) == canonical(fast.raw)


def report(differences: list[Difference], kinds_shown: int = 6) -> str:
    """The differences grouped by kind, each kind with its shortest example in full (the
    nearest to a minimal one), most frequent kinds first."""
    by_kind: dict[str, list[Difference]] = defaultdict(list)
    for difference in differences:
        by_kind[difference.kind].append(difference)
    ranked = sorted(by_kind.items(), key=lambda item: -len(item[1]))
    lines = [f"{len(differences)} answers differ, in {len(by_kind)} ways:"]
    lines += [f"  {len(found)} x {kind}" for kind, found in ranked]
    for kind, found in ranked[:kinds_shown]:
        shortest = min(found, key=lambda d: d.size)
        lines += ["", f"--- {kind} ({len(found)}); the shortest:", shortest.describe()]
    return "\n".join(lines)
