"""Every field of the schema is compiled or exempt with a reason, and nothing is ignored.

The schema walked is the real one (`schema.build_schema`); the declarations are
`resolvers/fast_reads/fields.py`'s registry; the exemptions `resolvers/fast_reads/exemptions.py`.
Then the refusals are shown: a field, an argument or an input field added the ordinary way (to
the schema only) fails the walk, and the compiler raises on it rather than ignore it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from graphql import (
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    build_ast_schema,
    parse,
    print_schema,
)
from graphql.execution.values import get_variable_values

from mentorgraph.resolvers.fast_reads.coverage import field_coverage, problems
from mentorgraph.resolvers.fast_reads.exemptions import EXEMPT
from mentorgraph.resolvers.fast_reads.fields import FIELDS, Undeclared
from mentorgraph.resolvers.fast_reads.roots import compile_operation
from mentorgraph.resolvers.fast_reads.selection import Unsupported
from mentorgraph.schema import build_schema


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema()._schema


def _extended(schema: GraphQLSchema, old: str, new: str) -> GraphQLSchema:
    """The schema with `old` replaced by `new` in its SDL: a change made the ordinary way."""
    sdl = print_schema(schema)
    assert sdl.count(old) == 1, old
    return build_ast_schema(parse(sdl.replace(old, new)))


def _compile(schema: GraphQLSchema, query: str, viewer_id: int | None = None) -> object:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    variables = get_variable_values(schema, operation.variable_definitions or (), {})
    assert not isinstance(variables, list)
    return compile_operation(schema, operation, fragments, variables, viewer_id)


def test_every_field_argument_and_input_field_is_compiled_or_exempt(
    schema: GraphQLSchema,
) -> None:
    assert problems(schema) == []
    compiled, total = field_coverage(schema)
    print(f"compiled fields: {compiled} of {total}")
    assert compiled > 0


def test_a_new_argument_without_its_rendering_is_refused(schema: GraphQLSchema) -> None:
    changed = _extended(
        schema, "  mentorFacets(\n", "  mentorFacets(\n    mentorOnly: Boolean = null\n"
    )
    assert problems(changed) == ["Query.mentorFacets: arguments ['mentorOnly'] have no rendering"]
    # Refused when compiling too, whether the operation passes the argument or not.
    for query in (
        "{ mentorFacets { tags { value } } }",
        "{ mentorFacets(mentorOnly: true) { tags { value } } }",
    ):
        with pytest.raises(Undeclared):
            _compile(changed, query)


def test_a_new_input_field_without_its_rendering_is_refused(schema: GraphQLSchema) -> None:
    changed = _extended(
        schema, "input MentorFilter {\n", "input MentorFilter {\n  minRating: Float = null\n"
    )
    found = problems(changed)
    assert found and all("MentorFilter.['minRating']" in problem for problem in found)
    with pytest.raises(Undeclared):
        _compile(changed, "{ mentorFacets(filter: {minRating: 4}) { tags { value } } }")


def test_a_new_field_without_its_rendering_is_refused(schema: GraphQLSchema) -> None:
    changed = _extended(
        schema, "type User implements Node {\n", "type User implements Node {\n  nickname: String\n"
    )
    assert problems(changed) == ["User.nickname: neither declared nor exempt"]
    # Not compiled: the operation goes to the ordinary executor, which has the resolver.
    with pytest.raises(Unsupported):
        _compile(changed, "{ viewer { nickname } }", viewer_id=1)


def test_a_new_enum_value_without_its_rendering_is_refused(schema: GraphQLSchema) -> None:
    """A directory order added to the schema alone (its resolver would sort by it; the compiled
    statement has no sort keys for it): refused, not sorted some other way."""
    changed = _extended(schema, "enum MentorOrder {\n", "enum MentorOrder {\n  RATING\n")
    found = problems(changed)
    assert found == ["Query.mentors(orderBy): enum values MentorOrder.['RATING'] have no rendering"]
    for query in ("{ mentors { totalCount } }", "{ mentors(orderBy: NAME) { totalCount } }"):
        with pytest.raises(Undeclared):
            _compile(changed, query)
    # A filter's enum in an input type, and a status list, alike.
    changed = _extended(schema, "enum RequestStatus {\n", "enum RequestStatus {\n  ARCHIVED\n")
    found = problems(changed)
    assert found and all("RequestStatus.['ARCHIVED']" in problem for problem in found)
    assert any(problem.startswith("Query.adminRequests(filter).status") for problem in found)
    assert any(problem.startswith("User.sentRequests(status)") for problem in found)


@pytest.fixture
def mentors_without_first() -> Iterator[None]:
    """The registry with `Query.mentors` no longer reading `first` (a declaration gone stale)."""
    key = ("Query", "mentors")
    declared = FIELDS[key]
    FIELDS[key] = dataclasses.replace(declared, arguments=declared.arguments - {"first"})
    yield
    FIELDS[key] = declared


def test_a_declaration_that_misses_an_argument_is_refused(
    schema: GraphQLSchema, mentors_without_first: None
) -> None:
    assert problems(schema) == ["Query.mentors: arguments ['first'] have no rendering"]
    with pytest.raises(Undeclared):
        _compile(schema, "{ mentors { totalCount } }")


def test_stale_declarations_and_exemptions_are_reported(schema: GraphQLSchema) -> None:
    renamed = _extended(schema, "  mentorFacets(\n", "  facets(\n")
    found = problems(renamed)
    assert "Query.mentorFacets: declared, not in the schema" in found
    assert "Query.facets: neither declared nor exempt" in found
    # Every query field is compiled now: an exemption left behind by a field since removed.
    EXEMPT["Query.spotlight"] = "a field since removed"
    try:
        assert "Query.spotlight: exempt, not in the schema" in problems(schema)
    finally:
        del EXEMPT["Query.spotlight"]


def test_a_new_payload_field_without_its_declaration_is_reported(schema: GraphQLSchema) -> None:
    """Mutation payloads are read compiled too (`payloads.py`): a field added to one the
    ordinary way, or a new payload type, is neither declared nor exempt until declared."""
    changed = _extended(
        schema,
        "type ApproveMentorshipRequestPayload {\n",
        "type ApproveMentorshipRequestPayload {\n  mentorshipCount: Int\n",
    )
    assert problems(changed) == [
        "ApproveMentorshipRequestPayload.mentorshipCount: neither declared nor exempt"
    ]
