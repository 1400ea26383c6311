"""A mutation's payload read by the compiler: one statement, after the write, on the primary.

The resolver has run the write (its rules, its transaction, its outbox) and built the payload
object (`schema.errors.payload`); the executor (`schema.compiled_payloads`) then hands it here
with the mutation field's selection instead of resolving the payload's fields one by one. The
statement renders the selection over the payload (`payloads.py`: the objects it holds read again
by id, what only Python holds put in as it is) and is run on the primary, never a replica: the
write has committed on the connection the ordinary path would read from, so the answer is the
one the ordinary path gives (it too reads after the resolver returned), read-your-writes
included. What is not compiled (an exempt payload, a directive other than `@skip`/`@include`,
an argument value the ordinary path refuses) is declined, and the executor completes that root
field the ordinary way: the write never runs twice.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import orjson
from graphql import FragmentDefinitionNode, GraphQLSchema, VariableValues
from tortoise import connections

import resolvers.fast_reads.payloads  # noqa: F401  (the payloads' declarations)
from models.policies import ADMIN_ONLY
from resolvers.fast_reads.build import Build
from resolvers.fast_reads.fields import object_sql
from resolvers.fast_reads.finish import complete
from resolvers.fast_reads.selection import Selected, Unsupported, child_type
from resolvers.fast_reads.users import USERS

__all__ = ["DECLINED", "PayloadReads"]

logger = logging.getLogger("mentorgraph.fast_reads")

# `read`'s answer when the executor must complete the payload itself.
DECLINED: Any = object()


class PayloadReads:
    """Reads payloads for one server (its counters are the fast path's, for payloads)."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.served = 0
        self.declined = 0
        self.failed = 0

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
        sql = f"SELECT ({object_sql(build, root, payload, child_type(self.schema, root))})::text"
        if not build.reads_database:
            # Nothing held is selected (only userErrors, a token, a count: what Python holds):
            # the executor completes that without the database, so a statement buys nothing.
            raise Unsupported("nothing to read")
        if viewer_id is not None:
            sql += f" FROM {USERS} v WHERE v.id = {build.param(viewer_id)}::bigint"
            if build.requires_admin:
                sql += f" AND {ADMIN_ONLY.sql('v', '')}"
        return sql, build.params, build

    async def read(
        self,
        root: Selected,
        payload: Any,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
        viewer_id: int | None,
    ) -> Any:
        """The payload's answer (JSON-ready values), or `DECLINED`."""
        try:
            sql, params, build = self.compile(root, payload, fragments, variables, viewer_id)
        except Unsupported:
            self.declined += 1
            return DECLINED
        except Exception:  # a bug here must not cost the client an answer: the ordinary path
            logger.exception("payload compile failed; answering on the ordinary path")
            self.failed += 1
            return DECLINED
        try:
            text = await _on_primary(sql, params)
        except Exception:
            logger.exception("payload read failed; answering on the ordinary path")
            self.failed += 1
            return DECLINED
        if text is None:  # the viewer's row is gone, or not an admin's: the ordinary path says
            self.declined += 1
            return DECLINED
        self.served += 1
        return complete(text, build.values) if build.has_markers else orjson.loads(text)


async def _on_primary(sql: str, params: list[Any]) -> Any:
    client = connections.get("default")
    async with client.acquire_connection() as connection:
        # Logged where Tortoise logs its own statements (statement counts see it); the values
        # only Python holds are not among the parameters.
        client.log.debug("%s: %s", sql, params)
        return await connection.fetchval(sql, *params)
