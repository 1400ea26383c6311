"""Random read operations for the differential test of the fast read path (issue 6).

An operation has one to three roots among `node(id:)`, `viewer`, `mentors(...)` and
`mentorFacets(...)`, selecting a user's profile (U), their counts per status, active partners,
sent and received requests (R) with their history, and the users on those requests, two levels
deep at most; with aliases, named and inline fragments, variables and `__typename`
anywhere; paged operations follow their cursors. A few operations also hold something the fast
path hands to the ordinary executor (an exempt field, another root, an invalid argument, an id
that is not a user's): `Operation.expect_fast` is False for those. The vocabulary written from
the schema itself (every compiled field and argument, `@skip`/`@include`) is `schema_queries.py`.

Argumented fields inside fragments always carry a fresh alias: fragments merge with the fields
around them, and the same response key with other arguments would make the document invalid.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse
from strawberry.extensions.max_aliases import count_fields_with_alias

from devkit.graphql_text import Document
from devkit.query_inputs import (
    Vocabulary,
    choose_after,
    choose_bound,
    choose_filter,
    choose_first,
    choose_node_id,
    choose_order,
    choose_page_size,
    choose_statuses,
)
from tests.utils.query_fields import (
    EVENT_SCALARS,
    FACETS,
    OTHER_REQUEST_FIELDS,
    OTHER_ROOTS,
    OTHER_USER_FIELDS,
    REQUEST_SCALARS,
    RESPONSIVENESS,
    STATUS_COUNTS,
    USER_SCALARS,
)

__all__ = ["Operation", "Vocabulary", "generate_operations"]

MAX_PAGES = 5  # pages a paged operation follows (`Operation.follow`)


@dataclass(frozen=True)
class Operation:
    query: str
    variables: dict[str, Any]
    expect_fast: bool
    # The response key of a `mentors` field to page through: its `pageInfo.endCursor` is the
    # next `$after`, until `hasNextPage` is false; paging `backward`, its `startCursor` is the
    # next `$before`, until `hasPreviousPage` is false.
    follow: str | None = None
    backward: bool = False


def _subset(rng: random.Random, names: list[str], low: int, high: int) -> list[str]:
    return rng.sample(names, rng.randint(low, min(high, len(names))))


class _Generator:
    def __init__(self, rng: random.Random, vocabulary: Vocabulary) -> None:
        self.rng = rng
        self.vocabulary = vocabulary

    # --- Selections -----------------------------------------------------------------------

    def scalars(self, doc: Document, names: list[str], low: int, high: int) -> list[str]:
        return [doc.alias(0.1) + name for name in _subset(self.rng, names, low, high)]

    def user(self, doc: Document, level: int, in_fragment: bool = False) -> str:
        """A selection on `User`; `level`: how many more request lists may nest below."""
        rng = self.rng
        parts = self.scalars(doc, USER_SCALARS, 1, 6)
        if rng.random() < 0.3:
            parts.append(f"{doc.alias(0.2)}channels {{ {' '.join(self.channel_fields())} }}")
        if rng.random() < 0.3:
            fields = self.scalars(doc, RESPONSIVENESS, 1, 5)
            parts.append(f"{doc.alias(0.2)}responsiveness {{ {' '.join(fields)} }}")
        if rng.random() < 0.2:
            fields = _subset(rng, ["average", "count", "__typename"], 1, 3)
            parts.append(f"{doc.alias(0.2)}rating {{ {' '.join(fields)} }}")
        for name in ("sentRequests", "receivedRequests"):
            if level > 0 and rng.random() < 0.35:
                parts.append(self.request_list(doc, name, level - 1, in_fragment))
        for name in ("sentRequestCounts", "receivedRequestCounts"):
            if rng.random() < 0.08:
                fields = self.scalars(doc, STATUS_COUNTS, 1, 4)
                parts.append(f"{doc.alias(0.2)}{name} {{ {' '.join(fields)} }}")
        for name in ("activeMentors", "activeMentees"):
            if level > 0 and rng.random() < 0.08:
                partners = self.user(doc, level - 1, in_fragment)
                parts.append(f"{doc.alias(0.2)}{name} {{ {partners} }}")
        if level > 0 and rng.random() < 0.1:
            parts.append(self.favorite_mentors(doc, level - 1, in_fragment))
        if rng.random() < 0.15:
            parts.append("__typename")
        if rng.random() < 0.1:
            parts.append(f"... on User {{ {self.user(doc, 0, in_fragment=True)} }}")
        if rng.random() < 0.15:
            parts.append("..." + self.user_fragment(doc, level))
        if rng.random() < 0.02:
            doc.fall_back()
            parts.append(rng.choice(OTHER_USER_FIELDS))
        rng.shuffle(parts)
        return " ".join(parts)

    def favorite_mentors(self, doc: Document, level: int, in_fragment: bool) -> str:
        """`favoriteMentors(first:|last:, after:|before:)`: a connection of users, newest
        favourite first."""
        rng = self.rng
        arguments = []
        size_name, size, valid = choose_page_size(rng, default=20)
        if not valid:
            doc.fall_back()
        if size is not None:
            arguments.append(doc.argument(size_name, "Int", size))
        self.page_bound(doc, arguments, 0.15)
        return self.connection_field(
            doc,
            "favoriteMentors",
            arguments,
            lambda: self.user(doc, level, in_fragment),
            in_fragment,
        )

    def channel_fields(self) -> list[str]:
        return _subset(self.rng, ["type", "handle", "__typename"], 1, 3)

    def user_fragment(self, doc: Document, level: int) -> str:
        reused = doc.reusable_fragment("User", level) if self.rng.random() < 0.4 else None
        return reused or doc.fragment("User", self.user(doc, level, in_fragment=True), level)

    def request(self, doc: Document, level: int, in_fragment: bool) -> str:
        rng = self.rng
        parts = self.scalars(doc, REQUEST_SCALARS, 1, 5)
        for side in ("mentor", "mentee"):
            if rng.random() < 0.35:
                parts.append(f"{doc.alias(0.1)}{side} {{ {self.user(doc, level, in_fragment)} }}")
        if rng.random() < 0.15:
            parts.append(f"{doc.alias(0.1)}history {{ {self.event(doc, in_fragment)} }}")
        for name in ("menteeOpenRequestCount", "menteeActiveMentorshipCount"):
            if rng.random() < 0.08:
                parts.append(doc.alias(0.1) + name)
        if rng.random() < 0.1:
            parts.append("__typename")
        if rng.random() < 0.02:
            doc.fall_back()
            parts.append(rng.choice(OTHER_REQUEST_FIELDS))
        rng.shuffle(parts)
        return " ".join(parts)

    def event(self, doc: Document, in_fragment: bool) -> str:
        """A selection on `RequestEvent` (its actor and request without further lists)."""
        parts = self.scalars(doc, EVENT_SCALARS, 1, 4)
        if self.rng.random() < 0.3:
            parts.append(f"{doc.alias(0.1)}actor {{ {self.user(doc, 0, in_fragment)} }}")
        if self.rng.random() < 0.15:
            fields = " ".join(self.scalars(doc, REQUEST_SCALARS, 1, 3))
            parts.append(f"{doc.alias(0.1)}request {{ {fields} }}")
        self.rng.shuffle(parts)
        return " ".join(parts)

    def request_list(self, doc: Document, name: str, level: int, in_fragment: bool) -> str:
        rng = self.rng
        arguments = []
        if rng.random() < 0.7:
            size_name, size, valid = choose_page_size(rng, default=None)
            if size is not None or rng.random() < 0.3:
                arguments.append(doc.argument(size_name, "Int", size))
            if not valid:
                doc.fall_back()
        if rng.random() < 0.4:
            arguments.append(doc.argument("status", "[RequestStatus!]", choose_statuses(rng)))
        self.page_bound(doc, arguments, 0.15)
        return self.connection_field(
            doc, name, arguments, lambda: self.request(doc, level, in_fragment), in_fragment
        )

    def page_bound(self, doc: Document, arguments: list[str], probability: float) -> None:
        """Maybe an `after` or `before` cursor on an id-ordered list (and, rarely, `first` and
        `last` together: refused by the ordinary path, so the fast path hands it over)."""
        rng = self.rng
        if rng.random() < probability:
            name, cursor, valid = choose_bound(rng)
            if not valid:
                doc.fall_back()
            arguments.append(doc.argument(name, "String", cursor))
        if rng.random() < 0.01 and not any(a.startswith("last:") for a in arguments):
            doc.fall_back()
            arguments.append(doc.argument("last", "Int", 1))
            if not any(a.startswith("first:") for a in arguments):
                arguments.append(doc.argument("first", "Int", 1))

    def connection_field(
        self, doc: Document, name: str, arguments: list[str], item: Any, in_fragment: bool
    ) -> str:
        """A user's connection field (`name(arguments) { ... }`) of items that `item` writes."""
        parts = self.connection_parts(doc, item)
        if self.rng.random() < 0.15:
            parts.append("totalCount")
        alias = doc.alias(0.3, required=in_fragment)
        args = f"({', '.join(arguments)})" if arguments else ""
        return f"{alias}{name}{args} {{ {' '.join(parts)} }}"

    def connection_parts(self, doc: Document, item: Any) -> list[str]:
        """Some of `nodes`, `edges` and `pageInfo` (at least one), maybe `__typename`."""
        rng = self.rng
        chosen = _subset(rng, ["nodes", "edges", "pageInfo"], 1, 3)
        parts = []
        for part in chosen:
            if part == "nodes":
                parts.append(f"{doc.alias(0.1)}nodes {{ {item()} }}")
            elif part == "edges":
                inner = _subset(rng, ["cursor", "node"], 1, 2)
                edge = [f"node {{ {item()} }}" if p == "node" else "cursor" for p in inner]
                parts.append(f"{doc.alias(0.1)}edges {{ {' '.join(edge)} }}")
            else:
                names = ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"]
                fields = _subset(rng, [*names, "__typename"], 1, 4)
                parts.append(f"pageInfo {{ {' '.join(fields)} }}")
        if rng.random() < 0.1:
            parts.append("__typename")
        return parts

    # --- Roots ----------------------------------------------------------------------------

    def node(self, doc: Document, alias: str) -> str:
        rng = self.rng
        node_id, valid = choose_node_id(rng, self.vocabulary)
        if not valid:
            doc.fall_back()
        level = rng.choice([0, 1, 1, 2])
        if rng.random() < 0.25:
            parts = ["..." + self.user_fragment(doc, level)]
        else:
            parts = [f"... on User {{ {self.user(doc, level)} }}"]
        parts += [p for p in ("id", "__typename") if rng.random() < 0.2]
        if rng.random() < 0.5:
            parts.append(f"... on MentorshipRequest {{ {self.request(doc, level, False)} }}")
        rng.shuffle(parts)
        return f"{alias}node({doc.argument('id', 'ID!', node_id)}) {{ {' '.join(parts)} }}"

    def viewer(self, doc: Document, alias: str) -> str:
        return f"{alias}viewer {{ {self.user(doc, self.rng.choice([0, 1, 1, 2]))} }}"

    def mentors(self, doc: Document, alias: str) -> str:
        rng = self.rng
        arguments = []
        first, valid = choose_first(rng, default=20)
        # A pager walks a list of several pages: small pages, half of them unfiltered.
        pager = doc.follow is None and valid and rng.random() < 0.3
        size_name = "first"
        if pager:
            first = rng.choice([1, 2, 3, 5])
            doc.backward = rng.random() < 0.4
            size_name = "last" if doc.backward else "first"
        elif first is not None and rng.random() < 0.15:
            size_name = "last"
        if first is not None or rng.random() < 0.2:
            arguments.append(doc.argument(size_name, "Int", first))
        mentor_filter, filter_valid = choose_filter(rng)
        if pager and rng.random() < 0.5:
            mentor_filter, filter_valid = {"availableOnly": rng.random() < 0.5}, True
        valid = valid and filter_valid
        if mentor_filter or rng.random() < 0.3:
            arguments.append(doc.argument("filter", "MentorFilter", mentor_filter))
        order = choose_order(rng)
        if order is not None or rng.random() < 0.2:
            arguments.append(doc.argument("orderBy", "MentorOrder", order))
        if pager:
            bound = "before" if doc.backward else "after"
            doc.declare(bound, "String", None)
            arguments.append(f"{bound}: ${bound}")
            doc.follow = alias.removesuffix(": ") or "mentors"
        elif rng.random() < 0.05:
            after, after_valid = choose_after(rng)
            arguments.append(doc.argument(rng.choice(["after", "before"]), "String", after))
            valid = valid and after_valid
        if not valid:
            doc.fall_back()
        parts = self.connection_parts(doc, lambda: self.user(doc, rng.choice([0, 0, 1])))
        if rng.random() < 0.4:
            parts.append("totalCount")
        if pager:
            parts.append("pageInfo { hasNextPage hasPreviousPage startCursor endCursor }")
        args = f"({', '.join(arguments)})" if arguments else ""
        return f"{alias}mentors{args} {{ {' '.join(parts)} }}"

    def facets(self, doc: Document, alias: str) -> str:
        rng = self.rng
        mentor_filter, valid = choose_filter(rng)
        if not valid:
            doc.fall_back()
        parts = [
            f"{doc.alias(0.1)}{facet} {{ {' '.join(_subset(rng, ['value', 'count'], 1, 2))} }}"
            for facet in _subset(rng, FACETS, 1, 3)
        ]
        if rng.random() < 0.1:
            parts.append("__typename")
        argument = doc.argument("filter", "MentorFilter", mentor_filter)
        return f"{alias}mentorFacets({argument}) {{ {' '.join(parts)} }}"

    def operation(self) -> Operation:
        doc = Document(self.rng)
        roots, used = [], set()
        writers = {
            "node": self.node,
            "viewer": self.viewer,
            "mentors": self.mentors,
            "mentorFacets": self.facets,
        }
        for _ in range(self.rng.choice([1, 1, 2, 2, 3])):
            roll = self.rng.random()
            name = (
                "node" if roll < 0.42 else
                "viewer" if roll < 0.58 else
                "mentors" if roll < 0.9 else
                "mentorFacets"
            )  # fmt: skip
            # A root asked twice needs a new response key (other arguments would collide).
            alias = doc.alias(0.3, required=name in used)
            used.add(name if not alias else "")
            roots.append(writers[name](doc, alias))
        if self.rng.random() < 0.05:
            roots.append("__typename")
        if self.rng.random() < 0.03:
            doc.fall_back()
            roots.append(self.rng.choice(OTHER_ROOTS))
        variables = dict(doc.variables)
        if variables and self.rng.random() < 0.04:
            doc.fall_back()
            self.mangle(variables)
        text = doc.text(roots)
        if _aliases_as_the_server_counts(text) > SERVER_MAX_ALIASES:
            doc.fall_back()  # reused fragments count again: the guard rail refuses it
        return Operation(text, variables, doc.expect_fast, doc.follow, doc.backward)

    def mangle(self, variables: dict[str, Any]) -> None:
        """Variables the document did not ask for: one undeclared, of the wrong type, or
        missing (an error for a required one, null for the others)."""
        name = self.rng.choice(sorted(variables))
        how = self.rng.choice(["undeclared", "wrong type", "missing"])
        if how == "undeclared":
            variables["undeclared"] = 1
        elif how == "wrong type":
            variables[name] = {"not": ["what", "was", "asked"]}
        else:
            del variables[name]


def generate_operations(seed: int, count: int, vocabulary: Vocabulary) -> list[Operation]:
    generator = _Generator(random.Random(seed), vocabulary)
    return [generator.operation() for _ in range(count)]


# The server's default `max_aliases` (mentorgraph/settings.py).
SERVER_MAX_ALIASES = 30


def _aliases_as_the_server_counts(text: str) -> int:
    """Aliases of the operation with every fragment spread counted again where it is spread,
    as the server's guard rail (Strawberry's MaxAliasesLimiter) counts them."""
    document = parse(text)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return sum(
        count_fields_with_alias(d, fragments)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )
