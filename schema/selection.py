"""Which fields a query selects on the items of a connection, read from the operation's AST.

Used only to decide what to load ahead: a missed case (say, a field behind a directive) costs
speed, never correctness, because every field still loads what it needs when it runs.
"""

from __future__ import annotations

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode

from mentorgraph.schema.context import Info

__all__ = ["item_fields", "own_fields"]


def _fields(info: Info, selection_set: SelectionSetNode | None) -> list[FieldNode]:
    """The fields of a selection set, through inline fragments and fragment spreads."""
    found: list[FieldNode] = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_fields(info, selection.selection_set))
        elif isinstance(selection, FragmentSpreadNode):
            fragment = info._raw_info.fragments.get(selection.name.value)
            found.extend(_fields(info, fragment.selection_set if fragment else None))
    return found


def own_fields(info: Info) -> set[str]:
    """Names selected directly on this field's object (any type condition)."""
    return {
        f.name.value
        for node in info._raw_info.field_nodes
        for f in _fields(info, node.selection_set)
    }


def item_fields(info: Info) -> set[str]:
    """Names selected under `nodes { ... }` or `edges { node { ... } }` of this field."""
    names: set[str] = set()
    for node in info._raw_info.field_nodes:
        for child in _fields(info, node.selection_set):
            if child.name.value == "nodes":
                names.update(f.name.value for f in _fields(info, child.selection_set))
            elif child.name.value == "edges":
                for edge_field in _fields(info, child.selection_set):
                    if edge_field.name.value == "node":
                        names.update(f.name.value for f in _fields(info, edge_field.selection_set))
    return names
