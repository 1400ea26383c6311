"""Read operations written from the schema itself: every compiled field, every argument.

The vocabulary is the schema (`graphql-core`'s types) and the fast path's registry
(`resolvers/fast_reads/fields.py`): from each declared root of `Query`, a random choice of the
declared fields of each object type reached (the possible types of an interface, by inline or
named fragments, one on the interface itself), each argument the schema gives them with a value
made from its type (`_Values`), as a literal or a variable of its declared type, sometimes
under `@include`/`@skip` (literal or variable), aliased, with `__typename`. A field declared
tomorrow is written by construction; `Coverage` records which (type, field, argument) the
operations held, so a test can require that all of them were.

Argument values come from the type: enums from their values, input objects from their fields,
lists from their items; the few names that carry meaning beyond their type (`first`/`last`: page
sizes; `after`/`before`: cursors; ids: the world's) draw from the same choosers as
`query_gen`. Argumented fields always carry a fresh alias, so fragments merge without conflict.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)

from devkit.graphql_text import Document, EnumValue
from devkit.query_inputs import Vocabulary, choose_bound, choose_page_size
from devkit.query_inputs import _pick as pick
from devkit.world_profiles import COUNTRIES, LANGUAGES, SEARCH_WORDS, TAGS
from mentorgraph.models import clock
from mentorgraph.models.admin.statistics_weeks import iso_week
from mentorgraph.resolvers.fast_reads.fields import FIELDS

__all__ = ["Coverage", "SchemaOperation", "payload_operation", "schema_operations"]

MAX_DEPTH = 4  # object levels below a root
DEEP = 3  # from this level on, only objects no operation asked yet (the cost stays in budget)


@dataclass(frozen=True)
class SchemaOperation:
    query: str
    variables: dict[str, Any]
    # The (type, field) pairs it selects: compiled if all are declared.
    fields: frozenset[tuple[str, str]] = frozenset()

    @property
    def compiled(self) -> bool:
        return all(key in FIELDS for key in self.fields)


@dataclass
class Coverage:
    """What the operations held: (type, field) and (type, field, argument)."""

    fields: set[tuple[str, str]] = field(default_factory=set)
    arguments: set[tuple[str, str, str]] = field(default_factory=set)

    def missing(self, schema: GraphQLSchema, root: GraphQLObjectType | None = None) -> list[str]:
        """Declared fields and their arguments no operation held, of the types reached from
        `root` (`Query` by default; `Mutation`: the payloads)."""
        found = []
        reached = _reached(schema, root or schema.query_type)
        for (type_name, name), _ in sorted(FIELDS.items()):
            named = schema.type_map.get(type_name)
            if not isinstance(named, GraphQLObjectType) or name not in named.fields:
                continue
            if type_name not in reached:
                continue
            if (type_name, name) not in self.fields:
                found.append(f"{type_name}.{name}")
            for argument in named.fields[name].args:
                if (type_name, name, argument) not in self.arguments:
                    found.append(f"{type_name}.{name}({argument})")
        return found


def _reached(schema: GraphQLSchema, root: Any) -> set[str]:
    """The names of the object types reachable from `root` through declared fields (below
    `root` itself: any of its fields)."""
    reached: set[str] = set()
    stack = [get_named_type(f.type) for f in root.fields.values()]
    while stack:
        named = stack.pop()
        if isinstance(named, GraphQLInterfaceType):
            stack.extend(schema.get_possible_types(named))
            continue
        if not isinstance(named, GraphQLObjectType) or named.name in reached:
            continue
        reached.add(named.name)
        stack.extend(
            get_named_type(f.type) for n, f in named.fields.items() if (named.name, n) in FIELDS
        )
    return reached


def _type_text(graphql_type: Any) -> str:
    return str(graphql_type)  # graphql-core prints `[RequestStatus!]!` etc.


class _Values:
    """A value for an argument or input field, from its type (and, for a few, its name)."""

    def __init__(self, rng: random.Random, vocabulary: Vocabulary) -> None:
        self.rng = rng
        self.vocabulary = vocabulary

    def for_argument(self, name: str, argument: GraphQLArgument, page: dict[str, Any]) -> Any:
        if name in ("first", "last"):
            return page.get(name)
        if name in ("after", "before"):
            return page.get(name)
        return self.of(name, argument.type)

    def of(self, name: str, graphql_type: GraphQLInputType) -> Any:
        rng = self.rng
        nullable = not isinstance(graphql_type, GraphQLNonNull)
        inner = graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type
        if nullable and rng.random() < 0.1:
            return None
        if isinstance(inner, GraphQLList):
            count = rng.choice([0, 1, 1, 2])
            return [self.of(name, inner.of_type) for _ in range(count)]
        if isinstance(inner, GraphQLEnumType):
            return EnumValue(rng.choice(sorted(inner.values)))
        if isinstance(inner, GraphQLInputObjectType):
            return {
                field_name: self.of(field_name, input_field.type)
                for field_name, input_field in inner.fields.items()
                if isinstance(input_field.type, GraphQLNonNull) or rng.random() < 0.4
            }
        assert isinstance(inner, GraphQLScalarType), inner
        return self.scalar(name, inner.name)

    def scalar(self, name: str, scalar: str) -> Any:
        rng = self.rng
        if scalar == "ID":
            ids = self.vocabulary.user_ids if rng.random() < 0.75 else self.vocabulary.request_ids
            return pick(rng, ids)
        if scalar == "Boolean":
            return rng.random() < 0.5
        if scalar == "Int":
            return rng.choice([0, 1, 2, 3, 5])
        if scalar == "Float":
            return rng.choice([0.5, 1.0, 5.0])
        if name in ("fromWeek", "toWeek"):
            # ISO weeks around today's (the world's requests are recent), sometimes malformed.
            today = clock.now().astimezone(UTC).date()
            return rng.choice([iso_week(today - timedelta(weeks=rng.randint(0, 20))), "2026-W1"])
        # Strings: words the world holds, by what the name suggests.
        words = {"country": COUNTRIES, "spokenLanguage": LANGUAGES, "tags": TAGS}
        return rng.choice(words.get(name, [*SEARCH_WORDS, *TAGS]))


class _Writer:
    def __init__(
        self,
        schema: GraphQLSchema,
        rng: random.Random,
        vocabulary: Vocabulary,
        coverage: Coverage,
        every_field: bool,
    ) -> None:
        self.schema = schema
        self.rng = rng
        self.values = _Values(rng, vocabulary)
        self.coverage = coverage
        self.every_field = every_field
        self.used: set[tuple[str, str]] = set()

    def declared(self, named: GraphQLObjectType) -> list[str]:
        """The fields written: the compiled ones (or, `every_field`, all of them)."""
        return [n for n in named.fields if self.every_field or (named.name, n) in FIELDS]

    def arguments(self, doc: Document, type_name: str, name: str, args: dict[str, Any]) -> str:
        rng = self.rng
        page: dict[str, Any] = {}
        if "first" in args or "last" in args:
            size_name, size, _ = choose_page_size(rng, default=None)
            if size_name in args:
                page[size_name] = size
            if rng.random() < 0.2 and "after" in args:
                bound, cursor, _ = choose_bound(rng)
                page[bound] = cursor
        written = []
        for argument_name, argument in args.items():
            self.coverage.arguments.add((type_name, name, argument_name))
            if argument_name in ("first", "last", "after", "before") and argument_name not in page:
                continue
            required = isinstance(argument.type, GraphQLNonNull)
            if not required and argument.default_value is not None and rng.random() < 0.3:
                continue  # its default
            value = self.values.for_argument(argument_name, argument, page)
            if value is None and required:
                value = self.values.of(argument_name, argument.type)
            written.append(doc.argument(argument_name, _type_text(argument.type), value))
        return f"({', '.join(written)})" if written else ""

    def condition(self, doc: Document) -> str:
        """Sometimes `@include`/`@skip`, on a literal or a variable."""
        rng = self.rng
        if rng.random() >= 0.12:
            return ""
        directive = rng.choice(["include", "skip"])
        value = rng.random() < 0.5
        if rng.random() < 0.5:
            variable = f"c{len(doc.variables) + 1}"
            doc.declare(variable, "Boolean!", value)
            return f" @{directive}(if: ${variable})"
        return f" @{directive}(if: {'true' if value else 'false'})"

    def selection(self, doc: Document, named: Any, depth: int) -> str:
        """A selection set's body on an object type or an interface."""
        rng = self.rng
        if isinstance(named, GraphQLInterfaceType):
            possible = [t for t in self.schema.get_possible_types(named) if self.declared(t)]
            parts = []
            if rng.random() < 0.3:
                parts.append("__typename")
            for runtime in rng.sample(possible, rng.randint(1, len(possible))):
                body = self.selection(doc, runtime, depth)
                if rng.random() < 0.3:
                    name = doc.fragment(runtime.name, body, depth)
                    parts.append(f"...{name}{self.condition(doc)}")
                else:
                    parts.append(f"... on {runtime.name}{self.condition(doc)} {{ {body} }}")
            if rng.random() < 0.2:
                shared = [n for n in named.fields if not named.fields[n].args]
                fields = " ".join(rng.sample(shared, rng.randint(1, len(shared))))
                parts.append(f"...{doc.fragment(named.name, fields, depth)}")
            return " ".join(parts)
        assert isinstance(named, GraphQLObjectType)
        names = self.declared(named)
        leaves = [n for n in names if is_leaf_type(get_named_type(named.fields[n].type))]
        objects = [n for n in names if n not in leaves]
        chosen = rng.sample(leaves, rng.randint(min(1, len(leaves)), min(4, len(leaves))))
        if depth < DEEP and objects:
            chosen += rng.sample(objects, rng.randint(0, min(2, len(objects))))
        # One field no operation asked yet, when there is one: every field, by construction.
        unasked = [n for n in names if (named.name, n) not in self.coverage.fields]
        unasked = [n for n in unasked if n in leaves or depth < MAX_DEPTH]
        if unasked and not set(unasked) & set(chosen):
            chosen.append(rng.choice(unasked))
        parts = [self.field(doc, named, name, depth) for name in chosen]
        if not parts or rng.random() < 0.15:
            parts.append("__typename")
        if leaves and rng.random() < 0.1:
            body = self.field(doc, named, rng.choice(leaves), MAX_DEPTH)
            parts.append(f"... on {named.name} {{ {body} }}")
        rng.shuffle(parts)
        return " ".join(parts)

    def field(self, doc: Document, named: GraphQLObjectType, name: str, depth: int) -> str:
        self.coverage.fields.add((named.name, name))
        self.used.add((named.name, name))
        definition = named.fields[name]
        args = self.arguments(doc, named.name, name, dict(definition.args))
        alias = doc.alias(0.15, required=bool(definition.args))
        text = f"{alias}{name}{args}{self.condition(doc)}"
        child = get_named_type(definition.type)
        if is_leaf_type(child):
            return text
        return f"{text} {{ {self.selection(doc, child, depth + 1)} }}"

    def operation(self) -> SchemaOperation:
        rng = self.rng
        doc = Document(rng)
        self.used = set()
        query_type = self.schema.query_type
        assert query_type is not None
        roots = self.declared(query_type)
        chosen = rng.sample(roots, rng.randint(1, min(3, len(roots))))
        parts = [self.field(doc, query_type, name, 0) for name in chosen]
        if rng.random() < 0.05:
            parts.append("__typename")
        return SchemaOperation(doc.text(parts), dict(doc.variables), frozenset(self.used))


def schema_operations(
    schema: GraphQLSchema,
    seed: int,
    count: int,
    vocabulary: Vocabulary,
    *,
    every_field: bool = False,
    until_covered: int = 0,
) -> tuple[list[SchemaOperation], Coverage]:
    """`count` operations over the compiled fields (`every_field`: over all the read fields, to
    measure the share a client's operations would find compiled), then up to `until_covered`
    more while some declared field or argument was not asked yet: a field deep in the schema
    (a recommendation's reasons) is reached by chance, and a new field elsewhere moves chance."""
    coverage = Coverage()
    writer = _Writer(schema, random.Random(seed), vocabulary, coverage, every_field)
    operations = [writer.operation() for _ in range(count)]
    for _ in range(until_covered):
        if not coverage.missing(schema):
            break
        operations.append(writer.operation())
    return operations, coverage


def payload_operation(
    schema: GraphQLSchema,
    rng: random.Random,
    vocabulary: Vocabulary,
    coverage: Coverage,
    mutation: str,
    given: dict[str, Any],
    also: Sequence[str] = (),
    *,
    every_field: bool = False,
) -> SchemaOperation:
    """The mutation `mutation` with the input `given` (a variable), its payload's selection
    written from the schema as a query's is (declared fields, arguments, fragments,
    `@include`/`@skip`, aliases), and each field of `also` besides (`{ __typename }`)."""
    mutation_type = schema.mutation_type
    assert mutation_type is not None
    writer = _Writer(schema, rng, vocabulary, coverage, every_field)
    doc = Document(rng)
    definition = mutation_type.fields[mutation]
    arguments = ""
    if "input" in definition.args:
        doc.declare("input", _type_text(definition.args["input"].type), given)
        arguments = "(input: $input)"
    alias = doc.alias(0.3)
    payload = get_named_type(definition.type)
    body = writer.selection(doc, payload, 0)
    body += "".join(f" also{i}: {name} {{ __typename }}" for i, name in enumerate(also))
    text = doc.text([f"{alias}{mutation}{arguments} {{ {body} }}"], kind="mutation")
    return SchemaOperation(text, dict(doc.variables), frozenset(writer.used))
