"""The schema against the declarations: what is compiled, what is exempt, what is neither.

`problems` is what `tests/api/test_fast_reads_completeness.py` asserts empty: a field neither
declared (`fields.py`) nor exempt (`exemptions.py`); a declared field whose schema arguments, input
fields or enum arguments' values its declaration does not read; a declaration or exemption the
schema no longer has; an exemption of what is now declared. `field_coverage` is the share of
fields compiled.
"""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLObjectType, GraphQLSchema

import mentorgraph.resolvers.fast_reads.roots  # noqa: F401  (every declaring module is imported from there)
from mentorgraph.resolvers.fast_reads.exemptions import EXEMPT, is_exempt
from mentorgraph.resolvers.fast_reads.fields import (
    ENUMS,
    FIELDS,
    Undeclared,
    check_declared,
    schema_fields,
)

__all__ = ["field_coverage", "problems"]


def problems(schema: GraphQLSchema) -> list[str]:
    found = []
    seen: set[tuple[str, str]] = set()
    for named, name, definition in schema_fields(schema):
        key = (named.name, name)
        seen.add(key)
        declared = FIELDS.get(key)
        if declared is None:
            if not is_exempt(*key):
                found.append(f"{named.name}.{name}: neither declared nor exempt")
            continue
        if is_exempt(*key):
            found.append(f"{named.name}.{name}: declared, so no longer exempt")
        try:
            check_declared(named.name, name, definition, declared)
        except Undeclared as refused:
            found.append(str(refused))
    found += [f"{t}.{f}: declared, not in the schema" for t, f in FIELDS if (t, f) not in seen]
    found += [
        f"enum {name}: declared, not in the schema"
        for name in ENUMS
        if not isinstance(schema.type_map.get(name), GraphQLEnumType)
    ]
    for entry in EXEMPT:
        type_name, _, field = entry.partition(".")
        exempt = schema.type_map.get(type_name)
        if not isinstance(exempt, GraphQLObjectType) or (field and field not in exempt.fields):
            found.append(f"{entry}: exempt, not in the schema")
    return found


def field_coverage(schema: GraphQLSchema) -> tuple[int, int]:
    """(fields compiled, fields in all) over the schema's object types, introspection's aside."""
    fields = [(t.name, n) for t, n, _ in schema_fields(schema)]
    return sum(key in FIELDS for key in fields), len(fields)
