"""Static query cost: an operation that could return too many objects is refused before it runs.

In the manner of GitHub's node limit and Shopify's query cost, the cost of an operation is the
number of objects its answer may hold at most, worked out from the document and its variables
alone:

- every object in the answer costs 1 (a connection, an edge, a node, `pageInfo`, a payload...);
  scalars and enums cost nothing;
- a list holds as many items as its page: the `first` (or `last`) of the field itself
  (`spotlightMentors(first:)`, `recommendedMentors(first:)`) or of the connection it belongs
  to (`mentors(first: 50) { nodes ... edges ... }`, `mentorshipGraph(first:) { nodes edges }`);
  without one, the argument's default (20 for connections: `DEFAULT_PAGE_SIZE`); values are
  clamped to 0..`MAX_PAGE_SIZE`, the most any list field accepts (a larger one is refused by
  the field itself);
- `nodes(ids:)` holds one item per id; the facet lists of `mentorFacets` their limits
  (`FACET_LIMITS`); any other list (a request's `history`, `activeMentees`, `channels`,
  payloads' lists...) is counted as `UNPAGED_LIST_SIZE` items;
- nested lists multiply: `mentors(first: 50) { nodes { receivedRequests(first: 100) { nodes
  { mentee { name } } } } }` costs 1 + 50 x (1 + 1 + 100 x (1 + 1)) = 10,101;
- where the type is an interface (`node`, `nodes`), the costliest of its object types counts;
  `@skip`/`@include` are not evaluated (the field counts as selected), and a field selected
  twice (a fragment spread twice, the same field in two fragments) counts twice: an upper
  bound, as the rest.

A query, mutation or subscription (each event) above the budget (`MAX_QUERY_COST`) is refused
before it runs with `extensions.code = QUERY_TOO_COMPLEX`, `extensions.cost` and
`extensions.budget`. The cost depends on the variables, so it is worked out per request; each
fragment's cost is computed once per object type and page (memoised over the fragment graph),
so the work is linear in the document (whose size `mentorgraph.schema.fragment_limits` and the token
limit bound) however often its fragments are spread. A verdict is remembered per query text,
operation name and variables (`QueryCost.checked`): an operation sent again costs a lookup.

Both read paths and the WebSocket apply it: the `CostLimit` extension after validation on the
ordinary path (HTTP and WebSocket alike), and `resolvers/fast_reads/` before compiling a
statement (it declines what is over budget, and the ordinary path refuses it).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
    is_abstract_type,
    is_leaf_type,
)
from strawberry.extensions import SchemaExtension

from mentorgraph.models.directory.directory import FACET_LIMITS, FacetKind
from mentorgraph.models.errors import FaultCode
from mentorgraph.resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

__all__ = ["UNPAGED_LIST_SIZE", "CostLimit", "QueryCost", "operation_cost"]

# Items counted for a list with no page and no known bound.
UNPAGED_LIST_SIZE = 10
# Lists whose length is bounded elsewhere: (type, field) -> items.
KNOWN_LIST_SIZES = {
    ("MentorFacets", "tags"): FACET_LIMITS[FacetKind.TAGS],
    ("MentorFacets", "countries"): FACET_LIMITS[FacetKind.COUNTRIES],
    ("MentorFacets", "spokenLanguages"): FACET_LIMITS[FacetKind.LANGUAGES],
}
PAGE_ARGUMENTS = ("first", "last")
# Operations whose verdict each schema's `QueryCost` remembers.
CACHE_SIZE = 512


def _is_list(field_type: Any) -> bool:
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return isinstance(field_type, GraphQLList)


def _page_value(value: Any) -> int | None:
    """A page size from a variable's or a literal's value; None when it is not an integer (the
    field or the variables' coercion refuses it)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        return None
    return max(0, min(value, MAX_PAGE_SIZE))


class _Costing:
    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = dict(variables)
        # Variables left out take their definition's default.
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and definition.default_value is not None:
                self.variables[name] = self._literal(definition.default_value)
        # (fragment, object type, page) -> cost; a cycle (refused by validation) costs 0.
        self.memo: dict[tuple[str, str, int | None], int] = {}

    def _literal(self, value: ValueNode) -> Any:
        if isinstance(value, VariableNode):
            return self.variables.get(value.name.value)
        if isinstance(value, IntValueNode):
            digits = value.value
            # Validation refuses an Int beyond 32 bits before this runs; still, never parse
            # thousands of digits (Python refuses beyond 4,300).
            return int(digits) if len(digits) <= 20 else None
        if isinstance(value, ListValueNode):
            return [self._literal(v) for v in value.values]
        if isinstance(value, NullValueNode):
            return None
        return getattr(value, "value", None)

    def _argument(self, node: FieldNode, name: str) -> tuple[bool, Any]:
        for argument in node.arguments or ():
            if argument.name.value == name:
                value = argument.value
                if isinstance(value, VariableNode) and value.name.value not in self.variables:
                    return False, None
                return True, self._literal(value)
        return False, None

    def _page(self, node: FieldNode, field: Any) -> int | None:
        """The page a field's own `first`/`last` sets, or None when it takes neither."""
        names = [name for name in PAGE_ARGUMENTS if name in field.args]
        if not names:
            return None
        for name in names:
            given, value = self._argument(node, name)
            if given and _page_value(value) is not None:
                return _page_value(value)
        defaults = (_page_value(field.args[name].default_value) for name in names)
        return next((size for size in defaults if size is not None), DEFAULT_PAGE_SIZE)

    def selections(
        self, selection_set: SelectionSetNode, on: GraphQLNamedType, page: int | None
    ) -> int:
        """The cost of a selection set read on `on` (for an interface: its costliest type)."""
        if is_abstract_type(on):
            possible = self.schema.get_possible_types(on)
            return max((self.on_object(selection_set, t, page) for t in possible), default=0)
        if isinstance(on, GraphQLObjectType):
            return self.on_object(selection_set, on, page)
        return 0

    def _applies(self, condition: str | None, runtime: GraphQLObjectType) -> bool:
        if condition is None or condition == runtime.name:
            return True
        declared = self.schema.get_type(condition)
        return is_abstract_type(declared) and self.schema.is_sub_type(
            declared,
            runtime,
        )

    def on_object(
        self, selection_set: SelectionSetNode, runtime: GraphQLObjectType, page: int | None
    ) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, runtime, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if self._applies(condition.name.value if condition else None, runtime):
                    total += self.on_object(selection.selection_set, runtime, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, runtime, page)
        return total

    def fragment(self, name: str, runtime: GraphQLObjectType, page: int | None) -> int:
        key = (name, runtime.name, page)
        found = self.memo.get(key)
        if found is not None:
            return found
        definition = self.fragments.get(name)
        self.memo[key] = 0  # while computing: a cycle adds nothing
        cost = 0
        if definition is not None and self._applies(definition.type_condition.name.value, runtime):
            cost = self.on_object(definition.selection_set, runtime, page)
        self.memo[key] = cost
        return cost

    def field(self, node: FieldNode, parent: GraphQLObjectType, page: int | None) -> int:
        field = parent.fields.get(node.name.value)
        if field is None or node.selection_set is None:
            return 0  # scalars, enums, `__typename`; unknown fields are validation's
        named = get_named_type(field.type)
        if is_leaf_type(named):
            return 0
        own_page = self._page(node, field)
        if _is_list(field.type):
            size = self._list_size(node, parent, field, own_page, page)
            inner = self.selections(node.selection_set, named, None)
        else:
            size = 1
            inner = self.selections(node.selection_set, named, own_page)
        return min(size * (1 + inner), 1 << 62)

    def _list_size(
        self,
        node: FieldNode,
        parent: GraphQLObjectType,
        field: Any,
        own_page: int | None,
        page: int | None,
    ) -> int:
        if own_page is not None:
            return own_page
        if "ids" in field.args:
            _, ids = self._argument(node, "ids")
            return len(ids) if isinstance(ids, list) else 1
        if page is not None:
            return page
        return KNOWN_LIST_SIZES.get((parent.name, node.name.value), UNPAGED_LIST_SIZE)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int | None:
    """The cost of the operation `operation_name` picks, or None when it picks none."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    root = schema.get_root_type(operation.operation)
    if root is None:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    costing = _Costing(schema, operation, fragments, variables or {})
    return costing.on_object(operation.selection_set, root, None)


@dataclass(frozen=True)
class QueryCost:
    """The budget, and the refusal of an operation above it."""

    budget: int
    # (query, operation name, variables as JSON) -> the refusal (None: within the budget), for
    # operations sent again and again; least recently used out beyond `CACHE_SIZE`.
    checked: OrderedDict[tuple[str, str | None, bytes], GraphQLError | None] = field(
        default_factory=OrderedDict, compare=False, repr=False
    )

    def refusal(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> GraphQLError | None:
        cost = operation_cost(schema, document, operation_name, variables)
        if cost is None or cost <= self.budget:
            return None
        return GraphQLError(
            f"The operation may return {cost} objects; at most {self.budget} are allowed."
            " Ask for smaller pages (first) or fewer nested lists.",
            extensions={"code": FaultCode.QUERY_TOO_COMPLEX, "cost": cost, "budget": self.budget},
        )


class CostLimit(SchemaExtension):
    """Refuses an operation above the budget once it has validated (before it runs). Listed
    after the validation cache, so the document's own errors come first."""

    def __init__(self, cost: QueryCost) -> None:
        self.cost = cost

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not context.pre_execution_errors:
            refusal = self._refusal(context.query, document, context.operation_name)
            if refusal is not None:
                context.pre_execution_errors = [refusal]
        yield

    def _refusal(
        self, query: str | None, document: DocumentNode, operation_name: str | None
    ) -> GraphQLError | None:
        context = self.execution_context
        schema = context.schema._schema
        try:
            values = orjson.dumps(context.variables or {}, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # an integer beyond 64 bits: not cached (coercion refuses it)
            return self.cost.refusal(schema, document, operation_name, context.variables)
        key = (query or "", operation_name, values)
        checked = self.cost.checked
        if key in checked:
            checked.move_to_end(key)
            return checked[key]
        refusal = self.cost.refusal(schema, document, operation_name, context.variables)
        checked[key] = refusal
        if len(checked) > CACHE_SIZE:
            checked.popitem(last=False)
        return refusal
