from __future__ import annotations

from decimal import Decimal
from operator import attrgetter
from typing import Any

import graphene


# --- Money -----------------------------------------------------------------------------------
class Money(graphene.ObjectType):
    class Meta:
        description = (
            "An amount of money. `amount` is a decimal string in the currency's major unit "
            '("299.00"), never a float.'
        )

    amount = graphene.Decimal(required=True)
    currency = graphene.String(required=True)


def money(amount: Decimal, currency: str) -> Money:
    from ...domain.money import quantize

    return Money(amount=quantize(Decimal(amount), currency), currency=currency)


class MoneyField(graphene.Field):
    """A Money field read off its object: the amount at `amount` in the currency at `currency`
    (attribute paths such as "attribution.currency"); an amount of None is no Money (null)."""

    def __init__(self, amount: str, *, currency: str = "currency", **kwargs: Any) -> None:
        amount_of, currency_of = attrgetter(amount), attrgetter(currency)

        def resolve(root: Any, info: Any, **arguments: Any) -> Money | None:
            value = amount_of(root)
            return None if value is None else money(value, currency_of(root))

        super().__init__(Money, resolver=resolve, **kwargs)


# --- Uploads (GraphQL multipart request spec, as Saleor uses) ---------------------------------
class Upload(graphene.types.Scalar):
    """A file sent with the GraphQL multipart request convention (`operations`, `map`, files)."""

    @staticmethod
    def serialize(value: Any) -> Any:
        return value

    @staticmethod
    def parse_literal(node: Any) -> Any:
        return node

    @staticmethod
    def parse_value(value: Any) -> Any:
        return value


class DateTimeRangeInput(graphene.InputObjectType):
    gte = graphene.DateTime(description="From this moment (inclusive).")
    lte = graphene.DateTime(description="Until this moment (inclusive).")


class CsvExport(graphene.ObjectType):
    filename = graphene.String(required=True)
    content = graphene.String(required=True, description="UTF-8 CSV with a header row.")
    rows = graphene.Int(required=True)
