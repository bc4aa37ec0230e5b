"""The `Decimal` scalar as the API reads it: only finite amounts a money column can hold.

graphene's own `Decimal` accepts `NaN`, `Infinity` and `1e309`, which then fail deep in a
service or in PostgreSQL (an HTTP 500, sometimes after a row was locked). Tightening the scalar of
this schema, not graphene's class, keeps the printed schema unchanged and leaves Saleor's own
schema, which shares the process, alone."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from graphql import GraphQLError
from graphql.language import ast

# The widest money column (models.fields.MONEY_DIGITS: 20 digits, 3 after the point) holds less
# than 10**17; a rate or threshold is narrower still and checked by its service.
MAX_INTEGER_DIGITS = 17
# A longer text is no amount anyone types; refusing it early bounds the work of parsing it.
MAX_DECIMAL_TEXT_LENGTH = 64


class InvalidDecimal(GraphQLError):
    """Shown like graphql-core's own errors for a value of the wrong type (code GraphQLError)."""


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise InvalidDecimal(
            _("Expected a decimal number as a string, got %(value)r.") % {"value": value}
        )
    text = str(value).strip()
    if len(text) > MAX_DECIMAL_TEXT_LENGTH:
        raise InvalidDecimal(
            _("A decimal has at most %(maximum)s characters.")
            % {"maximum": MAX_DECIMAL_TEXT_LENGTH}
        )
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise InvalidDecimal(_("%(text)r is not a decimal number.") % {"text": text}) from None
    if not number.is_finite():
        raise InvalidDecimal(_("%(text)r is not a finite number.") % {"text": text})
    if number and number.adjusted() >= MAX_INTEGER_DIGITS:
        raise InvalidDecimal(
            _("%(text)r is too large: at most %(digits)s digits before the point.")
            % {"text": text, "digits": MAX_INTEGER_DIGITS}
        )
    return number


def _parse_decimal_literal(node: Any) -> Decimal | None:
    # Like graphene's: a decimal literal is written as a string ("12.50").
    if isinstance(node, ast.StringValue):
        return parse_decimal(node.value)
    return None


def tighten_decimal_scalar(schema: Any) -> Any:
    decimal_type = schema.get_type("Decimal")
    if decimal_type is not None:
        decimal_type.parse_value = parse_decimal
        decimal_type.parse_literal = _parse_decimal_literal
    return schema
