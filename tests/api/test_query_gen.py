"""The corpus of the fast-read differential test: valid documents that cover what the fast path
claims to answer, and some of what it must hand over (no database needed)."""

from __future__ import annotations

from collections import Counter

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    parse,
    validate,
    visit,
)
from graphql.language import Visitor

from devkit.schema_queries import schema_operations
from mentorgraph.schema import build_schema
from tests.api.test_fast_reads_differential import OPERATIONS, SCHEMA_OPERATIONS, SCHEMA_SEED, SEED
from tests.utils.query_fields import (
    EVENT_SCALARS,
    FACETS,
    REQUEST_SCALARS,
    RESPONSIVENESS,
    STATUS_COUNTS,
    USER_SCALARS,
)
from tests.utils.query_gen import Operation, Vocabulary, generate_operations

# Any ids: the documents' shapes depend on the seed alone.
VOCABULARY = Vocabulary(user_ids=["VXNlcjox"], request_ids=["TWVudG9yc2hpcFJlcXVlc3Q6MQ"])
CONNECTIONS = ["edges", "cursor", "node", "nodes", "pageInfo", "hasNextPage", "endCursor"]
CONNECTIONS += ["hasPreviousPage", "startCursor"]
# Arguments of connection fields the corpus must use (counted as `<argument>`).
PAGE_ARGUMENTS = ["<first>", "<after>", "<last>", "<before>"]
ROOTS_AND_LISTS = ["viewer", "mentors", "mentorFacets", "totalCount", "sentRequests"]
RELATIONS = [
    "receivedRequests", "sentRequestCounts", "receivedRequestCounts", "activeMentors",
    "activeMentees", "history", "actor", "request", "menteeOpenRequestCount",
    "menteeActiveMentorshipCount", "value", "count",
]  # fmt: skip


class _Features(Visitor):
    """Counts field names and the document features the fast path must understand."""

    def __init__(self, seen: Counter[str]) -> None:
        super().__init__()
        self.seen = seen

    def enter_field(self, node: FieldNode, *_: object) -> None:
        self.seen[node.name.value] += 1
        for argument in node.arguments or ():
            self.seen[f"<{argument.name.value}>"] += 1
        if node.alias:
            self.seen["<alias>"] += 1

    def enter_inline_fragment(self, node: InlineFragmentNode, *_: object) -> None:
        self.seen["<inline fragment>"] += 1

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.seen["<fragment spread>"] += 1

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: object) -> None:
        self.seen["<fragment>"] += 1

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
        self.seen["<variable>"] += len(node.variable_definitions or ())
        self.seen["<several roots>"] += len(node.selection_set.selections) > 1


def _corpus() -> list[Operation]:
    return generate_operations(SEED, OPERATIONS, VOCABULARY)


def test_generated_documents_are_valid() -> None:
    """All that are written as supported; of the others, a few on purpose (an `Int` too big)."""
    schema = build_schema()
    invalid = 0
    for operation in _corpus():
        errors = validate(schema._schema, parse(operation.query))
        assert not (errors and operation.expect_fast), (operation.query, errors)
        invalid += bool(errors)
    assert invalid <= OPERATIONS // 50


def test_the_corpus_covers_the_fast_paths_surface() -> None:
    seen: Counter[str] = Counter()
    corpus = _corpus()
    for operation in corpus:
        visit(parse(operation.query), _Features(seen))
    wanted = {*USER_SCALARS, *RESPONSIVENESS, *REQUEST_SCALARS, *CONNECTIONS, *ROOTS_AND_LISTS}
    wanted |= {*STATUS_COUNTS, *EVENT_SCALARS, *FACETS, *RELATIONS}
    wanted |= {"node", "channels", "type", "handle", "responsiveness", "mentor", "mentee"}
    wanted |= {"__typename", "<alias>", "<inline fragment>", "<fragment spread>", "<fragment>"}
    wanted |= {"<variable>", "<several roots>", *PAGE_ARGUMENTS}
    assert {name for name in wanted if seen[name] < 3} == set()
    paged = [o for o in corpus if o.follow]
    assert any(o.backward for o in paged) and not all(o.backward for o in paged)
    handed_over = [o for o in corpus if not o.expect_fast]
    assert len(paged) >= OPERATIONS // 20
    # Mostly supported operations, and enough of the rest to see the hand-over work.
    assert OPERATIONS // 10 <= len(handed_over) <= OPERATIONS // 2


def test_the_schema_corpus_asks_every_compiled_field_and_argument_in_every_client_shape() -> None:
    """`schema_queries`: valid documents (but for a page size beyond `Int`, on purpose), every
    declared field and argument asked, and the shapes clients write."""
    schema = build_schema()._schema
    # Topped up until every declared field was asked: a field deep in the schema is reached by
    # chance, and each new field moves chance (as the differential test draws them).
    operations, coverage = schema_operations(
        schema, SCHEMA_SEED, SCHEMA_OPERATIONS, VOCABULARY, until_covered=SCHEMA_OPERATIONS
    )
    assert coverage.missing(schema) == []
    invalid = sum(bool(validate(schema, parse(o.query))) for o in operations)
    assert invalid <= SCHEMA_OPERATIONS // 50
    text = "\n".join(o.query for o in operations)
    for shape in ("@include(if: $", "@skip(if: $", "@include(if: true", "@skip(if: false"):
        assert shape in text, shape
    for shape in ("fragment F", " on Node {", "... on User", "... on MentorshipRequest"):
        assert shape in text, shape
    assert all(o.compiled for o in operations)
