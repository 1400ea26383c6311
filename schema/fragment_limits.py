"""Depth, aliases and size of a document with its fragments expanded, in time linear in its text.

A fragment may be spread many times, and each spread counts again: fragments that spread the
next one twice describe 2^n fields in n short lines. Strawberry's depth and alias limiters walk
every spread again (exponential: ~700 bytes at 19 levels cost seconds), and graphql-core's
OverlappingFieldsCanBeMerged and the executor work in proportion to the expanded document. So
each fragment's figures are computed once and combined over the fragment graph by addition and
multiplication (`Figures`), and a document beyond a limit is refused before any other rule
looks at it:

- depth: fields with a sub-selection nested along one path (`{ viewer { id } }` is 1), as
  Strawberry's `QueryDepthLimiter` counts it (introspection fields not counted);
- aliases: aliased fields, each spread counted again, as Strawberry's `MaxAliasesLimiter`;
- fields: every field the operations would select with each spread expanded.

What these figures cannot bound, graphql-core's OverlappingFieldsCanBeMerged bounds itself:
its work is quadratic in the fields sharing one response key (`{ viewer { a { id } a { id }
... } }`), and it stops once it has spent a complexity budget, which `limit_field_merging` sets
(graphql-core's documented module attribute; its default let one 20 KB document take ~2 s).
Its "Validation aborted." is QUERY_TOO_COMPLEX too (`schema/extensions.py`).

The refusal is graphql-core's own way to stop a validation early (`ValidationAbortedError`,
raised on entering the document, after every rule was constructed and before any walked a
selection set), with `extensions.code = QUERY_TOO_COMPLEX`. As a rule among
`MentorgraphSchema.extra_rules` it guards the ordinary and the fast read path alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from graphql.validation.rules import overlapping_fields_can_be_merged
from graphql.validation.validate import ValidationAbortedError

from mentorgraph.models.errors import FaultCode

__all__ = [
    "SATURATED",
    "DocumentLimits",
    "Figures",
    "document_figures",
    "limit_field_merging",
    "limits_rule",
]

# Counts saturate here: beyond any limit, and small enough to stay cheap integers.
SATURATED = 1 << 40


@dataclass(frozen=True)
class DocumentLimits:
    max_depth: int
    max_aliases: int
    max_fields: int


@dataclass(frozen=True)
class Figures:
    depth: int = 0
    aliases: int = 0
    fields: int = 0


def _add(a: int, b: int) -> int:
    return min(a + b, SATURATED)


class _Walk:
    """Figures of selection sets, each fragment's computed once (a spread of a fragment being
    computed, i.e. a cycle, adds nothing: NoFragmentCyclesRule reports it)."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.done: dict[str, Figures] = {}
        self.in_progress: set[str] = set()
        # Selection sets looked at: the work done, for tests (linear in the document).
        self.visited = 0

    def fragment(self, name: str) -> Figures:
        found = self.done.get(name)
        if found is not None:
            return found
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            return Figures()
        self.in_progress.add(name)
        figures = self.selection_set(definition.selection_set)
        self.in_progress.discard(name)
        self.done[name] = figures
        return figures

    def selection_set(self, selection_set: SelectionSetNode) -> Figures:
        self.visited += 1
        depth = aliases = fields = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields = _add(fields, 1)
                if selection.alias:
                    aliases = _add(aliases, 1)
                if selection.selection_set is not None:
                    inner = self.selection_set(selection.selection_set)
                    aliases = _add(aliases, inner.aliases)
                    fields = _add(fields, inner.fields)
                    if not selection.name.value.startswith("__"):
                        depth = max(depth, 1 + inner.depth)
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = self.selection_set(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value)
            else:  # pragma: no cover - graphql-core has no other selection
                continue
            depth = max(depth, inner.depth)
            aliases = _add(aliases, inner.aliases)
            fields = _add(fields, inner.fields)
        return Figures(depth, aliases, fields)


def document_figures(document: DocumentNode) -> tuple[Figures, int]:
    """The document's figures (depth: its deepest operation; aliases and fields: summed over
    its operations), and how many selection sets were looked at to find them."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(fragments)
    depth = aliases = fields = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            figures = walk.selection_set(definition.selection_set)
            depth = max(depth, figures.depth)
            aliases = _add(aliases, figures.aliases)
            fields = _add(fields, figures.fields)
    return Figures(depth, aliases, fields), walk.visited


def _refusal(limits: DocumentLimits, figures: Figures) -> str | None:
    if figures.depth > limits.max_depth:
        return f"The operation exceeds the maximum depth of {limits.max_depth}."
    if figures.aliases > limits.max_aliases:
        return (
            f"{figures.aliases} aliases found (fragments counted where spread);"
            f" at most {limits.max_aliases} are allowed."
        )
    if figures.fields > limits.max_fields:
        size = "more than 2^40" if figures.fields >= SATURATED else str(figures.fields)
        return (
            f"The document selects {size} fields with its fragments expanded;"
            f" at most {limits.max_fields} are allowed."
        )
    return None


def limits_rule(limits: DocumentLimits) -> type[ValidationRule]:
    """The validation rule that refuses documents beyond `limits` (made once per schema: the
    validation cache is keyed by the rule classes)."""

    class DocumentLimitsRule(ValidationRule):
        def enter_document(self, node: DocumentNode, *_args: Any) -> None:
            figures, _ = document_figures(node)
            message = _refusal(limits, figures)
            if message is not None:
                # Stops the whole validation here: the other rules never expand the document.
                raise ValidationAbortedError(
                    message,
                    extensions={
                        "code": FaultCode.QUERY_TOO_COMPLEX,
                        "depth": figures.depth,
                        "aliases": figures.aliases,
                        "fields": figures.fields,
                    },
                )

    return DocumentLimitsRule


def limit_field_merging(budget: int) -> None:
    """Set the complexity budget of graphql-core's OverlappingFieldsCanBeMerged (for the whole
    process: it is a module attribute, read as each validation starts)."""
    overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET = budget
