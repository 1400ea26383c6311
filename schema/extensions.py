"""Every top-level error leaves with an `extensions.code`; unexpected ones with no detail."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode, OperationType, get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types import StreamExecutionResult

from mentorgraph.models.db_faults import (
    SERVICE_UNAVAILABLE,
    UNAVAILABLE_MESSAGE,
    is_database_unavailable,
)
from mentorgraph.models.errors import FaultCode
from mentorgraph.resolvers.context import Context
from mentorgraph.resolvers.errors import ClientError

__all__ = ["MASKED_MESSAGE", "ErrorCodes", "FreshLoaders", "classify_error", "is_unexpected"]

logger = logging.getLogger("mentorgraph.errors")

# Messages of graphql-core's guard rails (the token limit; a validation aborted once
# OverlappingFieldsCanBeMerged spent its budget or after 100 errors): the client sent a
# document that is too expensive, not a malformed one. Our own limits set their code.
TOO_COMPLEX = re.compile(r"Document contains more than|Validation aborted\.")
MASKED_MESSAGE = "Internal server error."


def is_unexpected(error: GraphQLError) -> bool:
    """A fault of the server: raised while executing, and not one of our client errors."""
    return error.path is not None and not isinstance(error.original_error, ClientError)


def _with_code(
    error: GraphQLError, message: str, code: str, extra: dict[str, object] | None = None
) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={**(extra or {}), "code": code},
    )


def classify_error(error: GraphQLError) -> GraphQLError:
    """The error as the client sees it; idempotent (classifying twice changes nothing)."""
    original = error.original_error
    if isinstance(original, ClientError):
        return _with_code(error, original.message, original.code, original.extensions)
    if original is None and (error.extensions or {}).get("code"):
        return error
    if is_unexpected(error):
        if is_database_unavailable(original):  # an outage, not a fault: the client may retry
            return _with_code(error, UNAVAILABLE_MESSAGE, SERVICE_UNAVAILABLE)
        return _with_code(error, MASKED_MESSAGE, FaultCode.INTERNAL_SERVER_ERROR)
    code = (
        FaultCode.QUERY_TOO_COMPLEX
        if TOO_COMPLEX.search(error.message)
        else FaultCode.BAD_USER_INPUT
    )
    return _with_code(error, error.message, code)


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [classify_error(e) for e in errors]

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        # Over the WebSocket every result (each subscription event) leaves from here.
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [classify_error(e) for e in errors]  # type: ignore[union-attr]
        yield


class FreshLoaders(SchemaExtension):
    """Empty caches for every operation (where `Context.loaders` is set: a WebSocket's context
    serves many operations)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context):
            context.renew(context.viewer)
        yield
        if isinstance(context, Context):
            document = self.execution_context.graphql_document
            context.ran_mutation = document is not None and _is_mutation(
                get_operation_ast(document, self.execution_context.operation_name)
            )


def _is_mutation(operation: OperationDefinitionNode | None) -> bool:
    return operation is not None and operation.operation is OperationType.MUTATION
