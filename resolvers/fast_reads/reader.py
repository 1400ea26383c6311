"""`FastReads.answer`: the whole fast path for one HTTP operation, or None to decline."""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import (
    ASTValidationRule,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import get_variable_values

from mentorgraph.resolvers.fast_reads.build import Statement
from mentorgraph.resolvers.fast_reads.finish import finish
from mentorgraph.resolvers.fast_reads.lru import remember
from mentorgraph.resolvers.fast_reads.payload_reads import PayloadReads
from mentorgraph.resolvers.fast_reads.primary import primary_value
from mentorgraph.resolvers.fast_reads.replica import Replica
from mentorgraph.resolvers.fast_reads.roots import compile_operation, is_root_declared
from mentorgraph.resolvers.fast_reads.selection import (
    Selected,
    Unsupported,
    UnsupportedValue,
    collect,
)
from mentorgraph.resolvers.fast_reads.unchanged import UnchangedMutations

__all__ = ["FastReads"]

logger = logging.getLogger("mentorgraph.fast_reads")

# A span's name -> a context manager yielding the span (None: tracing is off).
SpanFactory = Callable[[str], AbstractContextManager[Any]]

# (schema, document, operation name, variables) -> the refusal of an operation over budget.
CostRefusal = Callable[
    [GraphQLSchema, DocumentNode, str | None, Mapping[str, Any]], GraphQLError | None
]


def _no_span(_name: str) -> AbstractContextManager[Any]:
    return _NO_SPAN


_NO_SPAN: AbstractContextManager[Any] = nullcontext()


@dataclass(frozen=True)
class _Prepared:
    """A parsed, validated operation whose root fields the fast path may answer: a query, or
    a mutation it answers when the mutation changes nothing (`unchanged.py`)."""

    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    roots: dict[str, Selected]


class FastReads:
    def __init__(
        self,
        schema: GraphQLSchema,
        rules: Sequence[type[ASTValidationRule]],
        *,
        max_tokens: int,
        cost_refusal: CostRefusal | None = None,
        cache_size: int = 512,
        replica: Replica | None = None,
        span: SpanFactory = _no_span,
        payload_served: Callable[[], None] | None = None,
    ) -> None:
        self.schema = schema
        # Where the statements run first when a streaming replica is configured.
        self.replica = replica
        # Whether an answer also proves the token's session live
        # (`mentorgraph.models.accounts.sessions.live_sql` in the statement), so the caller need not
        # check it first. Not with a replica: a session just ended there may still look live until
        # it replays the end.
        self.checks_sessions = replica is None
        # Tracing's spans (`mentorgraph.tracing.span`): compile or cache hit, then execution.
        self.span = span
        # The ordinary path's cost budget (`mentorgraph.schema.cost.QueryCost.refusal`): an
        # operation above it is declined here, and refused there.
        self.cost_refusal = cost_refusal
        # The ordinary path's validation exactly: graphql-core's rules plus the schema's own.
        self.rules = [*specified_rules, *rules]
        self.max_tokens = max_tokens
        self.cache_size = cache_size
        # (query, operation name) -> prepared operation, or None when it is never answered here.
        self._prepared: OrderedDict[tuple[str, str | None], _Prepared | None] = OrderedDict()
        # (query, operation name, variables, anonymous?) -> the compiled statement.
        self._statements: OrderedDict[tuple[str, str | None, bytes, bool], Statement] = (
            OrderedDict()
        )
        self.served = 0
        self.declined = 0
        self.failed = 0
        self.compiled = 0
        # Mutation payloads, read by the same compiler after the write (its own counters and
        # statements, kept as many as these).
        self.payloads = PayloadReads(schema, cache_size=cache_size, served_hook=payload_served)
        # Mutations that change nothing, answered by one statement (`unchanged.py`).
        self.unchanged = UnchangedMutations(schema, cache_size=cache_size)

    async def answer(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        viewer_id: int | None,
        read_after: str | None = None,
        session_id: int | None = None,
        *,
        mutations: bool = False,
    ) -> bytes | None:
        """The JSON body of the answer, or None: the ordinary executor must answer. With
        `checks_sessions`, an answer also proves the token's session live; None leaves that
        check to the caller. `mutations`: whether the request may run a mutation (a POST).

        `viewer_id`: the id a valid token names (None: anonymous); the statement reads the
        viewer's row itself and answers nothing when it is gone; `session_id`: the session the
        token names (None: a session-less token). `read_after`: the primary's
        WAL position the client has written up to (`mentorgraph.read_replica`): the replica
        answers only once it has replayed that far."""
        if mutations:
            prepared = self._prepare(query, operation_name)
            if prepared is not None and prepared.operation.operation is OperationType.MUTATION:
                return await self._mutation(
                    prepared, operation_name, variables, viewer_id, session_id
                )
        try:
            with self.span("fast_reads.compile") as span:
                compiled = self.compiled
                statement = self._statement(query, operation_name, variables, viewer_id, session_id)
                if span is not None:
                    span.set_attributes(_described(query, operation_name, statement))
                    span.set_attribute(
                        "mentorgraph.statement.cache_hit",
                        statement is not None and compiled == self.compiled,
                    )
            if statement is None:
                self.declined += 1
                return None
            params = statement.bind(viewer_id, session_id)
            with self.span("fast_reads.execute") as span:
                if span is not None:
                    span.set_attributes(_described(query, operation_name, statement))
                    span.set_attributes({"db.system": "postgresql", "db.operation.name": "SELECT"})
                text = await self._run(statement.sql, params, read_after)
            if text is None:  # the viewer's account is gone: the ordinary path says so
                self.declined += 1
                return None
            body = finish(text) if statement.has_markers else text.encode()
        except Exception:  # a bug here must not cost the client an answer: the ordinary path
            logger.exception("fast read failed; answering on the ordinary path")
            self.failed += 1
            return None
        self.served += 1
        return body

    async def _mutation(
        self,
        prepared: _Prepared,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        viewer_id: int | None,
        session_id: int | None,
    ) -> bytes | None:
        """A mutation's answer when it changes nothing (`unchanged.py`), else None. Not on a
        server with a replica: its clients expect a read-after position with a mutation."""
        if not self.checks_sessions:
            return None
        coerced = get_variable_values(
            self.schema, prepared.operation.variable_definitions or (), variables or {}
        )
        if isinstance(coerced, list):  # the ordinary path reports the variables' errors
            return None

        def over_budget() -> bool:  # the ordinary path refuses it
            refusal = self.cost_refusal
            return refusal is not None and bool(
                refusal(self.schema, prepared.document, operation_name, coerced.coerced)
            )

        mutation_type = self.schema.mutation_type
        assert mutation_type is not None
        roots = prepared.roots
        location = prepared.document.loc
        if location is None or "@" in location.source.body:
            try:
                # Again with the variables: `@skip`/`@include` may leave the root field out.
                roots = collect(
                    self.schema,
                    mutation_type,
                    [prepared.operation.selection_set],
                    prepared.fragments,
                    coerced,
                )
            except Unsupported:
                return None
        if not UnchangedMutations.answerable(roots):
            return None
        [root] = roots.values()
        with self.span("fast_reads.execute") as span:
            if span is not None:
                span.set_attributes({"db.system": "postgresql", "db.operation.name": "SELECT"})
            return await self.unchanged.answer(
                root,
                prepared.operation,
                prepared.fragments,
                coerced,
                viewer_id,
                session_id,
                over_budget,
            )

    def operation_type(self, query: str, operation_name: str | None) -> OperationType:
        """The type of the operation the fast path answered for (query, operation_name)."""
        prepared = self._prepared.get((query, operation_name))
        return OperationType.QUERY if prepared is None else prepared.operation.operation

    async def _run(self, sql: str, params: list[Any], read_after: str | None) -> Any:
        """The statement's value: from the replica when there is one and it is current enough
        for this client, else from the primary."""
        if self.replica is not None:
            answered = await self.replica.fetchval(sql, params, read_after)
            if answered is not None:
                return answered.value
        return await primary_value(sql, params)

    def operation_name(self, query: str, operation_name: str | None) -> str | None:
        """The name of the operation answered for (query, operation_name), from the cache
        (for logs: a client need not send `operationName`); None if anonymous or forgotten."""
        prepared = self._prepared.get((query, operation_name))
        name = prepared.operation.name if prepared is not None else None
        return name.value if name is not None else operation_name

    def _statement(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        viewer_id: int | None,
        session_id: int | None = None,
    ) -> Statement | None:
        """The statement for these variables (compiled once, then reused: equal requests differ
        only in the clock and the viewer's id, which `Statement.bind` fills in)."""
        try:
            values = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # an integer beyond 64 bits: the ordinary path refuses it
            return None
        key = (query, operation_name, values, viewer_id is None)
        if key in self._statements:
            self._statements.move_to_end(key)
            return self._statements[key]
        prepared = self._prepare(query, operation_name)
        if prepared is None or prepared.operation.operation is not OperationType.QUERY:
            return None
        coerced = get_variable_values(
            self.schema, prepared.operation.variable_definitions or (), variables or {}
        )
        if isinstance(coerced, list):  # the ordinary path reports the variables' errors
            return None
        if self.cost_refusal is not None and self.cost_refusal(
            self.schema, prepared.document, operation_name, coerced.coerced
        ):
            return None  # above the budget: the ordinary path refuses it
        try:
            statement = compile_operation(
                self.schema,
                prepared.operation,
                prepared.fragments,
                coerced,
                viewer_id,
                session_id,
                checks_session=self.checks_sessions,
            )
        except UnsupportedValue:
            return None
        except Unsupported:
            # Never answered here, whatever the variables; unless `@skip`/`@include` may
            # leave out what was not (a marker `@` may also be in a string: merely cautious).
            if "@" not in query:
                remember(self._prepared, (query, operation_name), None, self.cache_size)
            return None
        remember(self._statements, key, statement, self.cache_size)
        self.compiled += 1
        return statement

    def _prepare(self, query: str, operation_name: str | None) -> _Prepared | None:
        key = (query, operation_name)
        if key in self._prepared:
            self._prepared.move_to_end(key)
            return self._prepared[key]
        prepared = None
        try:
            prepared = self._prepare_new(query, operation_name)
        except (GraphQLError, Unsupported):
            prepared = None
        remember(self._prepared, key, prepared, self.cache_size)
        return prepared

    def _prepare_new(self, query: str, operation_name: str | None) -> _Prepared | None:
        document = parse(query, max_tokens=self.max_tokens)
        if validate(self.schema, document, self.rules):
            return None
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return None
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        if operation.operation is OperationType.MUTATION:
            mutation_type = self.schema.mutation_type
            assert mutation_type is not None
            roots = collect(self.schema, mutation_type, [operation.selection_set], fragments)
            if not UnchangedMutations.answerable(roots):
                return None
            return _Prepared(document, operation, fragments, roots)
        if operation.operation is not OperationType.QUERY:
            return None
        query_type = self.schema.query_type
        assert query_type is not None
        roots = collect(self.schema, query_type, [operation.selection_set], fragments)
        if not all(is_root_declared(s.name) for s in roots.values()):
            return None
        return _Prepared(document, operation, fragments, roots)


def _described(
    query: str, operation_name: str | None, statement: Statement | None
) -> dict[str, Any]:
    """The statement's shape for a span: a hash of the document and the operation's name (the
    cache's key without the variables' values), never the SQL, whose literals are values."""
    shape = hashlib.sha256(f"{operation_name}\n{query}".encode()).hexdigest()[:16]
    return {
        "mentorgraph.statement.shape": shape,
        "mentorgraph.statement.answered": statement is not None,
    }
