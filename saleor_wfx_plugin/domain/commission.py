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
from .messages import DomainError
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
    # A gift card sold on this line earns nothing: the goods later bought with the card earn
    # then, and paying on both would pay twice for one sale.
    is_gift_card: bool = False

    def commission_base(self, tax_in_base: bool) -> Decimal:
        # A negative line (a manual adjustment, say) earns nothing and takes nothing back from
        # the other lines: commission is on goods sold.
        if self.is_gift_card:
            return Decimal(0)
        return max(self.gross_amount if tax_in_base else self.net_amount, Decimal(0))

    @property
    def goods_value(self) -> Decimal:
        """What the customer paid for this line's goods, tax included: the measure refunds are
        taken against, since refunded money includes tax whether or not commission does."""
        if self.is_gift_card:
            return Decimal(0)
        return max(self.gross_amount, Decimal(0))


def goods_total(lines: Iterable[OrderLineSnapshot]) -> Decimal:
    """Gross value of the goods that earn commission: no gift-card lines, no shipping."""
    return sum((line.goods_value for line in lines), Decimal(0))


@dataclass(frozen=True, slots=True)
class GiftCardPayment:
    """A gift card that paid for part of an order.

    A card a customer bought is money the shop already received (when the card was sold); a
    promotional card (issued by staff or an app) is not, and the goods it paid for earn nothing
    unless the programme's `promotional_gift_cards_earn` says so."""

    amount: Decimal  # taken from the card for this order
    bought: bool
    # Put back on the card by a refund of this order.
    refunded: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class RefundState:
    """The order's money as commission sees it: what the shop received for the earning goods
    and how much of it was given back.

    Refunds are measured in money against the money the shop received for the goods (gross,
    after discounts, without shipping), never against the order total: a refund Saleor marks
    as shipping takes no commission, and a refund that names nothing is taken to be for goods
    (the safe reading for the merchant). Where Saleor names refunded lines,
    `refunded_quantities` says how many units of each and `refunded_line_values` what those
    units cost the customer; the named units are reversed as far as the money refunded covers
    them (a 10.00 goodwill refund against a 100.00 unit reverses a tenth of it), and money
    beyond them is spread pro rata over the goods that remain.

    Goods paid with a promotional gift card were not paid with money: the shop received only
    `goods_received` for them, so a refund of half of that takes back half of the commission.
    """

    # Every amount given back: refunds (to the payment method or onto a gift card),
    # chargebacks, and refunds staff recorded as made outside Saleor.
    refunded_amount: Decimal = Decimal(0)
    # What the order charged (Saleor's total); only for telling a full or an excessive refund.
    order_total: Decimal = Decimal(0)
    refunded_quantities: Mapping[str, int] = field(default_factory=dict)
    refunded_line_values: Mapping[str, Decimal] = field(default_factory=dict)
    fully_refunded: bool = False
    # Gross value of the earning goods (`goods_total(lines)`). None: the shop cannot tell goods
    # from shipping, and refunds are measured against `order_total`.
    goods_total: Decimal | None = None
    # The part of `refunded_amount` the shop identifies as not for the earning goods: shipping,
    # a refunded gift-card line.
    refunded_outside_goods: Decimal = Decimal(0)
    gift_cards: tuple[GiftCardPayment, ...] = ()
    # The programme's rule the order earns under, frozen when it first earns.
    promotional_gift_cards_earn: bool = False

    @property
    def over_refunded(self) -> bool:
        """More refunded than the order charged: reversed in full, and worth a look by staff."""
        return self.order_total > 0 and self.refunded_amount > self.order_total

    @property
    def unfunded_goods(self) -> Decimal:
        """What promotional gift cards paid, when that is not money for commission."""
        if self.promotional_gift_cards_earn:
            return Decimal(0)
        return sum((card.amount for card in self.gift_cards if not card.bought), Decimal(0))

    @property
    def goods_value(self) -> Decimal:
        return self.order_total if self.goods_total is None else self.goods_total

    @property
    def goods_received(self) -> Decimal:
        """Money the shop received for the earning goods. A promotional card is taken to have
        paid for goods before shipping, so commission is never paid on money that did not
        arrive."""
        return max(self.goods_value - self.unfunded_goods, Decimal(0))

    def funded_share(self) -> Decimal:
        """Share of the goods paid with money, 0 to 1."""
        if self.goods_value <= 0:
            return Decimal(1)
        return self.goods_received / self.goods_value

    @property
    def goods_refunded(self) -> Decimal:
        """Money given back for the earning goods. Credit put back on a promotional card is no
        money (unless such cards earn), and shipping is not goods."""
        returned_as_credit = (
            Decimal(0)
            if self.promotional_gift_cards_earn
            else sum((card.refunded for card in self.gift_cards if not card.bought), Decimal(0))
        )
        return max(
            self.refunded_amount - returned_as_credit - self.refunded_outside_goods, Decimal(0)
        )

    @property
    def refundable_left(self) -> Decimal:
        """What of the order's total has not been given back yet."""
        return max(self.order_total - self.refunded_amount, Decimal(0))

    def _named_money(self) -> Decimal:
        """What the shop received for the named units."""
        named = sum(self.refunded_line_values.values(), Decimal(0))
        return named * self.funded_share()

    def named_units_share(self) -> Decimal:
        """Which share of the named units the refunded money actually paid back."""
        named = self._named_money()
        if named <= 0:
            return Decimal(1)
        return min(self.goods_refunded / named, Decimal(1))

    def refunded_fraction(self) -> Decimal:
        """Share of the goods not named that the remaining refunded money covers."""
        if self.fully_refunded:
            return Decimal(1)
        named = self._named_money()
        leftover = self.goods_refunded - named
        if leftover <= 0:
            return Decimal(0)
        rest = self.goods_received - named
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
            raise DomainError("commission_rate_out_of_range", rate=self.rate)


def plan_commissions(
    *,
    lines: Sequence[OrderLineSnapshot],
    chain: ReferralChain[int],
    seller_rates: SellerRateBook,
    settings: ProgramSettings,
    eligible_distributor_ids: Collection[int],
    funded_share: Decimal = Decimal(1),
    currency: str | None = None,
) -> list[PlannedCommission]:
    """Freeze who earns what rate on which base. A chain member who may not earn (suspended, say)
    is left out, and nobody moves up into their place: compressing the chain would pay a fourth
    generation, which the law forbids.

    Gift-card lines get no commission. With `funded_share` below 1 (promotional gift cards paid
    part of the goods) every base is scaled to it, so the bases add up to the money received
    for the goods, rounded to `currency`'s minor unit and split by largest remainder.

    The rates of the levels paid on a line together never exceed `max_total_rate`; a line over
    it is capped, highest level first, and its plan keeps the uncapped rate beside the rate paid
    (`_capped_line_rates`)."""
    paid = [
        (level, distributor_id)
        for level, distributor_id in chain.levels(settings.commission_levels)
        if distributor_id in eligible_distributor_ids
    ]
    earning = [line for line in lines if not line.is_gift_card]
    bases = _funded_bases(earning, settings.tax_in_base, funded_share, currency)
    line_rates = {
        line.line_id: _capped_line_rates(line, [level for level, _ in paid], seller_rates, settings)
        for line in earning
    }
    plan: list[PlannedCommission] = []
    for level, distributor_id in paid:
        for line, base in zip(earning, bases, strict=True):
            rate, uncapped_rate = line_rates[line.line_id][level]
            plan.append(
                PlannedCommission(
                    line_id=line.line_id,
                    level=level,
                    distributor_id=distributor_id,
                    rate=rate,
                    base=base,
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


def _funded_bases(
    lines: Sequence[OrderLineSnapshot],
    tax_in_base: bool,
    funded_share: Decimal,
    currency: str | None,
) -> list[Decimal]:
    full = [line.commission_base(tax_in_base) for line in lines]
    if funded_share >= 1:
        return full
    if currency is None:
        raise DomainError("scaling_needs_currency")
    share = max(funded_share, Decimal(0))
    scaled = [base * share for base in full]
    return allocate(sum(scaled, Decimal(0)), scaled, currency) if scaled else []


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
