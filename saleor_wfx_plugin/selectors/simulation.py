"""The rule simulator's reads: a draft against the shop's real orders settled in a period of
months, compared with what those orders paid. Read-only: nothing is written, nothing locked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from ..domain.chain import MAX_COMMISSION_LEVELS
from ..domain.growth import GrowthRules
from ..domain.rates import InvalidRate, parse_rate
from ..domain.settings import ProgramSettings
from ..domain.simulator import DraftProgramme, SimulatedLine, Simulation, simulate
from ..domain_messages import refusal
from ..errors import ProgrammeConfigError
from ..models import (
    CommissionRule,
    Distributor,
    Grade,
    GrowthAwardLine,
    LedgerEntry,
    ReferralAttribution,
)
from .growth import growth_rules, settled_orders, simulated_lines
from .sales import month_start, next_month
from .standing import grades_at, inactive_at_close, month_end

MAX_MONTHS = 12


def months_between(first: date, last: date) -> list[date]:
    first, last = month_start(first), month_start(last)
    if last < first:
        raise ProgrammeConfigError(
            _("The period ends before it starts."), code="invalid", field="lastMonth"
        )
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = next_month(month)
    if len(months) > MAX_MONTHS:
        raise ProgrammeConfigError(
            _("Simulate at most %(max_months)s months at a time.") % {"max_months": MAX_MONTHS},
            code="invalid",
            field="lastMonth",
        )
    return months


def current_draft(program: ProgramSettings) -> DraftProgramme:
    """The programme as it is configured now: the baseline a draft changes."""
    grade_rates = dict(Grade.objects.values_list("pk", "seller_rate"))
    grades = dict(Distributor.objects.values_list("pk", "grade_id"))
    products: dict[str, Decimal] = {}
    categories: dict[str, Decimal] = {}
    for rule in CommissionRule.objects.all():
        target = products if rule.scope == CommissionRule.Scope.PRODUCT else categories
        target[rule.saleor_id] = rule.seller_rate
    return DraftProgramme(
        default_seller_rate=program.default_seller_rate,
        level2_rate=program.level2_rate,
        level3_rate=program.level3_rate,
        commission_levels=program.commission_levels,
        max_total_rate=program.max_total_rate,
        grade_rates=grade_rates,
        product_rates=products,
        category_rates=categories,
        grades=grades,
        rules=growth_rules(),
    )


def run_simulation(
    first: date,
    last: date,
    *,
    draft: DraftProgramme,
    rules: Mapping[str, GrowthRules] | None = None,
) -> Simulation:
    """`draft` with `rules` (the configured growth rules when None) against every order
    settled from `first` to `last` (months, inclusive)."""
    months = months_between(first, last)
    lines: list[SimulatedLine] = []
    paid: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for month in months:
        lines.extend(simulated_lines(month))
        orders = settled_orders(month)
        for distributor_id, currency, total in (
            LedgerEntry.objects.commission()
            .filter(commission_line__attribution__in=orders)
            .values_list("distributor_id", "currency")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            paid[(distributor_id, currency)] += total
        for distributor_id, currency, total in (
            GrowthAwardLine.objects.filter(attribution__in=orders)
            .values_list("award__distributor_id", "award__currency")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            paid[(distributor_id, currency)] += total
    if rules is not None:
        draft = replace(draft, rules=rules)
    # Each month as it was sold and closed: the grades at its end, the statuses its close saw.
    draft = replace(
        draft,
        month_grades={month: grades_at(month_end(month)) for month in months},
        month_inactive=inactive_at_close(months),
    )
    return simulate(lines, draft, paid=paid)


@dataclass(frozen=True)
class SimulationReport:
    """A simulation with the names staff read: distributor codes and order numbers."""

    simulation: Simulation
    codes: dict[int, str]
    order_numbers: dict[int, str]


DRAFT_RATES = ("default_seller_rate", "level2_rate", "level3_rate", "max_total_rate")


def simulate_draft(
    first: date,
    last: date,
    *,
    rates: Mapping[str, Any],
    rules: Sequence[Mapping[str, Any]] = (),
) -> SimulationReport:
    """Staff's draft, as typed: programme rates to change (`rates`, the others as configured)
    and growth rules per currency (`rules`, each replacing that currency's configured rules),
    checked as saving them would check them, then run over the period. Writes nothing."""
    from ..services.growth_rules import check_rules, draft_rules
    from ..shop import get_shop

    # Saved settings, on or off: staff may plan the rules before switching the programme on.
    program = get_shop().stored_program_settings()
    baseline = current_draft(program)
    changed: dict[str, Any] = {}
    for name in DRAFT_RATES:
        if rates.get(name) is not None:
            try:
                changed[name] = parse_rate(rates[name], field=name)
            except InvalidRate as error:
                raise refusal(error, field=name) from None
    levels = rates.get("commission_levels")
    if levels is not None:
        if not 1 <= int(levels) <= MAX_COMMISSION_LEVELS:
            raise ProgrammeConfigError(
                _("Commission is paid on 1-%(max_levels)s levels.")
                % {"max_levels": MAX_COMMISSION_LEVELS},
                code="invalid",
                field="commission_levels",
            )
        changed["commission_levels"] = int(levels)
    draft_program = replace(
        program,
        **{name: changed[name] for name in changed},
    )
    drafted = dict(baseline.rules)
    for item in rules:
        parsed = draft_rules(
            item["currency"], ladder=item.get("ladder"), bonuses=item.get("bonuses") or {}
        )
        drafted[parsed.currency] = check_rules(parsed, draft_program)
    draft = replace(baseline, **changed, rules=drafted)
    simulation = run_simulation(first, last, draft=draft)
    people = {key[0] for key in simulation.distributors} | {
        cut.distributor_id for cut in simulation.capped_lines
    }
    orders = {cut.order_key for cut in simulation.capped_lines}
    return SimulationReport(
        simulation,
        dict(Distributor.objects.filter(pk__in=people).values_list("pk", "code")),
        dict(ReferralAttribution.objects.filter(pk__in=orders).values_list("pk", "order_number")),
    )
