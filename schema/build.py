"""Assembles the root types from the feature modules and builds the `Schema`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from strawberry.types.base import get_object_definition

from mentorgraph.schema.accounts.account_flows import AccountFlowMutation
from mentorgraph.schema.accounts.accounts import AccountMutation, AccountQuery
from mentorgraph.schema.accounts.sessions import SessionMutation, SessionQuery
from mentorgraph.schema.admin.admin import AdminMutation, AdminQuery
from mentorgraph.schema.admin.admin_statistics import AdminStatisticsQuery
from mentorgraph.schema.compiled_payloads import CompiledPayloads
from mentorgraph.schema.cost import CostLimit, QueryCost
from mentorgraph.schema.directory.applications import ApplicationMutation, ApplicationQuery
from mentorgraph.schema.directory.directory import DirectoryQuery
from mentorgraph.schema.directory.favorites import FavoriteMutation
from mentorgraph.schema.documentation import SCALAR_OVERRIDES
from mentorgraph.schema.extensions import ErrorCodes, FreshLoaders, is_unexpected, logger
from mentorgraph.schema.fragment_limits import DocumentLimits, limit_field_merging, limits_rule
from mentorgraph.schema.graph.graph import GraphQuery
from mentorgraph.schema.introspected_directives import readable_by_graphql_js_16
from mentorgraph.schema.node_queries import NodeQuery
from mentorgraph.schema.notifications.notifications import (
    NotificationMutation,
    NotificationQuery,
    NotificationSubscription,
)
from mentorgraph.schema.requests.feedback import FeedbackMutation
from mentorgraph.schema.requests.request_messages import RequestMessageMutation
from mentorgraph.schema.requests.request_types import MentorshipRequest, RequestEvent
from mentorgraph.schema.requests.requests import RequestMutation
from mentorgraph.schema.requests.subscriptions import RequestSubscription
from mentorgraph.schema.rules import NoNulInStrings
from mentorgraph.schema.safety.safety import SafetyMutation, SafetyQuery
from mentorgraph.schema.shared_events import SharedEventExecution

__all__ = ["SDL_PATH", "MentorgraphSchema", "build_schema"]

SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"

# Types reached only through the `Node` interface must be named to appear in the schema.
NODE_TYPES = [MentorshipRequest, RequestEvent]

# One line per feature module, so features merge without touching each other's lines.
QUERIES = (
    NodeQuery,
    AccountQuery,
    SessionQuery,
    DirectoryQuery,
    ApplicationQuery,
    AdminQuery,
    GraphQuery,
    AdminStatisticsQuery,
    NotificationQuery,
    SafetyQuery,
)
MUTATIONS = (
    AccountMutation,
    SessionMutation,
    FavoriteMutation,
    ApplicationMutation,
    RequestMutation,
    AdminMutation,
    FeedbackMutation,
    RequestMessageMutation,
    NotificationMutation,
    SafetyMutation,
    AccountFlowMutation,
)
Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS)
Subscription = merge_types("Subscription", (RequestSubscription, NotificationSubscription))
get_object_definition(Query, strict=True).description = (
    "What can be read. Anonymous clients see the mentor directory; the rest needs sign-in"
    " (`Authorization: Bearer <token>` from `logIn` or `signUp`)."
)
get_object_definition(Mutation, strict=True).description = (
    "What can be changed. Business-rule refusals come back in each payload's `userErrors`"
    " (nothing changed); malformed requests in `errors`."
)
get_object_definition(
    Subscription, strict=True
).description = "Live updates over a WebSocket (graphql-transport-ws) at the same /graphql URL."


class Execution(CompiledPayloads, SharedEventExecution):
    """Mutation payloads read compiled (`mentorgraph.schema.compiled_payloads`); live events'
    answers
    shared (`mentorgraph.schema.shared_events`)."""


class MentorgraphSchema(strawberry.Schema):
    # What validates a document besides graphql-core's own rules, and the parser's token limit:
    # the fast read path (`resolvers/fast_reads/`) validates exactly as this schema does.
    extra_rules: tuple[type[ASTValidationRule], ...] = ()
    max_tokens: int | None = None
    # The budget of `mentorgraph.schema.cost`, applied after validation on both read paths.
    cost: QueryCost | None = None

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Client faults are answers, not incidents: log only what the server got wrong.
        for error in errors:
            if is_unexpected(error):
                logger.error("Unexpected error in %s", error.path, exc_info=error.original_error)


def build_schema(
    *,
    max_depth: int = 12,
    max_aliases: int = 30,
    max_tokens: int = 5000,
    max_fields: int = 5000,
    max_cost: int = 25_000,
    max_merge_work: int = 10_000,
    extra_extensions: Sequence[type[SchemaExtension]] = (),
) -> MentorgraphSchema:
    # NOTE: the rule classes are made once, here: the validation cache is keyed by the rule
    # classes (a new class per operation made it never hit). Depth and aliases are counted by
    # `mentorgraph.schema.fragment_limits` (linear in the document), not by Strawberry's limiters,
    # which expand every fragment spread again (exponential).
    limits = DocumentLimits(max_depth=max_depth, max_aliases=max_aliases, max_fields=max_fields)
    rules: list[type[ASTValidationRule]] = [NoNulInStrings, limits_rule(limits)]
    cost = QueryCost(budget=max_cost)
    limit_field_merging(max_merge_work)
    schema = MentorgraphSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        scalar_overrides=SCALAR_OVERRIDES,
        config=StrawberryConfig(auto_camel_case=True, sort_schema=True),
        execution_context_class=Execution,
        # Factories: Strawberry builds fresh extensions per operation; the caches behind
        # ParserCache and ValidationCache are module-level and shared.
        extensions=[
            ErrorCodes,
            FreshLoaders,
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: AddValidationRules(rules),
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
            # After the validation cache: a document's own errors come first.
            lambda: CostLimit(cost),
            # The server's own (tracing, when on: `mentorgraph.tracing_schema`).
            *extra_extensions,
        ],
    )
    readable_by_graphql_js_16(schema._schema)
    schema.extra_rules = tuple(rules)
    schema.max_tokens = max_tokens
    schema.cost = cost
    return schema
