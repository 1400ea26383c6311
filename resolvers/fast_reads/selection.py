"""The fields an operation selects, merged per response key, for one runtime type at a time.

What graphql-core's `collect_fields` does, without its execution context: fragments (named and
inline) are flattened when their type condition applies, fields with the same response key are
merged (validation has made sure they are mergeable), and `@skip`/`@include` are evaluated with
the operation's variables, as graphql-core's `should_include_node` does (`@skip` first). Without
variables (`variables=None`: the prepared operation's check of its roots) every selection counts.
A directive other than these two is not answered here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
    VariableValues,
    get_named_type,
    is_abstract_type,
)
from graphql.execution.values import get_directive_values

__all__ = ["Selected", "Unsupported", "UnsupportedValue", "child_type", "collect"]


class Unsupported(Exception):
    """The fast path does not answer this operation (whatever its variables); the ordinary
    executor will."""


class UnsupportedValue(Unsupported):
    """Not with these argument values (a bad id, cursor or filter: the ordinary path reports
    it), though it may with others."""


@dataclass
class Selected:
    """One response key of an object: the field, its first node (arguments) and all the nodes
    merged under the key (their sub-selections together)."""

    key: str
    name: str
    definition: GraphQLField
    nodes: list[FieldNode] = field(default_factory=list)

    @property
    def node(self) -> FieldNode:
        return self.nodes[0]

    def selection_sets(self) -> list[SelectionSetNode]:
        return [n.selection_set for n in self.nodes if n.selection_set is not None]


def _applies(schema: GraphQLSchema, condition: str | None, runtime: GraphQLObjectType) -> bool:
    if condition is None or condition == runtime.name:
        return True
    declared = schema.get_type(condition)
    return is_abstract_type(declared) and schema.is_sub_type(declared, runtime)


def _included(selection: SelectionNode, variables: VariableValues | None) -> bool:
    if not selection.directives:
        return True
    for directive in selection.directives:
        if directive.name.value not in _CONDITIONS:
            raise Unsupported(f"@{directive.name.value}")
    if variables is None:
        return True
    skip = get_directive_values(GraphQLSkipDirective, selection, variables)
    if skip is not None and skip["if"]:
        return False
    include = get_directive_values(GraphQLIncludeDirective, selection, variables)
    return include is None or bool(include["if"])


_CONDITIONS = frozenset([GraphQLSkipDirective.name, GraphQLIncludeDirective.name])


def collect(
    schema: GraphQLSchema,
    runtime: GraphQLObjectType,
    selection_sets: Iterable[SelectionSetNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: VariableValues | None = None,
) -> dict[str, Selected]:
    """Response key -> the merged field, in the order the keys first appear."""
    selected: dict[str, Selected] = {}
    # Each fragment is merged once per collection, as graphql-core's `collect_fields` does:
    # spread again, it adds nothing (and the nodes do not double with each spread).
    merged: set[str] = set()

    def visit(selection_set: SelectionSetNode, seen: frozenset[str]) -> None:
        for selection in selection_set.selections:
            if not _included(selection, variables):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                name = selection.name.value
                if key not in selected:
                    definition = runtime.fields.get(name) if not name.startswith("__") else _META
                    if definition is None:
                        raise Unsupported(f"unknown field {name}")
                    selected[key] = Selected(key, name, definition)
                selected[key].nodes.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                on = selection.type_condition
                condition = on.name.value if on else None
                if _applies(schema, condition, runtime):
                    visit(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in seen:
                    raise Unsupported(f"fragment {name}")
                if name in merged:
                    continue
                merged.add(name)
                if _applies(schema, fragment.type_condition.name.value, runtime):
                    visit(fragment.selection_set, seen | {name})

    for selection_set in selection_sets:
        visit(selection_set, frozenset())
    return selected


def child_type(schema: GraphQLSchema, selected: Selected) -> GraphQLObjectType:
    """The object type a field's sub-selection is read on (its named type)."""
    named = get_named_type(selected.definition.type)
    if not isinstance(named, GraphQLObjectType):
        raise Unsupported(f"{selected.name} returns {named}")
    return named


# Meta fields (`__typename`) have no definition on the type; a placeholder marks them.
_META = GraphQLField(GraphQLObjectType("Meta", {}))
