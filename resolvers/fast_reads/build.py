"""What compiling one operation into one statement keeps track of, and the JSON object builder.

Each supported field becomes an SQL expression that renders its value exactly as the ordinary
executor would (`models/json_sql.py`, the policies' SQL forms of `models/policies.py`, the
responsiveness twin in `models/directory/responsiveness.py`). Values whose text only Python renders
exactly (response rate, median hours, cursors with text keys) leave a marker object
`{"$name": raw}` that `finish.py` replaces with the ordinary path's own functions; `$` cannot
start a GraphQL response key, so a marker is never mistaken for data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import FragmentDefinitionNode, GraphQLObjectType, GraphQLSchema, VariableValues
from graphql.execution.values import get_argument_values

from mentorgraph.models import clock
from mentorgraph.models.directory.responsiveness import WINDOW
from mentorgraph.resolvers.fast_reads.selection import Selected, Unsupported, child_type, collect

__all__ = ["Build", "Held", "Render", "Statement", "each", "json_object", "literal"]

# json_build_object takes at most 100 arguments: 50 keys.
MAX_KEYS = 50


@dataclass
class Statement:
    sql: str
    params: list[Any]
    # Whether the JSON holds markers for `finish.py` to replace.
    has_markers: bool
    # Where the parameters hold the two values that change between equal requests: the start
    # of the responsiveness window (it moves with the clock) and the viewer's id.
    since_at: int | None = None
    viewer_at: int | None = None
    # Where the parameters hold the session the request's token names (`Build.session`).
    session_at: int | None = None
    # Other parameters that follow the clock (a cutoff, this week's shuffle): where, and how
    # to compute them again for each run.
    renewed: list[tuple[int, Callable[[], Any]]] = field(default_factory=list)

    def bind(self, viewer_id: int | None, session_id: int | None = None) -> list[Any]:
        """The parameters for another run of this statement, now, for `viewer_id` (who must be
        signed in if and only if the statement was compiled for a signed-in viewer) and the
        session their token names (None: a session-less token)."""
        params = list(self.params)
        if self.since_at is not None:
            params[self.since_at] = clock.now() - WINDOW
        if self.viewer_at is not None:
            params[self.viewer_at] = viewer_id
        if self.session_at is not None:
            params[self.session_at] = session_id
        for at, value in self.renewed:
            params[at] = value()
        return params


def _itself(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Held:
    """A value a mutation's payload holds (the payload itself, an attribute of it, an item of a
    list of it), and how to find the value in the same place of another payload: a payload's
    statement is compiled once and run again for later payloads (`payload_reads.py`), which
    differ only in what they hold. A rendering reads `value` only through the `Build`
    (`decide`, `held_param`, `python_value`), which records where each came from."""

    value: Any
    # The payload -> the value in this place.
    find: Callable[[Any], Any] = _itself

    def attribute(self, name: str) -> Held:
        outer = self.find
        return Held(getattr(self.value, name), lambda payload: getattr(outer(payload), name))

    def item(self, index: int) -> Held:
        outer = self.find
        return Held(self.value[index], lambda payload: outer(payload)[index])


@dataclass
class Build:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: VariableValues
    # The alias of the viewer's `users` row in the statement; None when anonymous.
    viewer: str | None
    params: list[Any] = field(default_factory=list)
    has_markers: bool = False
    since_at: int | None = None
    # An admins' view is selected: the statement answers nothing for any other viewer (the
    # ordinary path refuses them).
    requires_admin: bool = False
    renewed: list[tuple[int, Callable[[], Any]]] = field(default_factory=list)
    # Values only Python holds (a mutation payload's userErrors, a token): the statement leaves
    # a marker for each (`python_value`), `finish.complete` puts the value in its place, and
    # none of them is ever sent to the database (nor logged with its parameters). Each with
    # how to find it again in a later payload (`found_values`).
    values: list[Any] = field(default_factory=list)
    found_values: list[Callable[[Any], Any]] = field(default_factory=list)
    # Parameters taken from the payload (the ids of what it holds): where, and how to find
    # them again in a later payload.
    held_params: list[tuple[int, Callable[[Any], Any]]] = field(default_factory=list)
    # The facts about the payload the statement's shape follows (whether it holds an object,
    # how many userErrors): how to find each in a later payload, and what it was here. The
    # statement serves a later payload only if each fact holds for it too.
    decisions: list[tuple[Callable[[Any], Any], Any]] = field(default_factory=list)
    # The session of the request's token when compiled (a cached statement is bound to each
    # request's own by `Statement.bind`); None for a session-less token or anonymous.
    session_id: int | None = None
    session_at: int | None = None
    _aliases: int = 0

    @property
    def reads_database(self) -> bool:
        """Whether what is rendered so far reads a row or a value (a table alias or a
        parameter); otherwise it is constants and `python_value`s only."""
        return self._aliases > 0 or bool(self.params)

    def alias(self, prefix: str) -> str:
        """A table alias no other part of the statement uses."""
        self._aliases += 1
        return f"{prefix}{self._aliases}"

    def statement(self, sql: str, viewer_at: int | None) -> Statement:
        """`sql`, rendered with this build, as a statement to keep and bind for each run."""
        return Statement(
            sql,
            self.params,
            self.has_markers,
            self.since_at,
            viewer_at,
            self.session_at,
            self.renewed,
        )

    def param(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}"

    def embed(self, sql: str, values: list[Any]) -> str:
        """Another statement's SQL with its `$n` renumbered after ours (Tortoise numbers from 1;
        its SQL holds no `$` but in placeholders: values are always parameters).

        A boolean value is written into the SQL instead (`true`/`false`): a cached statement's
        plan is PostgreSQL's generic one, planned without the parameters' values, and a
        partial index (`WHERE is_mentor`) serves `"is_mentor"=true` but never
        `"is_mentor"=$1`. Without it, the heavy page's 50 mentors were found by walking every
        member backwards (docs/benchmarks.md, round eight). A boolean has two values, so this
        adds at most one other statement text per place."""
        placeholders: dict[int, str] = {}
        for number, value in enumerate(values, start=1):
            if isinstance(value, bool):
                placeholders[number] = "true" if value else "false"
            else:
                placeholders[number] = self.param(value)
        return re.sub(r"\$(\d+)", lambda m: placeholders[int(m.group(1))], sql)

    def renewed_param(self, value: Callable[[], Any]) -> str:
        """A parameter computed again for each run of the statement (`Statement.bind`): what
        depends on the clock, which moves between runs of a cached statement."""
        placeholder = self.param(value())
        self.renewed.append((len(self.params) - 1, value))
        return placeholder

    def since(self) -> str:
        """The start of the responsiveness window, a parameter (`Statement.bind` renews it)."""
        if self.since_at is None:
            self.param(clock.now() - WINDOW)
            self.since_at = len(self.params) - 1
        return f"${self.since_at + 1}"

    def session(self) -> str:
        """The session the request's token names, a `bigint` parameter (NULL for a session-less
        token), bound per request like the viewer's id (`Statement.bind`)."""
        if self.session_at is None:
            self.param(self.session_id)
            self.session_at = len(self.params) - 1
        return f"${self.session_at + 1}::bigint"

    def marker(self, name: str, value_sql: str) -> str:
        self.has_markers = True
        return f"json_build_object('${name}', {value_sql})"

    def python_value(self, held: Held, convert: Callable[[Any], Any] = _itself) -> str:
        """`convert(held.value)` (JSON-ready: what the ordinary executor would answer) in the
        answer, kept out of the statement: a marker `{"$value": index}` that
        `finish.complete` replaces."""
        self.values.append(convert(held.value))
        self.found_values.append(lambda payload: convert(held.find(payload)))
        return self.marker("value", str(len(self.values) - 1))

    def held_param(self, held: Held, convert: Callable[[Any], Any]) -> str:
        """`convert(held.value)` as a parameter (an id the payload holds), found again in each
        later payload the statement serves."""
        placeholder = self.param(convert(held.value))
        self.held_params.append((len(self.params) - 1, lambda payload: convert(held.find(payload))))
        return placeholder

    def decide(self, held: Held, fact: Callable[[Any], Any]) -> Any:
        """`fact(held.value)`, for a rendering to choose its SQL by (None or an object, how
        many): recorded, so the statement serves only payloads of which it holds too."""
        found = fact(held.value)
        self.decisions.append((lambda payload: fact(held.find(payload)), found))
        return found

    def arguments(self, selected: Selected) -> dict[str, Any]:
        return get_argument_values(selected.definition, selected.node, self.variables)

    def fields(
        self, selected: Selected, runtime: GraphQLObjectType | None = None
    ) -> tuple[GraphQLObjectType, dict[str, Selected]]:
        """The sub-fields of `selected` for its object type (or `runtime`, for an interface)."""
        runtime = runtime or child_type(self.schema, selected)
        sets = selected.selection_sets()
        return runtime, collect(self.schema, runtime, sets, self.fragments, self.variables)


def literal(text: str) -> str:
    # Response keys and type names are GraphQL names ([_A-Za-z][_0-9A-Za-z]*): no quote occurs.
    assert re.fullmatch(r"[_A-Za-z][_0-9A-Za-z]*", text), text
    return f"'{text}'"


def json_object(entries: list[tuple[str, str]]) -> str:
    if len(entries) > MAX_KEYS:
        raise Unsupported("too many fields in one object")
    if not entries:
        return "json_build_object()"
    return f"json_build_object({', '.join(f'{literal(k)}, {v}' for k, v in entries)})"


# Renders one selected field of an object as SQL.
Render = Callable[[Selected], str]


def each(
    build: Build, selected: Selected, render: Render, runtime: GraphQLObjectType | None = None
) -> str:
    """The object `selected` asks for: `__typename` here, every other field by `render`."""
    runtime, children = build.fields(selected, runtime)
    entries = [
        (key, literal(runtime.name) if child.name == "__typename" else render(child))
        for key, child in children.items()
    ]
    return json_object(entries)
