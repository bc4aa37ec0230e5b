"""Checks of a request's text that run before anything of it runs (no SQL, no resolver): its
cost, depth and aliases against the limits in settings, NUL characters in its strings, and that
a GET only ever reads. Each refusal is a `RequestRefused` with a stable code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from graphql import GraphQLError
from graphql.language import ast
from graphql.utils.get_operation_ast import get_operation_ast

from .limits import depth, field_and_alias_counts
from .query_cost import CostCalculator
from .text import literal_with_nul, variable_with_nul

DEFAULT_MAX_QUERY_COST = 10_000
DEFAULT_MAX_QUERY_DEPTH = 12
DEFAULT_MAX_QUERY_ALIASES = 50
DEFAULT_MAX_QUERY_FIELDS = 300
# Parsing is pure Python: ~10 ms per kilobyte. The dashboard's largest query is under 3 KB.
DEFAULT_MAX_QUERY_LENGTH = 20_000


class RequestRefused(GraphQLError):
    def __init__(self, message: str, *, code: str, extensions: dict[str, Any] | None = None):
        super().__init__(message, extensions=extensions)
        self.code = code


def max_query_cost() -> int:
    return int(getattr(settings, "WFX_GRAPHQL_MAX_COST", DEFAULT_MAX_QUERY_COST))


def max_query_depth() -> int:
    return int(getattr(settings, "WFX_GRAPHQL_MAX_DEPTH", DEFAULT_MAX_QUERY_DEPTH))


def max_query_aliases() -> int:
    return int(getattr(settings, "WFX_GRAPHQL_MAX_ALIASES", DEFAULT_MAX_QUERY_ALIASES))


def max_query_fields() -> int:
    return int(getattr(settings, "WFX_GRAPHQL_MAX_FIELDS", DEFAULT_MAX_QUERY_FIELDS))


def max_query_length() -> int:
    return int(getattr(settings, "WFX_GRAPHQL_MAX_QUERY_LENGTH", DEFAULT_MAX_QUERY_LENGTH))


def check_query_length(query: str) -> None:
    """Before parsing: the one cost of a request that grows with its text alone."""
    if len(query) > max_query_length():
        raise RequestRefused(
            _("The query is %(length)s characters long; at most %(maximum)s are allowed.")
            % {"length": f"{len(query):,}", "maximum": f"{max_query_length():,}"},
            code="QueryTooLong",
        )


@dataclass(frozen=True)
class CheckedOperation:
    cost: int


def check_operation(
    schema: Any,
    document: ast.Document,
    variables: dict[str, Any],
    operation_name: str | None,
    *,
    read_only: bool,
) -> CheckedOperation:
    """Refuses (raises `RequestRefused`) what must not run; otherwise the operation's cost, for
    the caller to add up over a batch. An operation the document does not name unambiguously is
    left to execution, which reports it the usual way."""
    fields, aliases = field_and_alias_counts(document)
    if aliases > max_query_aliases():
        raise RequestRefused(
            _("The query uses %(aliases)s aliases; at most %(maximum)s are allowed.")
            % {"aliases": aliases, "maximum": max_query_aliases()},
            code="QueryAliasLimitExceeded",
        )
    if fields > max_query_fields():
        raise RequestRefused(
            _("The query has %(fields)s fields; at most %(maximum)s are allowed.")
            % {"fields": fields, "maximum": max_query_fields()},
            code="QueryTooManyFields",
        )
    if (where := variable_with_nul(variables)) is not None:
        raise RequestRefused(
            _("Variable `%(where)s` contains a NUL character (\\u0000), which text cannot hold.")
            % {"where": where},
            code="InvalidCharacter",
        )
    if literal_with_nul(document) is not None:
        raise RequestRefused(
            _("A string in the query contains a NUL character (\\u0000), which text cannot hold."),
            code="InvalidCharacter",
        )
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return CheckedOperation(cost=0)
    if read_only and operation.operation != "query":
        raise RequestRefused(_("Mutations need POST."), code="MethodNotAllowed")
    deepest = depth(document, operation)
    if deepest > max_query_depth():
        raise RequestRefused(
            _("The query is %(depth)s levels deep; at most %(maximum)s are allowed.")
            % {"depth": deepest, "maximum": max_query_depth()},
            code="QueryDepthExceeded",
        )
    cost = CostCalculator(schema, document, variables).operation_cost(operation)
    if cost > max_query_cost():
        raise cost_exceeded(cost)
    return CheckedOperation(cost=cost)


def cost_exceeded(cost: int) -> RequestRefused:
    # Saleor's message and `extensions.cost`, so a client that handles Saleor's limit handles
    # this one.
    maximum = max_query_cost()
    return RequestRefused(
        f"The query exceeds the maximum cost of {maximum}. Actual cost is {cost}",
        code="QueryCostError",
        extensions={"cost": {"requestedQueryCost": cost, "maximumAvailable": maximum}},
    )
