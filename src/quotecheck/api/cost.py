"""The cost of a query, counted as GitHub counts its node limit, and refused before execution when too high.

Every connection asks for `first` (or `last`) nodes, or the default page when it gives neither, once for each
node of the connections around it: `quotes(first: 50) { edges { node { appearances(first: 10) ... } } }` asks
for 50 + 50 × 10 = 550 nodes. The sum over the operation's connections is its cost. It is computed from the
document and the variables alone, so a query that would fetch a million rows is refused without reading one;
every response reports it in `extensions.cost` as `{requested, limit}`, so clients can see how close they are.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    parse,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from quotecheck.api.pagination import DEFAULT_PAGE, MAX_PAGE

__all__ = ["CostLimit", "cost_report", "query_cost", "text_cost"]

_PAGE_ARGUMENTS = ("first", "last")


def _page(field: FieldNode, variables: Mapping[str, Any], defaults: Mapping[str, Any]) -> int:
    """The page a connection asks for; sizes out of range count as the largest page (the resolver refuses
    them with its own message, before reading anything)."""
    sizes = []
    for argument in field.arguments or ():
        if argument.name.value not in _PAGE_ARGUMENTS:
            continue
        value: Any = None
        if isinstance(argument.value, IntValueNode):
            value = int(argument.value.value)
        elif isinstance(argument.value, VariableNode):
            name = argument.value.name.value
            value = variables.get(name, defaults.get(name))
        if isinstance(value, int) and not isinstance(value, bool):
            sizes.append(min(max(value, 0), MAX_PAGE))
        elif value is not None:
            sizes.append(MAX_PAGE)  # a wrong type is refused at execution; count the worst meanwhile
    return max(sizes) if sizes else DEFAULT_PAGE


def _is_connection(kind: GraphQLNamedType) -> bool:
    return isinstance(kind, GraphQLObjectType) and kind.name.endswith("Connection") and "edges" in kind.fields


class _Counter:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        defaults: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.defaults = defaults

    def count(
        self, selections: SelectionSetNode, parent: GraphQLNamedType | None, times: int, seen: frozenset[str]
    ) -> int:
        total = 0
        for node, kind in self._fields(selections, parent, seen):
            field_type = None
            if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
                definition = kind.fields.get(node.name.value)
                field_type = get_named_type(definition.type) if definition is not None else None
            inner = times
            if field_type is not None and _is_connection(field_type):
                inner = times * _page(node, self.variables, self.defaults)
                total += inner
            if node.selection_set is not None:
                total += self.count(node.selection_set, field_type, inner, seen)
        return total

    def _fields(
        self, selections: SelectionSetNode, parent: GraphQLNamedType | None, seen: frozenset[str]
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType | None]]:
        """The fields of a selection set with the type each is selected on, through fragments."""
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                kind = parent
                if selection.type_condition is not None:
                    kind = self.schema.get_type(selection.type_condition.name.value)
                yield from self._fields(selection.selection_set, kind, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    kind = self.schema.get_type(fragment.type_condition.name.value)
                    yield from self._fields(fragment.selection_set, kind, seen | {name})


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int:
    """The nodes an operation asks for (see the module's docstring); 0 when there is no such operation."""
    operation = _operation(document, operation_name)
    if operation is None:
        return 0
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    defaults: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        if isinstance(definition.default_value, IntValueNode):
            defaults[definition.variable.name.value] = int(definition.default_value.value)
    counter = _Counter(schema, fragments, variables or {}, defaults)
    return counter.count(operation.selection_set, root, 1, frozenset())


@functools.lru_cache(maxsize=256)
def _parsed(query: str) -> DocumentNode:
    return parse(query)


def text_cost(
    schema: GraphQLSchema, query: str, operation_name: str | None, variables: Mapping[str, Any] | None
) -> int:
    """The cost of a document already known to parse (answers that skip the executor report it too)."""
    return query_cost(schema, _parsed(query), operation_name, variables)


def cost_report(requested: int, limit: int) -> dict[str, Any]:
    """The `extensions` entry of a response."""
    return {"cost": {"requested": requested, "limit": limit}}


class CostLimit(SchemaExtension):
    """Refuses an operation whose cost is over the limit, before it runs; reports the cost of every one."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.cost: int | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None
        variables = context.variables if isinstance(context.variables, dict) else {}
        self.cost = query_cost(
            context.schema._schema, context.graphql_document, context.operation_name, variables
        )
        if self.cost > self.limit:
            message = (
                f"this query asks for up to {self.cost} nodes, over the limit of {self.limit}; ask for smaller "
                "pages (`first`/`last`) in nested connections, or fewer nested connections, and page on"
            )
            error = GraphQLError(message, extensions={"code": "COST_LIMIT_EXCEEDED"})
            context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield

    def get_results(self) -> dict[str, Any]:
        return {} if self.cost is None else cost_report(self.cost, self.limit)
