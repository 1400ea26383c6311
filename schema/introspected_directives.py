"""The built-in directives, as introspection shows them, readable by graphql-js 16 tooling.

graphql-core 3.3 follows the next draft of the spec: its `@deprecated` may also be placed on a
directive definition, so introspection lists `DIRECTIVE_DEFINITION` among its locations. The
graphql-js 16 parser (the `graphql` package front-end tools run on: GraphQL Code Generator,
graphql-tools, Apollo and urql projects) does not know that location. Code Generator prints the
introspected schema and parses it back, and fails with `Syntax Error: Unexpected Name
"DIRECTIVE_DEFINITION"`. This schema deprecates no directive, so the location is left out;
`schema.graphql` is unchanged (built-in directives are never printed).
"""

from __future__ import annotations

from graphql import DirectiveLocation, GraphQLDirective, GraphQLSchema

__all__ = ["readable_by_graphql_js_16"]

# Locations graphql-js 16 cannot parse, and no directive of this schema is placed at.
UNKNOWN_TO_GRAPHQL_JS_16 = frozenset({DirectiveLocation.DIRECTIVE_DEFINITION})


def readable_by_graphql_js_16(schema: GraphQLSchema) -> None:
    """Drop the directive locations graphql-js 16 cannot parse from `schema`'s directives."""
    schema.directives = tuple(_without_unknown_locations(d) for d in schema.directives)


def _without_unknown_locations(directive: GraphQLDirective) -> GraphQLDirective:
    locations = tuple(
        location for location in directive.locations if location not in UNKNOWN_TO_GRAPHQL_JS_16
    )
    if locations == tuple(directive.locations):
        return directive
    kwargs = directive.to_kwargs()
    kwargs["locations"] = locations
    return GraphQLDirective(**kwargs)
