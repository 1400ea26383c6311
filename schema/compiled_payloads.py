"""The executor hands each mutation's payload to the compiler instead of resolving it by field.

graphql-core runs a mutation's root fields one after the other: each resolver does its write and
returns the payload object (`mentorgraph.schema.errors.payload`), which the executor then completes
by calling the resolver of every field below it (loaders, one query per level). Here, for a root
field of a mutation, the payload object goes with the field's selection to the context's
`payload_reads` (`mentorgraph.resolvers.fast_reads.payload_reads`), which answers the whole
selection with one statement, read right after this field's write and before the next root field's;
only when it declines (nothing compiled for that payload, a value the ordinary path refuses) does
the executor complete the payload the ordinary way. The resolvers, their rules and their errors are
untouched: a resolver that raises is reported as before.

Without `payload_reads` on the context (SQLite, fast reads off), nothing changes. HTTP and
WebSocket operations alike carry it (`mentorgraph.graphql_http`, `mentorgraph.graphql_ws`).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLOutputType, GraphQLResolveInfo, OperationType
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.fast_reads.payload_reads import DECLINED, PayloadReads
from mentorgraph.resolvers.fast_reads.selection import Selected

__all__ = ["CompiledPayloads"]


class CompiledPayloads(StrawberryGraphQLCoreExecutionContext):
    def _payload_reads(self, path: Path) -> PayloadReads | None:
        """The reader, for a root field of a mutation when the server compiles payloads."""
        if path.prev is not None or self.operation.operation is not OperationType.MUTATION:
            return None
        context = self.context_value
        return context.payload_reads if isinstance(context, Context) else None

    async def complete_awaitable_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        reads = self._payload_reads(path)
        if reads is None:
            return await super().complete_awaitable_value(
                return_type, field_details_list, info, path, result, position_context
            )
        # As graphql-core's own, with the payload read compiled when it can be.
        try:
            resolved = await self.with_abort_signal(result)
            completed = await self.complete_payload(
                reads, return_type, field_details_list, info, path, resolved, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            completed = None
        return completed

    async def complete_payload(
        self,
        reads: PayloadReads,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        payload: Any,
        position_context: Any,
    ) -> Any:
        """The payload's answer: compiled, or (declined) completed the ordinary way."""
        if payload is not None and not isinstance(payload, Exception):
            root = Selected(
                str(path.key),
                info.field_name,
                info.parent_type.fields[info.field_name],
                list(info.field_nodes),
            )
            viewer = info.context.viewer
            read = await reads.read(
                root,
                payload,
                self.operation,
                self.fragment_definitions,
                self.variable_values,
                None if viewer is None else viewer.id,
            )
            if read is not DECLINED:
                return read
        return await self.ordinary_payload(
            return_type, field_details_list, info, path, payload, position_context
        )

    async def ordinary_payload(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo[Any],
        path: Path,
        payload: Any,
        position_context: Any,
    ) -> Any:
        """The payload completed by the executor, field by field (the reference)."""
        completed = self.complete_value(
            return_type, field_details_list, info, path, payload, position_context
        )
        if self.is_awaitable(completed):
            completed = await completed
        return completed
