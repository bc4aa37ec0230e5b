"""Commission of an order: what each level earns on each line, and what is left of it after
refunds and cancellation.

Two steps, because rules change while orders live:
1. `plan_commissions` runs once, when the order first earns commission, and freezes per line and
   level the distributor, the rate and the base. Later rule changes never touch a paid order.
2. `commission_targets` says what the plan is worth *now*, given the refunds and the cancellation
   state of the order. The ledger posts only the difference to what it already holds, so the same
   event twice, or events out of order, change nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .chain import ReferralChain, validate_level
from .money import allocate, quantize
from .rate_cap import cap_line_rates
from .rates import HUNDRED, SellerRateBook
from .settings import ProgramSettings


@dataclass(frozen=True, slots=True)
class OrderLineSnapshot:
    """One order line as the customer paid for it. Amounts are line totals after every discount
    (order-wide vouchers included) and without shipping."""

    line_id: str
    quantity: int
    net_amount: Decimal
    gross_amount: Decimal
    product_id: str | None = None
    category_id: str | None = None
    product_name: str = ""

    def commission_base(self, tax_in_base: bool) -> Decimal:
        # A negative line (a manual adjustment, say) earns nothing and takes nothing back from
        # the other lines: commission is on goods sold.
        return max(self.gross_amount if tax_in_base else self.net_amount, Decimal(0))


@dataclass(frozen=True, slots=True)
class RefundState:
    """How much of the order was given back, as Saleor knows it.

    Where Saleor names refunded lines, `refunded_quantities` says how many units of each and
    `refunded_line_values` what those units cost the customer. The named units are reversed as far
    as the money refunded covers them (a 10.00 goodwill refund against a 100.00 unit reverses a
    tenth of it); money refunded beyond them is spread pro rata over everything that remains.
    With no line named, refunding 30 % of what the order charged takes back 30 % of every line.
    """

    refunded_amount: Decimal = Decimal(0)
    order_total: Decimal = Decimal(0)
    refunded_quantities: Mapping[str, int] = field(default_factory=dict)
    refunded_line_values: Mapping[str, Decimal] = field(default_factory=dict)
    fully_refunded: bool = False

    @property
    def over_refunded(self) -> bool:
        """More refunded than the order charged: reversed in full, and worth a look by staff."""
        return self.order_total > 0 and self.refunded_amount > self.order_total

    @property
    def _named_value(self) -> Decimal:
        return sum(self.refunded_line_values.values(), Decimal(0))

    def named_units_share(self) -> Decimal:
        """Which share of the named units the refunded money actually paid back."""
        named = self._named_value
        if named <= 0:
            return Decimal(1)
        return min(max(self.refunded_amount, Decimal(0)) / named, Decimal(1))

    def refunded_fraction(self) -> Decimal:
        """Share of everything not named that the remaining refunded money covers."""
        if self.fully_refunded:
            return Decimal(1)
        named = self._named_value
        leftover = self.refunded_amount - named
        if leftover <= 0:
            return Decimal(0)
        rest = self.order_total - named
        if rest <= 0:
            return Decimal(1)
        return min(leftover / rest, Decimal(1))


@dataclass(frozen=True, slots=True)
class PlannedCommission:
    line_id: str
    level: int
    distributor_id: int
    rate: Decimal
    base: Decimal
    quantity: int
    # The rate the line's rules gave, when the combined cap (max_total_rate) lowered it.
    uncapped_rate: Decimal | None = None

    def __post_init__(self) -> None:
        validate_level(self.level)
        if not Decimal(0) <= self.rate <= HUNDRED:
            raise ValueError(f"rate {self.rate}% is outside 0-100%")


def plan_commissions(
    *,
    lines: Sequence[OrderLineSnapshot],
    chain: ReferralChain[int],
    seller_rates: SellerRateBook,
    settings: ProgramSettings,
    eligible_distributor_ids: Collection[int],
) -> list[PlannedCommission]:
    """Freeze who earns what rate on which base. A chain member who may not earn (suspended, say)
    is left out, and nobody moves up into their place: compressing the chain would pay a fourth
    generation, which the law forbids.

    The rates of the levels paid on a line together never exceed `max_total_rate`; a line over
    it is capped, highest level first, and its plan keeps the uncapped rate beside the rate paid
    (`_capped_line_rates`)."""
    paid = [
        (level, distributor_id)
        for level, distributor_id in chain.levels(settings.commission_levels)
        if distributor_id in eligible_distributor_ids
    ]
    line_rates = {
        line.line_id: _capped_line_rates(line, [level for level, _ in paid], seller_rates, settings)
        for line in lines
    }
    plan: list[PlannedCommission] = []
    for level, distributor_id in paid:
        for line in lines:
            rate, uncapped_rate = line_rates[line.line_id][level]
            plan.append(
                PlannedCommission(
                    line_id=line.line_id,
                    level=level,
                    distributor_id=distributor_id,
                    rate=rate,
                    base=line.commission_base(settings.tax_in_base),
                    quantity=line.quantity,
                    uncapped_rate=uncapped_rate,
                )
            )
    return plan


def _capped_line_rates(
    line: OrderLineSnapshot,
    levels: Sequence[int],
    seller_rates: SellerRateBook,
    settings: ProgramSettings,
) -> dict[int, tuple[Decimal, Decimal | None]]:
    """{level: (rate paid, rate before the cap or None)} for one line. Only the levels paid
    count: a seller with no upline may take the whole cap."""
    rates = {
        level: seller_rates.rate_for(line.product_id, line.category_id)
        if level == 1
        else settings.level_rate(level)
        for level in levels
    }
    capped = cap_line_rates(rates, settings.max_total_rate)
    return {
        level: (capped[level], rates[level] if capped[level] != rates[level] else None)
        for level in levels
    }


def remaining_base(planned: PlannedCommission, refunds: RefundState) -> Decimal:
    """The part of a line's base the customer kept."""
    if refunds.fully_refunded or planned.quantity <= 0:
        return Decimal(0) if refunds.fully_refunded else planned.base
    named_units = min(max(refunds.refunded_quantities.get(planned.line_id, 0), 0), planned.quantity)
    units_kept = planned.quantity - named_units * refunds.named_units_share()
    return planned.base * units_kept / planned.quantity * (1 - refunds.refunded_fraction())


CommissionKey = tuple[str, int]  # (order line id, level)


def commission_targets(
    plan: Iterable[PlannedCommission],
    *,
    refunds: RefundState,
    cancelled: bool,
    currency: str,
) -> dict[CommissionKey, Decimal]:
    """What each (line, level) should hold now, in whole minor units.

    Per level, the order's commission is the exact sum over lines rounded half-up once; it is then
    spread over the lines by largest remainder, so the lines always add up to the level's total
    and no rounding drift builds up between lines and order.
    """
    by_level: dict[int, list[PlannedCommission]] = {}
    for planned in plan:
        by_level.setdefault(planned.level, []).append(planned)

    targets: dict[CommissionKey, Decimal] = {}
    for level, planned_lines in sorted(by_level.items()):
        if cancelled:
            exact = [Decimal(0)] * len(planned_lines)
        else:
            exact = [
                remaining_base(planned, refunds) * planned.rate / HUNDRED
                for planned in planned_lines
            ]
        level_total = quantize(sum(exact, Decimal(0)), currency)
        for planned, amount in zip(
            planned_lines, allocate(level_total, exact, currency), strict=True
        ):
            targets[(planned.line_id, level)] = amount
    return targets
