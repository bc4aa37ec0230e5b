"""Text no column can store. PostgreSQL refuses the NUL character in any text value, so a NUL
in any string of a request, a variable or a literal, would surface as a database error in
whichever write or search meets it first; it is refused here, before anything runs."""

from __future__ import annotations

from typing import Any

from graphql.language import ast

NUL = "\x00"


def variable_with_nul(value: Any, path: str = "") -> str | None:
    """The path of the first variable (or key) holding a NUL, e.g. `input.payeeName`."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return where
            found = variable_with_nul(item, where)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = variable_with_nul(item, f"{path}.{index}")
            if found is not None:
                return found
    return None


def literal_with_nul(document: ast.Document) -> ast.StringValue | None:
    stack: list[Any] = list(document.definitions)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.StringValue):
            if NUL in node.value:
                return node
            continue
        if isinstance(node, ast.Node):
            for slot in node._fields:
                child = getattr(node, slot, None)
                if isinstance(child, list):
                    stack.extend(child)
                elif isinstance(child, ast.Node):
                    stack.append(child)
    return None
