"""What a query will cost to answer, computed from its text before anything runs, as Saleor's
`graphql/core/validators/query_cost.py` does: every object a query asks for costs its complexity
(1 unless the cost map says more), times the page sizes (`first`) of the connections around it.

Scalars are free: they are columns of a row already loaded (unless the map prices them).
Fragments count wherever they are spread; both branches of a type condition count (an
over-estimate, never an under-estimate)."""

from __future__ import annotations

from typing import Any

from graphql.language import ast
from graphql.type import GraphQLInterfaceType, GraphQLObjectType, GraphQLUnionType
from graphql.type.definition import get_named_type

from ..connection import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

# Fields whose answer costs far more than loading one row: a computation over many rows, a file
# drawn or written. Keyed like Saleor's COST_MAP: parent type, then field.
COST_MAP: dict[str, dict[str, int]] = {
    "Query": {
        "me": 5,
        "poster": 50,
        "taxRecordsCsv": 250,
        "payoutTransfersCsv": 250,
        "commissionsCsv": 250,
        "monthlyStatementsCsv": 250,
        "orderCommission": 5,
        # Replays every settled order of up to the simulated months under the draft rules.
        "growthSimulation": 2000,
        "monthlyStatements": 100,
        "statistics": 50,
        "commissionTotals": 50,
    },
    "Me": {
        "balances": 3,
        "earnings": 5,
        "team": 10,
        "clicks": 5,
        "sales": 10,
        "monthlyStatements": 10,
    },
    "Distributor": {
        "earnings": 5,
        "balances": 3,
        "monthSales": 10,
        "teamSize": 10,
        "commissions": 5,
        "ledger": 5,
        "payouts": 5,
    },
    "TeamSummary": {"sales": 10},
}
DEFAULT_COMPLEXITY = 1
# Any field answering a file reads every row of what it exports, whatever the map forgot; 50
# of them (the alias limit) cost more than the default maximum (WFX_GRAPHQL_MAX_COST 10,000).
CSV_EXPORT_COST = 250


class CostCalculator:
    def __init__(self, schema: Any, document: ast.Document, variables: dict[str, Any]):
        self.schema = schema
        self.variables = variables
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, ast.FragmentDefinition)
        }

    def operation_cost(self, operation: ast.OperationDefinition) -> int:
        root = {
            "query": self.schema.get_query_type(),
            "mutation": self.schema.get_mutation_type(),
        }.get(operation.operation)
        if root is None:
            return 0
        return self._selections_cost(operation.selection_set, root, 1, frozenset())

    def _selections_cost(
        self, selection_set: Any, parent: Any, multiplier: int, spreading: frozenset[str]
    ) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, ast.Field):
                total += self._field_cost(selection, parent, multiplier, spreading)
            elif isinstance(selection, ast.InlineFragment):
                condition = parent
                if selection.type_condition is not None:
                    condition = self.schema.get_type(selection.type_condition.name.value)
                total += self._selections_cost(
                    selection.selection_set, condition, multiplier, spreading
                )
            elif isinstance(selection, ast.FragmentSpread):
                name = selection.name.value
                fragment = self.fragments.get(name)
                # A fragment spreading itself is refused by validation; never loop on it here.
                if fragment is None or name in spreading:
                    continue
                condition = self.schema.get_type(fragment.type_condition.name.value)
                total += self._selections_cost(
                    fragment.selection_set, condition, multiplier, spreading | {name}
                )
        return total

    def _field_cost(
        self, node: ast.Field, parent: Any, multiplier: int, spreading: frozenset[str]
    ) -> int:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        field = parent.fields.get(node.name.value)
        if field is None:
            return 0
        field_type = get_named_type(field.type)
        mapped = COST_MAP.get(parent.name, {}).get(node.name.value)
        if not isinstance(field_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            # A scalar is a column already loaded, unless it is a count over many rows.
            return (mapped or 0) * multiplier
        complexity = DEFAULT_COMPLEXITY if mapped is None else mapped
        if field_type.name == "CsvExport":
            complexity = max(complexity, CSV_EXPORT_COST)
        own = complexity * multiplier
        if "first" in field.args:
            multiplier *= self._page_size(node)
        return own + self._selections_cost(node.selection_set, field_type, multiplier, spreading)

    def _page_size(self, node: ast.Field) -> int:
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, ast.Variable):
                raw = self.variables.get(value.name.value)
            elif isinstance(value, ast.IntValue):
                raw = value.value
            else:
                raw = None
            try:
                size = int(raw) if raw is not None else DEFAULT_PAGE_SIZE
            except (TypeError, ValueError):
                size = DEFAULT_PAGE_SIZE
            # Pagination refuses more than a page's maximum; a bigger number costs no more.
            return max(1, min(size, MAX_PAGE_SIZE))
        return DEFAULT_PAGE_SIZE
