"""Mutations the fast path answers itself when they change nothing: one statement, no write.

A mentor's client marks a request viewed each time the mentor opens it, so after the first time
`markMentorshipRequestViewed` finds the request VIEWED already and changes nothing: the resolver's
`lifecycle.transition(..., unchanged_if_already=True)` reads the request, checks its rules and
answers it as it is, with no transaction. Here that case is one statement instead of three
(the viewer, the request, the payload) and no executor: it reads the viewer's row under the
conditions of every compiled read (`roots.viewer_conditions`: the token's session live, the
account in good standing), the request's row, and the payload's selection rendered over that
request by the renderings of a payload read after a write (`payloads.py`), all in one snapshot.
Then `lifecycle.answers_unchanged`, the very rule `transition` applies, decides on those rows.
When it says the request must change, or a rule refuses, or anything else is not as the answer
assumes (a viewer gone, a bad id, a selection not compiled), the operation is declined and the
ordinary path runs it from the start: reads again, writes, reports refusals. Nothing is ever
written here, so a decline cannot make a write run twice.

Only on the primary (a replica may not have replayed the change that made the request VIEWED,
or a later one) and only on a server without a replica, whose clients expect a read-after
position with a mutation's answer (`mentorgraph.read_replica`).

Statements are kept per (document, operation name, the values of the variables the payload's
selection reads): the request's id and the viewer's are parameters, bound for each run, so one
statement serves every request a client marks.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import (
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    VariableValues,
)
from graphql.execution.values import get_argument_values

from mentorgraph.models.accounts.users import User
from mentorgraph.models.requests import lifecycle
from mentorgraph.models.requests.requests import MentorshipRequest, RequestStatus
from mentorgraph.resolvers.errors import BadUserInput
from mentorgraph.resolvers.fast_reads.build import Build, Held, Statement
from mentorgraph.resolvers.fast_reads.fields import object_sql
from mentorgraph.resolvers.fast_reads.finish import complete
from mentorgraph.resolvers.fast_reads.lru import remember
from mentorgraph.resolvers.fast_reads.payload_reads import selection_variables
from mentorgraph.resolvers.fast_reads.primary import primary_row
from mentorgraph.resolvers.fast_reads.roots import viewer_conditions
from mentorgraph.resolvers.fast_reads.selection import Selected, Unsupported, child_type
from mentorgraph.resolvers.fast_reads.users import USERS
from mentorgraph.resolvers.ids import decode_id_of

__all__ = ["UNCHANGED", "UnchangedMutations"]

logger = logging.getLogger("mentorgraph.fast_reads")

REQUESTS = MentorshipRequest._meta.db_table

# The mutations whose resolver makes its change with `unchanged_if_already` (a request already
# there is answered as it is), and the status each changes a request to (`input.requestId`).
# `tests/api/test_compiled_unchanged.py` runs each on both paths for every status and viewer.
UNCHANGED: dict[str, RequestStatus] = {"markMentorshipRequestViewed": RequestStatus.VIEWED}


@dataclass(frozen=True)
class _Id:
    pk: int


@dataclass(frozen=True)
class _Unchanged:
    """The payload the resolver builds when nothing changed (`schema.errors.payload`): the
    request it read, no userErrors; what the payload's renderings read (`payloads.py`)."""

    request: _Id
    user_errors: tuple[()] = ()


@dataclass(frozen=True)
class _Compiled:
    statement: Statement
    # Where the parameters hold the request's id (the join, and what the payload renders).
    request_at: list[int]
    found_values: list[Any]


# (document, operation name, the values of the variables the payload's selection reads).
_Key = tuple[str, str | None, bytes]


class UnchangedMutations:
    """Answers `UNCHANGED` mutations that change nothing, for one server (its own counters)."""

    def __init__(self, schema: GraphQLSchema, *, cache_size: int = 512) -> None:
        self.schema = schema
        self.cache_size = cache_size
        self.served = 0
        self.declined = 0
        self.failed = 0
        self.compiled = 0
        # A declined selection is kept as None: it is never compiled again.
        self._statements: OrderedDict[_Key, _Compiled | None] = OrderedDict()
        # (document, operation name, response key) -> the variables the payload's selection
        # reads (the statement's key holds their values).
        self._variables: OrderedDict[tuple[str, str | None, str], tuple[str, ...]] = OrderedDict()

    @staticmethod
    def answerable(roots: Mapping[str, Selected]) -> bool:
        """Whether a mutation with these root fields may be answered here (one root field, an
        `UNCHANGED` mutation): checked once per document."""
        return len(roots) == 1 and next(iter(roots.values())).name in UNCHANGED

    async def answer(
        self,
        root: Selected,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
        viewer_id: int | None,
        session_id: int | None,
        over_budget: Callable[[], bool],
    ) -> bytes | None:
        """The JSON body of the answer when the mutation changes nothing; None to decline.
        An answer also proves the token's session live and the viewer in good standing.
        `over_budget`: whether the operation costs more than the ordinary path allows (asked
        when a statement is compiled: the cost follows the payload's selection, which the
        kept statement's key holds, not the request's id)."""
        if viewer_id is None:  # the ordinary path refuses an anonymous change
            self.declined += 1
            return None
        try:
            arguments = get_input(root, variables)
            request_id = decode_id_of("MentorshipRequest", arguments["requestId"], "requestId")
            compiled = self._statement(
                root, operation, fragments, variables, request_id, over_budget
            )
        except (BadUserInput, KeyError, TypeError):  # the ordinary path reports it
            # (TypeError: also a variable orjson cannot write, an integer beyond 64 bits)
            self.declined += 1
            return None
        except Exception:  # a bug here must not cost the client an answer: the ordinary path
            logger.exception("unchanged mutation compile failed; answering on the ordinary path")
            self.failed += 1
            return None
        if compiled is None:
            self.declined += 1
            return None
        statement = compiled.statement
        params = statement.bind(viewer_id, session_id)
        for at in compiled.request_at:
            params[at] = request_id
        try:
            row = await primary_row(statement.sql, params)
            unchanged = row is not None and _unchanged(row, UNCHANGED[root.name])
        except Exception:
            # Also asyncpg's OutdatedSchemaCacheError, once per connection after a migration
            # changed `users` or `mentorship_requests` (the rows come as composite values):
            # it reloads its types then, and the ordinary path answers meanwhile.
            logger.exception("unchanged mutation read failed; answering on the ordinary path")
            self.failed += 1
            return None
        if not unchanged:
            self.declined += 1
            return None
        self.served += 1
        answer = row["answer"]
        # Without markers PostgreSQL's JSON text goes into the body as it is.
        value = (
            complete(answer, compiled.found_values)
            if statement.has_markers
            else orjson.Fragment(answer)
        )
        return orjson.dumps({"data": {root.key: value}})

    def _statement(
        self,
        root: Selected,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
        request_id: int,
        over_budget: Callable[[], bool],
    ) -> _Compiled | None:
        location = operation.loc
        if location is None:  # a document without its text: nothing to key a statement by
            return None
        name = operation.name.value if operation.name is not None else None
        field_key = (location.source.body, name, root.key)
        names = self._variables.get(field_key)
        if names is None:
            names = selection_variables(root.nodes, fragments)
            remember(self._variables, field_key, names, self.cache_size)
        coerced = variables.coerced
        values = orjson.dumps([[n in coerced, coerced.get(n)] for n in names])
        key = (location.source.body, name, values)
        if key in self._statements:
            self._statements.move_to_end(key)
            return self._statements[key]
        compiled = None if over_budget() else self._compile(root, fragments, variables, request_id)
        self.compiled += 1
        remember(self._statements, key, compiled, self.cache_size)
        return compiled

    def _compile(
        self,
        root: Selected,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
        request_id: int,
    ) -> _Compiled | None:
        """The statement: the viewer's row, the request's, and the payload over the request."""
        build = Build(self.schema, fragments, variables, "v")
        stand_in = _Unchanged(_Id(request_id))
        try:
            rendered = object_sql(build, root, Held(stand_in), child_type(self.schema, root))
        except Unsupported:
            return None
        # Every payload this statement serves holds a request and no userErrors, as the
        # stand-in does: the facts its shape followed hold for all of them; and every id the
        # renderings take from it is the request's, bound for each run below.
        if not all(find(stand_in) == fact for find, fact in build.decisions) or any(
            find(stand_in) != request_id for _, find in build.held_params
        ):
            return None
        join_at = len(build.params)
        join = f"{build.param(request_id)}::bigint"
        # The viewer's id and session are bound for each run (`Statement.bind`).
        conditions, viewer_at = viewer_conditions(build, 0, checks_session=True)
        sql = (
            f"SELECT v AS viewer, r AS request, ({rendered})::text AS answer"
            f" FROM {USERS} v LEFT JOIN {REQUESTS} r ON r.id = {join} WHERE {conditions}"
        )
        statement = build.statement(sql, viewer_at)
        request_at = [join_at, *(at for at, _ in build.held_params)]
        return _Compiled(statement, request_at, build.values)


def get_input(root: Selected, variables: VariableValues) -> Any:
    """The mutation's `input` argument, coerced as the ordinary path coerces it."""
    return get_argument_values(root.definition, root.node, variables)["input"]


def _unchanged(row: Any, to: RequestStatus) -> bool:
    """The rule `transition` applies, on the rows the statement read."""
    # asyncpg's records are mappings: their columns go in as the ORM's own reads hand them.
    viewer = User._init_from_db(**row["viewer"])
    found = row["request"]
    request = None if found is None else MentorshipRequest._init_from_db(**found)
    return lifecycle.answers_unchanged(viewer, request, to)
