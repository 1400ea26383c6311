"""One declaration per field: the registry of what the compiler renders, keyed by (type, field).

Every field of the schema is either declared here (its arguments, its visibility policy, its SQL
rendering) or exempted, with a reason, in `exemptions.py`;
`tests/api/test_fast_reads_completeness.py` walks the schema and fails on anything else, and the
compiler refuses (raises `Undeclared`) a field whose schema arguments or input fields its
declaration does not name. So a field cannot exist in the schema with a rendering on one path only,
and an argument cannot be ignored by this path.

How a field is declared
-----------------------
Beside the renderings of its type (`users.py` for `User`, `requests.py` for `MentorshipRequest`
and `RequestEvent`, `connections.py` for connections, `roots.py` for `Query`; a new type: a new
module under `resolvers/fast_reads/`, imported by `roots.py`)::

    @renders("User", "email", policy=SELF_OR_ADMIN, subject=user_id)
    def _email(build: Build, selected: Selected, u: str) -> str:
        return f"{u}.email"

- the function renders the value as SQL, given the `Build`, the selected field (its arguments:
  `build.arguments(selected)`; its sub-selection: `object_sql`) and the row its type is rendered
  over (what the parent passes: the alias of a `users` row for `User`, a `Page` for connections,
  None for `Query`);
- `arguments`: every argument of the field the rendering reads: all of the schema's, or the
  compiler raises `Undeclared`; an input-object argument's fields are declared once per input
  type with `reads_input("MentorFilter", [...])`, and an enum argument's (or input field's)
  values once per enum type with `reads_enum("MentorOrder", [...])`: the names of the values the
  rendering has SQL for (its mapping's keys), so a value added to the schema alone is refused;
- `policy` (one of `models/policies.py`) and `subject` (row -> the policy's subject as SQL): who
  may see the field; the value is null for everyone else (`CASE WHEN <policy> THEN ... END`), as
  the ordinary resolver, which calls the policy's Python form, answers. Public fields omit both;
- several fields rendered alike share one function: `@renders("User", "name", "title", ...)`
  (the function reads `selected.name`); `declare(...)` is the same without a decorator.

The ordinary resolver stays the reference: the differential test (whose vocabulary is this
registry and the schema) holds every declared field to its answers for every kind of viewer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from mentorgraph.models.policies import Policy
from mentorgraph.resolvers.fast_reads.build import Build, json_object, literal
from mentorgraph.resolvers.fast_reads.selection import Selected, Unsupported

__all__ = [
    "ENUMS",
    "FIELDS",
    "INPUTS",
    "Declared",
    "Renderer",
    "Undeclared",
    "check_declared",
    "declare",
    "field_sql",
    "object_sql",
    "reads_enum",
    "reads_input",
    "renders",
    "schema_fields",
]

# (build, the selected field, the row its type is rendered over) -> the value as SQL.
Renderer = Callable[[Build, Selected, Any], str]
R = TypeVar("R", bound=Renderer)


class Undeclared(Exception):
    """The schema has an argument or input field the declaration does not read: refused, never
    ignored. Not `Unsupported` (which hands the operation quietly to the ordinary path): this is
    a bug, logged and counted as a failure by `FastReads`; the completeness test finds it first."""


@dataclass(frozen=True)
class Declared:
    type_name: str
    field: str
    render: Renderer
    arguments: frozenset[str]
    policy: Policy | None
    # The row -> the policy's subject as SQL (what `Policy.subject` says it takes).
    subject: Callable[[Any], str] | None

    def sql(self, build: Build, selected: Selected, row: Any) -> str:
        value = self.render(build, selected, row)
        if self.policy is None:
            return value
        subject = self.subject(row) if self.subject is not None else str(row)
        return f"CASE WHEN {self.policy.sql(build.viewer, subject)} THEN {value} END"


# (type, field) -> its declaration; input type -> the fields the renderings read.
FIELDS: dict[tuple[str, str], Declared] = {}
INPUTS: dict[str, frozenset[str]] = {}
# Enum type (of an argument or input field) -> the names of the values the renderings read.
ENUMS: dict[str, frozenset[str]] = {}


def declare(
    type_name: str,
    names: Iterable[str],
    render: Renderer,
    *,
    arguments: Iterable[str] = (),
    policy: Policy | None = None,
    subject: Callable[[Any], str] | None = None,
) -> None:
    for name in names:
        key = (type_name, name)
        if key in FIELDS:
            raise ValueError(f"{type_name}.{name} is declared twice")
        FIELDS[key] = Declared(type_name, name, render, frozenset(arguments), policy, subject)


def renders(
    type_name: str,
    *names: str,
    arguments: Iterable[str] = (),
    policy: Policy | None = None,
    subject: Callable[[Any], str] | None = None,
) -> Callable[[R], R]:
    """The decorated function renders `type_name.<each of names>` (see the module's docstring)."""

    def register(render: R) -> R:
        declare(type_name, names, render, arguments=arguments, policy=policy, subject=subject)
        return render

    return register


def reads_input(type_name: str, fields: Iterable[str]) -> None:
    """The fields of the input type `type_name` the renderings read (all of the schema's)."""
    if type_name in INPUTS:
        raise ValueError(f"input {type_name} is declared twice")
    INPUTS[type_name] = frozenset(fields)


def reads_enum(type_name: str, values: Iterable[str]) -> None:
    """The values of the enum `type_name` the renderings have SQL for (all of the schema's)."""
    if type_name in ENUMS:
        raise ValueError(f"enum {type_name} is declared twice")
    ENUMS[type_name] = frozenset(values)


def check_declared(
    type_name: str, name: str, definition: GraphQLField, declared: Declared | None = None
) -> Declared:
    """The declaration of `type_name.name`, checked against the schema's definition:
    `Unsupported` when the field is not compiled (exempt), `Undeclared` when the schema has an
    argument or input field the declaration does not read."""
    declared = declared or FIELDS.get((type_name, name))
    if declared is None:
        raise Unsupported(f"{type_name}.{name}")
    unread = set(definition.args) - declared.arguments
    if unread:
        raise Undeclared(f"{type_name}.{name}: arguments {sorted(unread)} have no rendering")
    for argument_name, argument in definition.args.items():
        _check_input(get_named_type(argument.type), f"{type_name}.{name}({argument_name})", set())
    return declared


def _check_input(named: Any, where: str, seen: set[str]) -> None:
    if isinstance(named, GraphQLEnumType):
        _check_enum(named, where)
        return
    if not isinstance(named, GraphQLInputObjectType) or named.name in seen:
        return
    seen.add(named.name)
    read = INPUTS.get(named.name)
    if read is None:
        raise Undeclared(f"{where}: input {named.name} has no declared rendering")
    unread = set(named.fields) - read
    if unread:
        raise Undeclared(f"{where}: input fields {named.name}.{sorted(unread)} have no rendering")
    for field_name, input_field in named.fields.items():
        _check_input(get_named_type(input_field.type), f"{where}.{field_name}", seen)


def _check_enum(named: GraphQLEnumType, where: str) -> None:
    read = ENUMS.get(named.name)
    if read is None:
        raise Undeclared(f"{where}: enum {named.name} has no declared rendering")
    unread = set(named.values) - read
    if unread:
        raise Undeclared(f"{where}: enum values {named.name}.{sorted(unread)} have no rendering")


def field_sql(build: Build, type_name: str, selected: Selected, row: Any) -> str:
    """One selected field of `type_name`, rendered over `row` (policy applied)."""
    declared = check_declared(type_name, selected.name, selected.definition)
    return declared.sql(build, selected, row)


def object_sql(
    build: Build, selected: Selected, row: Any, runtime: GraphQLObjectType | None = None
) -> str:
    """The object `selected` asks for, every field by its declaration, over `row`."""
    runtime, children = build.fields(selected, runtime)
    entries = [
        (
            key,
            literal(runtime.name)
            if child.name == "__typename"
            else field_sql(build, runtime.name, child, row),
        )
        for key, child in children.items()
    ]
    return json_object(entries)


def schema_fields(schema: GraphQLSchema) -> Iterable[tuple[GraphQLObjectType, str, GraphQLField]]:
    """Every (object type, field name, field) of the schema but introspection's."""
    for named in schema.type_map.values():
        if isinstance(named, GraphQLObjectType) and not named.name.startswith("__"):
            for name, definition in named.fields.items():
                yield named, name, definition
