"""Rule simulator (issue 11, rule 9): a draft of rates, ladders and bonuses run against real
settled order lines, read-only. What each distributor would have earned against what they were
paid, the commission cost as a share of referred sales before and after, and the lines the
combined cap cut.

The draft pays each level the order's frozen plan paid (a level the plan left out, because the
seller could not earn or the programme paid fewer levels then, stays out), at the draft's rates,
cut to the draft's cap exactly as commission planning cuts them (`cap_line_rates`), then the
draft's growth rules per month on top, through the same `month_awards` the close uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .chain import MAX_COMMISSION_LEVELS
from .growth import GrowthRules, MonthFacts, Rule, SettledLine, month_awards
from .money import minor_unit, quantize
from .rate_cap import cap_line_rates
from .rates import HUNDRED

ZERO = Decimal(0)
# The report lists this many cut lines; the count covers them all.
CAPPED_LINES_SHOWN = 200


@dataclass(frozen=True, slots=True)
class SimulatedLine:
    line: SettledLine
    month: date
    product_id: str | None = None
    category_id: str | None = None


@dataclass(frozen=True, slots=True)
class DraftProgramme:
    default_seller_rate: Decimal
    level2_rate: Decimal
    level3_rate: Decimal
    commission_levels: int
    max_total_rate: Decimal
    # Seller rate of each grade, by grade id (None: the grade keeps the default).
    grade_rates: Mapping[int, Decimal | None] = field(default_factory=dict)
    product_rates: Mapping[str, Decimal] = field(default_factory=dict)
    category_rates: Mapping[str, Decimal] = field(default_factory=dict)
    # Each distributor's grade today, and as it stood at the end of a month (a month missing
    # here reads today's): the grade a month's orders were sold under.
    grades: Mapping[int, int | None] = field(default_factory=dict)
    month_grades: Mapping[date, Mapping[int, int | None]] = field(default_factory=dict)
    # Who was not active at a month's close (or today, for a month not closed yet): no reward.
    month_inactive: Mapping[date, frozenset[int]] = field(default_factory=dict)
    rules: Mapping[str, GrowthRules] = field(default_factory=dict)

    def grades_of(self, month: date) -> Mapping[int, int | None]:
        return self.month_grades.get(month, self.grades)


@dataclass(slots=True)
class DistributorOutcome:
    distributor_id: int
    currency: str
    was: Decimal = ZERO
    would_be: Decimal = ZERO

    @property
    def change(self) -> Decimal:
        return self.would_be - self.was


@dataclass(slots=True)
class CurrencyOutcome:
    currency: str
    referred_sales: Decimal = ZERO
    was: Decimal = ZERO
    would_be: Decimal = ZERO

    def _share(self, amount: Decimal) -> Decimal:
        if not self.referred_sales:
            return ZERO
        return (amount * HUNDRED / self.referred_sales).quantize(Decimal("0.01"))

    @property
    def was_share(self) -> Decimal:
        """Commission and bonuses paid as a percentage of referred sales."""
        return self._share(self.was)

    @property
    def would_be_share(self) -> Decimal:
        return self._share(self.would_be)

    @property
    def share_change(self) -> Decimal:
        return self.would_be_share - self.was_share


@dataclass(frozen=True, slots=True)
class CutLine:
    order_key: int
    line_id: str
    what: str  # "commission" or a growth rule
    distributor_id: int
    wanted_rate: Decimal
    paid_rate: Decimal


@dataclass(slots=True)
class Simulation:
    distributors: dict[tuple[int, str], DistributorOutcome] = field(default_factory=dict)
    currencies: dict[str, CurrencyOutcome] = field(default_factory=dict)
    capped_lines: list[CutLine] = field(default_factory=list)
    capped_count: int = 0

    def _cut(self, cut: CutLine) -> None:
        self.capped_count += 1
        if len(self.capped_lines) < CAPPED_LINES_SHOWN:
            self.capped_lines.append(cut)


def simulate(
    lines: Sequence[SimulatedLine],
    draft: DraftProgramme,
    *,
    paid: Mapping[tuple[int, str], Decimal],
) -> Simulation:
    """`paid` is what each (distributor, currency) was paid on these orders: commission and the
    closes' bonuses, net of refunds."""
    result = Simulation()
    levels = max(1, min(draft.commission_levels, MAX_COMMISSION_LEVELS))

    def outcome(distributor_id: int, currency: str) -> DistributorOutcome:
        key = (distributor_id, currency)
        if key not in result.distributors:
            result.distributors[key] = DistributorOutcome(distributor_id, currency)
        return result.distributors[key]

    for (distributor_id, currency), amount in paid.items():
        outcome(distributor_id, currency).was += amount
    by_month: dict[date, list[SimulatedLine]] = defaultdict(list)
    for item in lines:
        by_month[item.month].append(item)
    earned: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    sales: dict[str, Decimal] = defaultdict(Decimal)
    months = {
        month: _month_commission(
            by_month[month], draft, draft.grades_of(month), levels, result, earned, sales
        )
        for month in sorted(by_month)
    }
    for currency, amount in sales.items():
        result.currencies.setdefault(currency, CurrencyOutcome(currency)).referred_sales += amount
    for (payee, currency), amount in earned.items():
        outcome(payee, currency).would_be += amount
    for month, (month_lines, own, team) in months.items():
        _month_growth(month, month_lines, own, team, draft, levels, result, outcome)
    for (_, currency), person in result.distributors.items():
        totals = result.currencies.setdefault(currency, CurrencyOutcome(currency))
        totals.was += person.was
        totals.would_be += person.would_be
    return result


Sums = dict[tuple[str, int], Decimal]


def _month_commission(
    lines: Sequence[SimulatedLine],
    draft: DraftProgramme,
    grades: Mapping[int, int | None],
    levels: int,
    result: Simulation,
    earned: dict[tuple[int, str], Decimal],
    sales: dict[str, Decimal],
) -> tuple[list[SettledLine], Sums, Sums]:
    """The draft's commission on one month's lines, added into `earned` and `sales`; the lines
    again with the draft's capped rates, and own and team sales, for the growth rules.

    Rounded as a plan rounds (`commission_targets`): per order and level, the exact amounts of
    its lines summed and rounded half-up once, so a distributor earns on an order of several
    lines the same fen the engine posts, not a sum of per-line roundings.

    This runs for every line of up to 100,000 orders (bench/simulator.py): lookups are hoisted,
    and the capped rates are worked out once per shape of line (seller rate, levels paid),
    which a month repeats thousands of times."""
    cap = draft.max_total_rate
    products, categories = draft.product_rates, draft.category_rates
    grade_rates, default_rate = draft.grade_rates, draft.default_seller_rate
    upline_rates = {2: draft.level2_rate, 3: draft.level3_rate}
    # The current order's exact, unrounded amounts by (payee, currency): a payee holds one
    # level of an order, and an order's lines come together (sorted below, a no-op on the
    # selector's lines), so each order is rounded when the next one starts.
    exact: dict[tuple[int, str], Decimal] = {}
    units: dict[str, Decimal] = {}
    current_order: int | None = None

    def round_order() -> None:
        for (payee, currency), amount in exact.items():
            unit = units.get(currency) or units.setdefault(currency, minor_unit(currency))
            earned[(payee, currency)] += amount.quantize(unit, ROUND_HALF_UP)
        exact.clear()

    # (seller rate or None, levels 2 and 3 paid) -> (wanted, capped) rates by level
    shapes: dict[tuple[Decimal | None, bool, bool], tuple[dict[int, Decimal], dict[int, Decimal]]]
    shapes = {}
    own: Sums = defaultdict(Decimal)
    team: Sums = defaultdict(Decimal)
    settled: list[SettledLine] = []
    for item in sorted(lines, key=lambda item: item.line.order_key):
        line = item.line
        if line.order_key != current_order:
            round_order()
            current_order = line.order_key
        currency = line.currency
        net_base = line.base * line.kept
        sales[currency] += net_base
        chain = line.chain
        planned = line.rates
        seller_rate: Decimal | None = None
        if 1 in planned and chain[0] is not None:
            if item.product_id is not None and item.product_id in products:
                seller_rate = products[item.product_id]
            elif item.category_id is not None and item.category_id in categories:
                seller_rate = categories[item.category_id]
            else:
                grade_rate = grade_rates.get(grades.get(chain[0]))  # type: ignore[arg-type]
                seller_rate = default_rate if grade_rate is None else grade_rate
        shape = (
            seller_rate,
            levels >= 2 and 2 in planned and chain[1] is not None,
            levels >= 3 and 3 in planned and chain[2] is not None,
        )
        rates = shapes.get(shape)
        if rates is None:
            wanted: dict[int, Decimal] = {}
            for level in sorted(planned):
                if level == 1 and seller_rate is not None:
                    wanted[1] = seller_rate
                elif level in (2, 3) and shape[level - 1]:
                    wanted[level] = upline_rates[level]
            capped = cap_line_rates(wanted, cap) if sum(wanted.values(), ZERO) > cap else wanted
            rates = shapes[shape] = (wanted, capped)
        wanted, capped = rates
        for level, rate in capped.items():
            payee = chain[level - 1]
            assert payee is not None
            if capped is not wanted and rate < wanted[level]:
                result._cut(
                    CutLine(line.order_key, line.line_id, "commission", payee, wanted[level], rate)
                )
            if rate:
                key = (payee, currency)
                exact[key] = exact.get(key, ZERO) + net_base * rate / HUNDRED
        if chain[0] is not None:
            own[(currency, chain[0])] += net_base
        for member in chain[:levels]:
            if member is not None:
                team[(currency, member)] += net_base
        settled.append(
            SettledLine(line.order_key, line.line_id, currency, line.base, line.kept, chain, capped)
        )
    round_order()
    return settled, own, team


def _month_growth(
    month: date,
    lines: list[SettledLine],
    own: Sums,
    team: Sums,
    draft: DraftProgramme,
    levels: int,
    result: Simulation,
    outcome: Callable[[int, str], DistributorOutcome],
) -> None:
    for currency, rules in draft.rules.items():
        facts = MonthFacts(
            own_sales={pk: quantize(v, currency) for (c, pk), v in own.items() if c == currency},
            team_sales={pk: quantize(v, currency) for (c, pk), v in team.items() if c == currency},
            grades=draft.grades_of(month),
            commission_levels=levels,
            max_total_rate=draft.max_total_rate,
            inactive=draft.month_inactive.get(month, frozenset()),
        )
        awards = month_awards(rules, lines, facts, keep_awards=False)
        for distributor_id, amount in awards.totals.items():
            outcome(distributor_id, currency).would_be += amount
        for cut in awards.capped:
            result._cut(
                CutLine(
                    cut.order_key,
                    cut.line_id,
                    Rule(cut.rule).value,
                    cut.distributor_id,
                    cut.wanted_rate,
                    cut.paid_rate,
                )
            )
