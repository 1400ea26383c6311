"""`python -m bench.coverage`: how much of the schema the fast read path answers compiled.

Prints (1) the share of the schema's fields that have a compiled rendering (all object types, and
the read types alone: `Mutation` and `Subscription` themselves aside, which are writes and pushes),
(2) the share of generated read operations that select only compiled fields, the operations
written over every read field of the schema (`devkit/schema_queries.py`, `every_field`),
as a client would, and (3) the same for mutation payloads: the payload types' fields (and
`UserError`'s) compiled, and the share of generated mutations (each mutation of the schema, its
payload's selection written over every field) whose payload is read compiled after the write.
No database: it reads the schema and the registry.
"""

from __future__ import annotations

import argparse
import random

from graphql import GraphQLObjectType, GraphQLSchema, get_named_type

from devkit.query_inputs import Vocabulary
from devkit.schema_queries import Coverage, payload_operation, schema_operations
from mentorgraph.resolvers.fast_reads.coverage import field_coverage
from mentorgraph.resolvers.fast_reads.exemptions import EXEMPT
from mentorgraph.resolvers.fast_reads.fields import FIELDS, schema_fields
from mentorgraph.schema import build_schema

__all__ = ["main"]

# Ids of some world: the operations' shapes do not depend on them.
_VOCABULARY = Vocabulary(user_ids=["VXNlcjox"], request_ids=["TWVudG9yc2hpcFJlcXVlc3Q6MQ"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    schema = build_schema()._schema
    compiled, total = field_coverage(schema)
    reads = [
        (t.name, n)
        for t, n, _ in schema_fields(schema)
        if t.name not in ("Mutation", "Subscription")
    ]
    read_compiled = sum(key in FIELDS for key in reads)
    print(f"schema fields compiled: {compiled} of {total} ({compiled / total:.0%})")
    print(
        f"read fields compiled (Mutation and Subscription roots aside): {read_compiled} of"
        f" {len(reads)} ({read_compiled / len(reads):.0%})"
    )
    print(f"exemptions listed: {len(EXEMPT)} (resolvers/fast_reads/exemptions.py)")
    operations, _ = schema_operations(
        schema, args.seed, args.operations, _VOCABULARY, every_field=True
    )
    answered = sum(operation.compiled for operation in operations)
    print(
        f"generated read operations over every read field answered compiled: {answered} of"
        f" {len(operations)} ({answered / len(operations):.0%})"
    )

    payload_fields, payloads_answered, payloads_written = payload_coverage(
        schema, args.seed, args.operations
    )
    compiled_payload = sum(key in FIELDS for key in payload_fields)
    print(
        f"mutation payload fields compiled (UserError's too): {compiled_payload} of"
        f" {len(payload_fields)} ({compiled_payload / len(payload_fields):.0%})"
    )
    print(
        f"generated mutations whose payload is read compiled: {payloads_answered} of"
        f" {payloads_written} ({payloads_answered / payloads_written:.0%})"
    )


def payload_coverage(
    schema: GraphQLSchema, seed: int, count: int
) -> tuple[list[tuple[str, str]], int, int]:
    """The payload types' fields (and UserError's), and of `count` generated mutations (over
    every mutation in turn) how many select only compiled payload fields."""
    mutation_type = schema.mutation_type
    assert mutation_type is not None
    types = {get_named_type(f.type) for f in mutation_type.fields.values()}
    types.add(schema.type_map["UserError"])
    fields = sorted(
        (t.name, n) for t in types if isinstance(t, GraphQLObjectType) for n in t.fields
    )
    rng, coverage = random.Random(seed), Coverage()
    names = sorted(mutation_type.fields)
    operations = [
        payload_operation(
            schema, rng, _VOCABULARY, coverage, names[i % len(names)], {}, every_field=True
        )
        for i in range(count)
    ]
    return fields, sum(o.compiled for o in operations), len(operations)


if __name__ == "__main__":
    main()
