"""Depth and alias counts of a query, from its text: the shapes that multiply work without
any page size (an upline's upline's upline…, or the same field asked for under 200 names)."""

from __future__ import annotations

from graphql.language import ast


def field_and_alias_counts(document: ast.Document) -> tuple[int, int]:
    """Fields and fragment spreads written in the document, and how many of them are aliased.

    The first bounds graphql-core's own validation, which compares every pair of fields with the
    same name in a selection (2,000 copies of `slug` take it 13 s)."""
    fields = aliases = 0
    stack = [definition.selection_set for definition in document.definitions]
    while stack:
        selection_set = stack.pop()
        if selection_set is None:
            continue
        for selection in selection_set.selections:
            if isinstance(selection, ast.Field | ast.FragmentSpread):
                fields += 1
            if isinstance(selection, ast.Field) and selection.alias is not None:
                aliases += 1
            if isinstance(selection, ast.Field | ast.InlineFragment):
                stack.append(selection.selection_set)
    return fields, aliases


def depth(document: ast.Document, operation: ast.OperationDefinition) -> int:
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, ast.FragmentDefinition)
    }

    def selections_depth(selection_set: object, spreading: frozenset[str]) -> int:
        if not isinstance(selection_set, ast.SelectionSet):
            return 0
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, ast.Field):
                if selection.name.value.startswith("__"):
                    # Introspection reads the schema in memory, never rows; GraphiQL's and
                    # codegen's standard query nests 13 levels of `ofType`.
                    continue
                below = selections_depth(selection.selection_set, spreading)
                deepest = max(deepest, 1 + below if selection.selection_set else 1)
            elif isinstance(selection, ast.InlineFragment):
                deepest = max(deepest, selections_depth(selection.selection_set, spreading))
            elif isinstance(selection, ast.FragmentSpread):
                name = selection.name.value
                if name in fragments and name not in spreading:
                    fragment = fragments[name]
                    deepest = max(
                        deepest, selections_depth(fragment.selection_set, spreading | {name})
                    )
        return deepest

    return selections_depth(operation.selection_set, frozenset())
