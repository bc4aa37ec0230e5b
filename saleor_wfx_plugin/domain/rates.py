"""Commission rates: percentages from 0 to 100, and which one applies to a line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .messages import DomainError

HUNDRED = Decimal(100)


class InvalidRate(DomainError):
    pass


def parse_rate(value: object, *, field: str = "rate") -> Decimal:
    """A percentage as the merchant typed it ("10", "12.5", 7) → Decimal, validated 0-100.

    Floats are refused: 0.1 + 0.2 style noise has no place in money settings.
    """
    if isinstance(value, bool | float):
        raise InvalidRate("rate_not_text", field=field, value=value)
    try:
        rate = Decimal(str(value).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        raise InvalidRate("rate_not_a_number", field=field, value=value) from None
    if not rate.is_finite():
        raise InvalidRate("rate_not_a_number", field=field, value=value)
    if rate < 0 or rate > HUNDRED:
        raise InvalidRate("rate_out_of_range", field=field, rate=rate)
    return rate


@dataclass(frozen=True, slots=True)
class SellerRateBook:
    """Everything that decides the seller's (level 1) rate of one line.

    Precedence, most specific first: product override > category override > the seller's grade >
    the programme default. Lets a merchant lift the rate of a product whose referral conversion is
    low without touching anything else.
    """

    default_rate: Decimal
    grade_rate: Decimal | None = None
    product_rates: Mapping[str, Decimal] | None = None
    category_rates: Mapping[str, Decimal] | None = None

    def rate_for(self, product_id: str | None, category_id: str | None) -> Decimal:
        if product_id is not None and self.product_rates and product_id in self.product_rates:
            return self.product_rates[product_id]
        if category_id is not None and self.category_rates and category_id in self.category_rates:
            return self.category_rates[category_id]
        if self.grade_rate is not None:
            return self.grade_rate
        return self.default_rate
