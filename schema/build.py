"""Assembles the root types from the feature modules and builds the `Schema`."""

from __future__ import annotations

from pathlib import Path

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from schema.accounts import AccountMutation, AccountQuery
from schema.applications import ApplicationMutation, ApplicationQuery
from schema.directory import DirectoryQuery
from schema.extensions import ErrorCodes, is_unexpected, logger
from schema.favorites import FavoriteMutation
from schema.feedback import FeedbackMutation
from schema.graph import GraphQuery
from schema.nodes import NodeQuery
from schema.requests import RequestMutation
from schema.rules import NoNulInStrings
from schema.types.request import MentorshipRequest, RequestEvent

__all__ = ["SDL_PATH", "MentorgraphSchema", "build_schema"]

SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"

# Types reached only through the `Node` interface must be named to appear in the schema.
NODE_TYPES = [MentorshipRequest, RequestEvent]

# One line per feature module, so features merge without touching each other's lines.
QUERIES = (
    NodeQuery,
    AccountQuery,
    DirectoryQuery,
    ApplicationQuery,
    GraphQuery,
)
MUTATIONS = (
    AccountMutation,
    FavoriteMutation,
    ApplicationMutation,
    RequestMutation,
    FeedbackMutation,
)
Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS)


class MentorgraphSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Client faults are answers, not incidents: log only what the server got wrong.
        for error in errors:
            if is_unexpected(error):
                logger.error("Unexpected error in %s", error.path, exc_info=error.original_error)


def build_schema(
    *, max_depth: int = 12, max_aliases: int = 30, max_tokens: int = 5000
) -> MentorgraphSchema:
    return MentorgraphSchema(
        query=Query,
        mutation=Mutation,
        types=NODE_TYPES,
        config=StrawberryConfig(auto_camel_case=True, sort_schema=True),
        # Factories: Strawberry builds fresh extensions per operation; the caches behind
        # ParserCache and ValidationCache are module-level and shared.
        extensions=[
            ErrorCodes,
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: QueryDepthLimiter(max_depth=max_depth),
            lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
            lambda: AddValidationRules([NoNulInStrings]),
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
        ],
    )
