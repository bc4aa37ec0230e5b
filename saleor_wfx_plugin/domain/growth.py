"""Growth rules (issue 11, rules 1-3): what a month's settled sales earn on top of commission.

One frame holds for every rule, and it is the legal basis of all of them (禁止传销条例): a reward
is computed from sales of goods (order lines settled in the month, net of refunds), is paid only
to the levels commission is paid on (the seller, their upline, the upline's upline, and no more
than `commission_levels`), is never computed from the number of people recruited, and never
pushes a line past the combined rate cap (`max_total_rate`). Each reward is worked out per order
line, so every fen of it traces to an order, and a line's room under the cap is shared out in a
fixed order: ladder (the seller), team bonus (seller first, then upwards), same-grade bonus (the
direct upline), per-order bonus (levels 2-3). What did not fit is reported, never paid.

A distributor who is not active when the month is closed (suspended, or never approved) earns no
reward for it, as a suspended distributor earns no new commission: their share is not held for a
reactivation, and nobody else is paid in their place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import groupby

from .chain import MAX_COMMISSION_LEVELS
from .messages import DomainError
from .money import allocate, minor_unit, quantize
from .rates import HUNDRED

ZERO = Decimal(0)


class Rule(StrEnum):
    LADDER = "ladder"  # 阶梯佣金
    TEAM = "team"  # 团队业绩奖
    SAME_GRADE = "same_grade"  # 平级奖
    PER_ORDER = "per_order"  # 见单奖


class InvalidGrowthRules(DomainError):
    """A rule configuration that cannot be applied, and the field it is about."""

    def __init__(self, code: str, field: str, /, **params: object):
        super().__init__(code, **params)
        self.field = field


@dataclass(frozen=True, slots=True)
class LadderBracket:
    """From `min_sales` of own monthly settled sales on, the seller earns `rate` %."""

    min_sales: Decimal
    rate: Decimal


@dataclass(frozen=True, slots=True)
class GrowthRules:
    """The rules of one currency. A rule whose fields are None is off (the default)."""

    currency: str
    ladder: tuple[LadderBracket, ...] = ()
    team_threshold: Decimal | None = None
    team_extra_rate: Decimal | None = None
    # Percent of a same-grade direct downline's own commission.
    same_grade_share: Decimal | None = None
    per_order_amount: Decimal | None = None
    per_order_monthly_cap: Decimal | None = None

    def validate(self) -> None:
        previous: LadderBracket | None = None
        for bracket in sorted(self.ladder, key=lambda item: item.min_sales):
            if bracket.min_sales <= 0:
                raise InvalidGrowthRules("bracket_from_zero", "ladder")
            if not ZERO <= bracket.rate <= HUNDRED:
                raise InvalidGrowthRules("growth_rate_out_of_range", "ladder", rate=bracket.rate)
            if previous is not None and bracket.rate <= previous.rate:
                raise InvalidGrowthRules(
                    "bracket_pays_less", "ladder", min_sales=bracket.min_sales, rate=previous.rate
                )
            if previous is not None and bracket.min_sales == previous.min_sales:
                raise InvalidGrowthRules("brackets_same_start", "ladder")
            previous = bracket
        if (self.team_threshold is None) != (self.team_extra_rate is None):
            raise InvalidGrowthRules("team_bonus_incomplete", "team_extra_rate")
        if self.team_threshold is not None and self.team_threshold <= 0:
            raise InvalidGrowthRules("team_threshold_not_positive", "team_threshold")
        for name in ("team_extra_rate", "same_grade_share"):
            value = getattr(self, name)
            if value is not None and not ZERO < value <= HUNDRED:
                raise InvalidGrowthRules("growth_rate_out_of_range", name, rate=value)
        if self.per_order_amount is not None and self.per_order_amount <= 0:
            raise InvalidGrowthRules("per_order_not_positive", "per_order_amount")
        if self.per_order_monthly_cap is not None and self.per_order_amount is None:
            raise InvalidGrowthRules("cap_needs_per_order", "per_order_monthly_cap")
        for name in ("per_order_amount", "per_order_monthly_cap"):
            value = getattr(self, name)
            if value is not None and value != quantize(value, self.currency):
                raise InvalidGrowthRules("growth_too_many_decimals", name, currency=self.currency)


def bracket_rate(sales: Decimal, ladder: Iterable[LadderBracket]) -> Decimal | None:
    """The rate of the highest bracket `sales` reach; None below the first.

    The article's ladder: 9,999.99 → None, 10,000 → 15 %, 29,999.99 → 15 %, 30,000 → 20 %."""
    reached = [bracket for bracket in ladder if sales >= bracket.min_sales]
    return max(reached, key=lambda item: item.min_sales).rate if reached else None


@dataclass(frozen=True, slots=True)
class SettledLine:
    """One order line settled in the month, as its commission plan froze it.

    `base` is the goods value of the line before refunds, `kept` the share the customer kept
    (0-1). `rates` holds the rate each level earned after the cap, by level; `chain` the
    distributors of levels 1-3 (None where there is nobody)."""

    order_key: int
    line_id: str
    currency: str
    base: Decimal
    kept: Decimal
    chain: tuple[int | None, int | None, int | None]
    rates: Mapping[int, Decimal]

    @property
    def net_base(self) -> Decimal:
        return self.base * self.kept


@dataclass(frozen=True, slots=True)
class Award:
    """What one rule pays one distributor on one order line. `full_amount` is what it pays on
    the whole line; `amount` on what the customer kept, to the minor unit."""

    rule: Rule
    distributor_id: int
    order_key: int
    line_id: str
    level: int
    rate: Decimal
    full_amount: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class CappedLine:
    """A line on which a rule wanted more than the cap left: what it wanted and what it paid."""

    order_key: int
    line_id: str
    rule: Rule
    distributor_id: int
    wanted_rate: Decimal
    paid_rate: Decimal


@dataclass(slots=True)
class MonthAwards:
    awards: list[Award] = field(default_factory=list)
    capped: list[CappedLine] = field(default_factory=list)
    # What each distributor earns in all, net of refunds (the sum of their awards' `amount`).
    totals: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def total_by_distributor(self) -> dict[tuple[int, Rule], Decimal]:
        totals: dict[tuple[int, Rule], Decimal] = defaultdict(Decimal)
        for award in self.awards:
            totals[(award.distributor_id, award.rule)] += award.amount
        return dict(totals)


@dataclass(frozen=True, slots=True)
class MonthFacts:
    """Month facts the rules read besides the lines: own and team (levels 1 to
    `commission_levels`) settled sales net of refunds, each distributor's grade at the month's
    end, and who is not active at the close (`inactive`: no reward for them)."""

    own_sales: Mapping[int, Decimal]
    team_sales: Mapping[int, Decimal]
    grades: Mapping[int, int | None]
    commission_levels: int = MAX_COMMISSION_LEVELS
    max_total_rate: Decimal = HUNDRED
    inactive: frozenset[int] = frozenset()


def month_awards(
    rules: GrowthRules,
    lines: Sequence[SettledLine],
    facts: MonthFacts,
    *,
    keep_awards: bool = True,
) -> MonthAwards:
    """Every reward the month's settled lines earn under `rules` (module docstring for the
    frame). Deterministic: lines are taken in (order, line) order. With `keep_awards` False
    only the totals and the capped lines are kept (the simulator: 100,000 orders make half a
    million awards it would only add up)."""
    result = MonthAwards()
    ordered = sorted(
        (line for line in lines if line.currency == rules.currency),
        key=lambda line: (line.order_key, line.line_id),
    )
    cap = facts.max_total_rate
    # The room each line (by its position in `ordered`) has left under the cap.
    room = [max(cap - sum(line.rates.values(), ZERO), ZERO) for line in ordered]
    levels = max(1, min(facts.commission_levels, MAX_COMMISSION_LEVELS))
    # Rounded once per amount, to the currency's minor unit (the simulator calls this for
    # 100,000 orders: the unit is looked up once, not per amount).
    unit = minor_unit(rules.currency)
    inactive = facts.inactive
    totals = result.totals
    awards = result.awards if keep_awards else None

    def pay(index: int, line: SettledLine, rule: Rule, level: int, wanted: Decimal) -> None:
        distributor_id = line.chain[level - 1]
        if distributor_id is None or wanted <= 0 or distributor_id in inactive:
            return
        left = room[index]
        rate = wanted if wanted <= left else left
        if rate < wanted:
            result.capped.append(
                CappedLine(line.order_key, line.line_id, rule, distributor_id, wanted, rate)
            )
        if rate <= 0:
            return
        room[index] = left - rate
        full = line.base * rate / HUNDRED
        amount = (full * line.kept).quantize(unit, ROUND_HALF_UP)
        totals[distributor_id] += amount
        if awards is not None:
            awards.append(
                Award(
                    rule,
                    distributor_id,
                    line.order_key,
                    line.line_id,
                    level,
                    rate,
                    full.quantize(unit, ROUND_HALF_UP),
                    amount,
                )
            )

    if rules.ladder:
        ladder_rates = {
            seller: bracket_rate(sales, rules.ladder) for seller, sales in facts.own_sales.items()
        }
        for index, line in enumerate(ordered):
            seller = line.chain[0]
            ladder_rate = ladder_rates.get(seller) if seller is not None else None
            if ladder_rate is not None:
                pay(index, line, Rule.LADDER, 1, ladder_rate - line.rates.get(1, ZERO))
    if rules.team_threshold is not None and rules.team_extra_rate is not None:
        threshold, extra = rules.team_threshold, rules.team_extra_rate
        qualified = {member for member, sales in facts.team_sales.items() if sales >= threshold}
        if qualified:
            for index, line in enumerate(ordered):
                for level in range(1, levels + 1):
                    if line.chain[level - 1] in qualified:
                        pay(index, line, Rule.TEAM, level, extra)
    if rules.same_grade_share is not None and levels >= 2:
        for index, line in enumerate(ordered):
            seller, upline = line.chain[0], line.chain[1]
            if seller is None or upline is None:
                continue
            grade = facts.grades.get(seller)
            if grade is not None and grade == facts.grades.get(upline):
                own_rate = line.rates.get(1, ZERO)
                pay(index, line, Rule.SAME_GRADE, 2, own_rate * rules.same_grade_share / HUNDRED)
    if rules.per_order_amount is not None and levels >= 2:
        _per_order(rules, ordered, levels, room, result, inactive, awards)
    return result


def _per_order(
    rules: GrowthRules,
    lines: Sequence[SettledLine],
    levels: int,
    room: list[Decimal],
    result: MonthAwards,
    inactive: frozenset[int],
    awards: list[Award] | None,
) -> None:
    """见单奖: a fixed amount for each order of the team at levels 2-3, spread over the order's
    lines by their base so that each line's share is a rate the cap can judge; at most
    `per_order_monthly_cap` a month per distributor (earliest orders first). `lines` come
    sorted by order."""
    assert rules.per_order_amount is not None
    unit = minor_unit(rules.currency)
    monthly_cap = rules.per_order_monthly_cap
    paid: dict[int, Decimal] = defaultdict(Decimal)
    totals = result.totals
    positioned = groupby(enumerate(lines), key=lambda item: item[1].order_key)
    for order_key, group in positioned:
        order_lines = [(index, line) for index, line in group if line.base > 0]
        if not order_lines:
            continue
        chain = order_lines[0][1].chain
        for level in range(2, levels + 1):
            member = chain[level - 1]
            if member is None or member in inactive:
                continue
            amount = rules.per_order_amount
            if monthly_cap is not None:
                amount = min(amount, monthly_cap - paid[member])
            if amount <= 0:
                continue
            # One line takes it all; allocate() is for splitting, and most orders have one line.
            shares = (
                [amount]
                if len(order_lines) == 1
                else allocate(amount, [line.base for _, line in order_lines], rules.currency)
            )
            for (index, line), share in zip(order_lines, shares, strict=True):
                if not share:
                    continue
                wanted = share * HUNDRED / line.base
                left = room[index]
                rate = wanted if wanted <= left else left
                if rate < wanted:
                    result.capped.append(
                        CappedLine(order_key, line.line_id, Rule.PER_ORDER, member, wanted, rate)
                    )
                if rate <= 0:
                    continue
                room[index] = left - rate
                full = (
                    share
                    if rate == wanted
                    else (line.base * rate / HUNDRED).quantize(unit, ROUND_HALF_UP)
                )
                paid[member] += full
                kept_amount = (full * line.kept).quantize(unit, ROUND_HALF_UP)
                totals[member] += kept_amount
                if awards is not None:
                    awards.append(
                        Award(
                            Rule.PER_ORDER,
                            member,
                            order_key,
                            line.line_id,
                            level,
                            rate,
                            full,
                            kept_amount,
                        )
                    )


def amount_now(full_amount: Decimal, kept: Decimal, currency: str) -> Decimal:
    """What an award earned at a close is worth after later refunds: its share of what the
    customer still keeps. The next close posts the difference."""
    return quantize(full_amount * kept, currency)
