"""Money as `Decimal` with its currency beside it, rounded once, where an amount is stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from .messages import DomainError

# ISO 4217 minor units that differ from the usual two decimals. A currency not listed here has
# two, which is right for CNY, USD, EUR and nearly everything else a Saleor channel uses.
_MINOR_UNITS_EXCEPTIONS: dict[str, int] = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}


class CurrencyMismatch(DomainError):
    pass


def minor_unit_digits(currency: str) -> int:
    return _MINOR_UNITS_EXCEPTIONS.get(currency.upper(), 2)


def minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit_digits(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit (the fen for CNY, the cent for USD)."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money needs a Decimal amount, got {type(self.amount).__name__}")
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise DomainError("money_currency_invalid", currency=self.currency)
        object.__setattr__(self, "currency", self.currency.upper())

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def quantized(self) -> Money:
        return Money(quantize(self.amount, self.currency), self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch("currencies_differ", first=self.currency, second=other.currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def allocate(total: Decimal, weights: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Split `total` in proportion to `weights` so that the parts, each a whole number of minor
    units, add up exactly to `total` rounded to the minor unit.

    Largest-remainder method: every part is first rounded toward zero, then the minor units still
    missing go, one each, to the parts that lost the most in that rounding (the earliest part wins
    a tie, so the result is deterministic).
    """
    unit = minor_unit(currency)
    total = quantize(total, currency)
    if not weights:
        if total:
            raise DomainError("allocation_without_weights")
        return []
    if any(weight < 0 for weight in weights):
        raise DomainError("negative_weights")
    weight_sum = sum(weights, Decimal(0))
    if weight_sum == 0:
        # Nothing to be proportional to: keep everything on the first part rather than invent
        # a split; callers avoid this case for money that matters.
        return [total] + [Decimal(0).quantize(unit)] * (len(weights) - 1)

    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    exact = [magnitude * weight / weight_sum for weight in weights]
    floored = [share.quantize(unit, rounding=ROUND_DOWN) for share in exact]
    missing_units = int((magnitude - sum(floored, Decimal(0))) / unit)
    by_remainder = sorted(
        range(len(weights)), key=lambda index: (-(exact[index] - floored[index]), index)
    )
    for index in by_remainder[:missing_units]:
        floored[index] += unit
    return [part * sign for part in floored]
