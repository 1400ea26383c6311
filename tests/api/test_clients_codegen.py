"""GraphQL Code Generator against a running server (issue 13, "graphql-codegen"): it reads the
schema by introspection from the server's URL, types the README's operations
(tests/clients/codegen/src/*.graphql) with the `typescript` and `typescript-operations` plugins,
and `tsc --noEmit --strict` compiles what it wrote with a small app using the types
(tests/clients/codegen/src/app.ts, which also holds lines that must not compile).

The packages are pinned in tests/clients/codegen/package-lock.json and installed by the test."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from graphql import GraphQLEnumType, GraphQLObjectType

from devkit.live_server import LiveServer
from mentorgraph.models.requests.requests import RequestStatus
from mentorgraph.schema import build_schema
from tests.utils.client import GraphQLClient
from tests.utils.node_clients import installed

GENERATED = "__generated__"
# graphql-js 16's DirectiveLocation (the `graphql` package front-end tools run on): its parser
# rejects any other location in a printed schema.
GRAPHQL_JS_16_LOCATIONS = {
    "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT", "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION",
    "ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT",
    "INPUT_FIELD_DEFINITION",
}  # fmt: skip
# Generating and compiling take a few seconds; this only guards against a hang.
TOOL_SECONDS = 120


async def _run(folder: Path, *command: str, **env: str) -> str:
    """Run one of the suite's npm tools in `folder`; fails the test with its output unless it
    exits 0. Only PATH (to node) and `env` reach it: no proxy settings, no npm config."""
    process = await asyncio.create_subprocess_exec(
        str(folder / "node_modules" / ".bin" / command[0]),
        *command[1:],
        cwd=folder,
        env={"PATH": str(Path(shutil.which("node") or "node").parent), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), TOOL_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"{command[0]} did not finish in {TOOL_SECONDS} s")
    text = output.decode()
    assert process.returncode == 0, f"{' '.join(command)} exited with {process.returncode}:\n{text}"
    return text


def _jsdoc(description: str | None) -> str:
    """A schema description as Code Generator writes it above the type."""
    assert description
    return f"/** {description} */"


async def test_codegen_types_the_readme_operations_from_introspection(
    live_server: LiveServer,
) -> None:
    folder = installed("codegen")
    output = folder / GENERATED
    shutil.rmtree(output, ignore_errors=True)

    # The schema comes from the live server (introspection), not from schema.graphql.
    await _run(folder, "graphql-codegen", "--config", "codegen.yml",
               SCHEMA_URL=f"{live_server.url}/graphql")  # fmt: skip
    schema_types = (output / "schema-types.ts").read_text()
    operations = (output / "operations.ts").read_text()

    # Each README operation has its result and variables types, with the fields it selects.
    assert "export type BrowseQuery = { mentors: { totalCount: number," in operations
    assert "mentorFacets: { tags: Array<{ value: string, count: number }>" in operations
    for name in (
        "BrowseQueryVariables",
        "MySentRequestsQuery",
        "RequestMentorshipMutation",
        "RequestMentorshipMutationVariables",
        "RequestEventsSubscription",
        "RequestEventsSubscriptionVariables",
    ):
        assert f"export type {name} = " in operations, name
    assert "status: Types.RequestStatus" in operations
    assert "code: Types.UserErrorCode" in operations

    # The schema's types, each with its description as a JSDoc comment.
    graphql_schema = build_schema()._schema
    request_status = graphql_schema.type_map["RequestStatus"]
    page_info = graphql_schema.type_map["PageInfo"]
    assert isinstance(request_status, GraphQLEnumType)
    assert isinstance(page_info, GraphQLObjectType)
    assert f"{_jsdoc(request_status.description)}\nexport enum RequestStatus {{" in schema_types
    for status in RequestStatus:
        value = request_status.values[status.value]
        member = f"{status.value.capitalize()} = '{status.value}'"
        assert f"  {_jsdoc(value.description)}\n  {member}" in schema_types, status
    assert f"{_jsdoc(page_info.description)}\nexport type PageInfo = {{" in schema_types
    has_previous = page_info.fields["hasPreviousPage"]
    assert (
        f"  {_jsdoc(has_previous.description)}\n"
        "  hasPreviousPage: Scalars['Boolean']['output'];" in schema_types
    )
    # The custom scalar is typed as configured (strictScalars: a forgotten one fails codegen).
    assert "DateTime: { input: string; output: string; }" in schema_types

    # The generated modules and an app using them type-check under --strict.
    await _run(folder, "tsc", "--project", "tsconfig.json", "--noEmit", "--strict")


async def test_introspection_names_only_directive_locations_graphql_js_16_parses(
    client: GraphQLClient,
) -> None:
    # graphql-core 3.3 lets `@deprecated` sit on directive definitions (a spec draft): listed,
    # that location made Code Generator fail to parse the schema it had just introspected.
    answer = await client.execute("{ __schema { directives { name locations } } }")
    directives = {d["name"]: set(d["locations"]) for d in answer.data["__schema"]["directives"]}
    assert {"deprecated", "include", "skip", "specifiedBy", "oneOf"} <= directives.keys()
    for name, locations in directives.items():
        assert locations <= GRAPHQL_JS_16_LOCATIONS, name
    assert directives["deprecated"] == {
        "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INPUT_FIELD_DEFINITION", "ENUM_VALUE",
    }  # fmt: skip
