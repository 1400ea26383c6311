"""A mutation's payload read by the compiler: one statement, after the write, on the primary.

The resolver has run the write (its rules, its transaction, its outbox) and built the payload
object (`mentorgraph.schema.errors.payload`); the executor (`mentorgraph.schema.compiled_payloads`)
then hands it here with the mutation field's selection instead of resolving the payload's fields one
by one. The statement renders the selection over the payload (`payloads.py`: the objects it holds
read again by id, what only Python holds put in as it is) and is run on the primary, never a
replica: the write has committed on the connection the ordinary path would read from, so the answer
is the one the ordinary path gives (it too reads after the resolver returned), read-your-writes
included. What is not compiled (an exempt payload, a directive other than `@skip`/`@include`,
an argument value the ordinary path refuses) is declined, and the executor completes that root
field the ordinary way: the write never runs twice.

Statements are compiled once and kept (least recently used out past `cache_size`, the limit
`compiled_statements_cached` the fast read path's caches share), as the fast read path keeps
its own: per document, operation, root field, viewer kind (signed in or not) and the values of
the variables the payload's selection reads (never the mutation's input: its variables may
hold passwords, and differ every time). The renderings read the payload only through the
`Build` (`build.Held`): the ids it holds become parameters found again in each later payload,
what only Python holds markers filled from it, and the facts the statement's shape follows
(an object held or none, how many userErrors) are recorded; a later payload is served by a
kept statement whose facts all hold for it, else a statement is compiled for its shape (a few
shapes per key: a success and a refusal, mostly). A shape that is declined is kept too.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    OperationDefinitionNode,
    VariableNode,
    VariableValues,
    Visitor,
    visit,
)

import mentorgraph.resolvers.fast_reads.payloads  # noqa: F401  (the payloads' declarations)
from mentorgraph.models.policies import ADMIN_ONLY
from mentorgraph.resolvers.fast_reads.build import Build, Held, Statement
from mentorgraph.resolvers.fast_reads.fields import object_sql
from mentorgraph.resolvers.fast_reads.finish import complete
from mentorgraph.resolvers.fast_reads.lru import remember
from mentorgraph.resolvers.fast_reads.primary import primary_value
from mentorgraph.resolvers.fast_reads.selection import Selected, Unsupported, child_type
from mentorgraph.resolvers.fast_reads.users import USERS

__all__ = ["DECLINED", "PayloadReads"]

logger = logging.getLogger("mentorgraph.fast_reads")

# `read`'s answer when the executor must complete the payload itself.
DECLINED: Any = object()
# Statements kept per key, one per payload shape (most mutations have two: a success and a
# refusal); a key seeing more keeps the latest.
SHAPES_PER_KEY = 4

# (document, operation name, the root field's response key, anonymous?, the values of the
# variables its selection reads): the statements compiled for it, one per payload shape.
_Key = tuple[str, str | None, str, bool, bytes]


@dataclass
class _Compiled:
    """What compiling for one payload shape gave: a statement, or None (declined)."""

    statement: Statement | None
    decisions: list[tuple[Callable[[Any], Any], Any]]
    held_params: list[tuple[int, Callable[[Any], Any]]]
    found_values: list[Callable[[Any], Any]]

    def fits(self, payload: Any) -> bool:
        """Every fact the statement's shape follows holds for `payload` too."""
        for find, fact in self.decisions:
            try:
                if find(payload) != fact:
                    return False
            except Exception:  # an item that is not there: another shape
                return False
        return True

    def bind(self, payload: Any, viewer_id: int | None) -> tuple[list[Any], list[Any]]:
        """The parameters and the Python-held values for a run over `payload`."""
        assert self.statement is not None
        params = self.statement.bind(viewer_id)
        for at, find in self.held_params:
            params[at] = find(payload)
        return params, [find(payload) for find in self.found_values]


class _VariablesRead(Visitor):
    """The variables a selection reads (arguments, directives), and the fragments it spreads."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.spreads: set[str] = set()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.names.add(node.name.value)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.spreads.add(node.name.value)


def selection_variables(
    nodes: list[FieldNode], fragments: Mapping[str, FragmentDefinitionNode]
) -> tuple[str, ...]:
    """The names of the variables the selections of `nodes` read, through fragments too (not
    the fields' own arguments: the payload's renderings never read them)."""
    read = _VariablesRead()
    for node in nodes:
        if node.selection_set is not None:
            visit(node.selection_set, read)
    visited: set[str] = set()
    while read.spreads - visited:
        name = min(read.spreads - visited)
        visited.add(name)
        if name in fragments:
            visit(fragments[name], read)
    return tuple(sorted(read.names))


class PayloadReads:
    """Reads payloads for one server (its counters are the fast path's, for payloads)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        cache_size: int = 512,
        served_hook: Callable[[], None] | None = None,
    ) -> None:
        self.schema = schema
        self.cache_size = cache_size
        # Called in the operation's task when a payload is answered here (its log line and
        # metric then say `compiled-payload`: `mentorgraph.request_log`).
        self.served_hook = served_hook
        self.served = 0
        self.declined = 0
        self.failed = 0
        # Statements compiled (a cache miss each), declined shapes included.
        self.compiled = 0
        # (document, operation name, response key) -> the variables its selection reads.
        self._variables: OrderedDict[tuple[str, str | None, str], tuple[str, ...]] = OrderedDict()
        self._statements: OrderedDict[_Key, list[_Compiled]] = OrderedDict()

    def compile(
        self,
        root: Selected,
        payload: Any,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
        viewer_id: int | None,
    ) -> tuple[str, list[Any], Build]:
        """The statement answering `root`'s selection over `payload`; `Unsupported` if none.

        Signed in, it reads the viewer's row (`v`, which the policies' SQL forms name) and
        answers nothing when the row is gone, or is no admin's where an admins' view is read."""
        build = Build(self.schema, fragments, variables, None if viewer_id is None else "v")
        sql, _ = self._compile(build, root, payload, viewer_id)
        return sql, build.params, build

    def _compile(
        self, build: Build, root: Selected, payload: Any, viewer_id: int | None
    ) -> tuple[str, int | None]:
        """The statement's SQL (params in `build`), and where the viewer's id sits in them."""
        rendered = object_sql(build, root, Held(payload), child_type(self.schema, root))
        sql = f"SELECT ({rendered})::text"
        if not build.reads_database:
            # Nothing held is selected (only userErrors, a token, a count: what Python holds):
            # the executor completes that without the database, so a statement buys nothing.
            raise Unsupported("nothing to read")
        viewer_at = None
        if viewer_id is not None:
            sql += f" FROM {USERS} v WHERE v.id = {build.param(viewer_id)}::bigint"
            viewer_at = len(build.params) - 1
            if build.requires_admin:
                sql += f" AND {ADMIN_ONLY.sql('v', '')}"
        return sql, viewer_at

    def _compiled(
        self,
        root: Selected,
        payload: Any,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
        viewer_id: int | None,
    ) -> _Compiled:
        build = Build(self.schema, fragments, variables, None if viewer_id is None else "v")
        statement = None
        try:
            sql, viewer_at = self._compile(build, root, payload, viewer_id)
            statement = build.statement(sql, viewer_at)
        except Unsupported:
            pass  # declined for this shape: the facts it followed so far say which
        self.compiled += 1
        return _Compiled(statement, build.decisions, build.held_params, build.found_values)

    def _key(
        self,
        root: Selected,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
        viewer_id: int | None,
    ) -> _Key | None:
        """Where the statement for this root field is kept; None: not kept (a document
        without its text, a variable the key cannot hold)."""
        location = operation.loc
        if location is None:
            return None
        document = location.source.body
        name = operation.name.value if operation.name is not None else None
        field_key = (document, name, root.key)
        names = self._variables.get(field_key)
        if names is None:
            names = selection_variables(root.nodes, fragments)
        remember(self._variables, field_key, names, self.cache_size)
        try:
            # Absent and null apart: an argument left out takes its default.
            coerced = variables.coerced
            values = orjson.dumps([[n in coerced, coerced.get(n)] for n in names])
        except TypeError:  # an integer beyond 64 bits, a value orjson cannot write
            return None
        return (document, name, root.key, viewer_id is None, values)

    def _statement(
        self,
        root: Selected,
        payload: Any,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
        viewer_id: int | None,
    ) -> _Compiled:
        key = self._key(root, operation, fragments, variables, viewer_id)
        if key is None:
            return self._compiled(root, payload, fragments, variables, viewer_id)
        kept = self._statements.get(key)
        if kept is not None:
            self._statements.move_to_end(key)
            for compiled in kept:
                if compiled.fits(payload):
                    return compiled
        compiled = self._compiled(root, payload, fragments, variables, viewer_id)
        shapes = [*(kept or ()), compiled][-SHAPES_PER_KEY:]
        remember(self._statements, key, shapes, self.cache_size)
        return compiled

    async def read(
        self,
        root: Selected,
        payload: Any,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
        viewer_id: int | None,
    ) -> Any:
        """The payload's answer (JSON-ready values), or `DECLINED`."""
        try:
            compiled = self._statement(root, payload, operation, fragments, variables, viewer_id)
            if compiled.statement is None:
                self.declined += 1
                return DECLINED
            params, values = compiled.bind(payload, viewer_id)
        except Exception:  # a bug here must not cost the client an answer: the ordinary path
            logger.exception("payload compile failed; answering on the ordinary path")
            self.failed += 1
            return DECLINED
        statement = compiled.statement
        try:
            text = await primary_value(statement.sql, params)
        except Exception:
            logger.exception("payload read failed; answering on the ordinary path")
            self.failed += 1
            return DECLINED
        if text is None:  # the viewer's row is gone, or not an admin's: the ordinary path says
            self.declined += 1
            return DECLINED
        self.served += 1
        if self.served_hook is not None:
            self.served_hook()
        return complete(text, values) if statement.has_markers else orjson.loads(text)

    @property
    def cached(self) -> int:
        """Statements kept (every shape of every key)."""
        return sum(len(shapes) for shapes in self._statements.values())
