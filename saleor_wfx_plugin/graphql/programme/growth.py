"""Growth rules in the API: the configured rules per currency, saving them, and the rule
simulator (a draft against real settled orders, read-only)."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from ...auth import Permission
from ...domain.growth import GrowthRules
from ...selectors.simulation import SimulationReport
from ..core.context import require_permission
from ..core.mutations import BaseMutation
from ..core.types import Money, money


class LadderBracketType(graphene.ObjectType):
    class Meta:
        name = "LadderBracket"

    min_sales = graphene.Decimal(required=True, description="Own monthly settled sales from.")
    rate = graphene.Decimal(required=True, description="Seller rate, percent.")


class GrowthRulesType(graphene.ObjectType):
    class Meta:
        name = "GrowthRules"
        description = "The growth rules of one currency; a bonus left empty is off."

    currency = graphene.String(required=True)
    ladder = graphene.List(graphene.NonNull(LadderBracketType), required=True)
    team_threshold = graphene.Decimal()
    team_extra_rate = graphene.Decimal()
    same_grade_share = graphene.Decimal(
        description="Percent of a same-grade direct downline's own commission."
    )
    per_order_amount = graphene.Decimal()
    per_order_monthly_cap = graphene.Decimal()

    @staticmethod
    def resolve_ladder(root: GrowthRules, info: Any) -> list[Any]:
        return list(root.ladder)


class LadderBracketInput(graphene.InputObjectType):
    min_sales = graphene.Decimal(required=True)
    rate = graphene.Decimal(required=True)


class BonusRulesInput(graphene.InputObjectType):
    team_threshold = graphene.Decimal()
    team_extra_rate = graphene.Decimal()
    same_grade_share = graphene.Decimal()
    per_order_amount = graphene.Decimal()
    per_order_monthly_cap = graphene.Decimal()


class GrowthRulesInput(graphene.InputObjectType):
    currency = graphene.String(required=True)
    ladder = graphene.List(
        graphene.NonNull(LadderBracketInput), description="Replaces the ladder; kept when left out."
    )
    bonuses = graphene.Field(
        BonusRulesInput, description="The bonuses' fields; a field sent as null switches it off."
    )


def _ladder(input: Any) -> list[tuple[Any, Any]] | None:
    ladder = input.get("ladder")
    return None if ladder is None else [(row["min_sales"], row["rate"]) for row in ladder]


class GrowthRulesUpdate(BaseMutation):
    class Meta:
        description = "Save a currency's growth rules; they apply from the next month-end close."

    class Arguments:
        input = GrowthRulesInput(required=True)

    growth_rules = graphene.Field(GrowthRulesType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, input: Any) -> Any:
        from ...services.growth_rules import set_growth_rules

        bonuses = input.get("bonuses")
        rules = set_growth_rules(
            input["currency"],
            ladder=_ladder(input),
            bonuses=dict(bonuses) if bonuses is not None else None,
        )
        return cls.ok(growth_rules=rules)


# --- Simulator -------------------------------------------------------------------------------
class GrowthSimulationInput(graphene.InputObjectType):
    first_month = graphene.Date(required=True, description="Any day of the first month.")
    last_month = graphene.Date(required=True, description="Any day of the last month (≤ 12).")
    default_seller_rate = graphene.Decimal()
    level2_rate = graphene.Decimal()
    level3_rate = graphene.Decimal()
    commission_levels = graphene.Int()
    max_total_rate = graphene.Decimal()
    growth_rules = graphene.List(
        graphene.NonNull(GrowthRulesInput),
        description="Each replaces the configured rules of its currency in the draft.",
    )


class SimulationCurrency(graphene.ObjectType):
    currency = graphene.String(required=True)
    referred_sales = graphene.Field(Money, required=True)
    was = graphene.Field(Money, required=True, description="Commission and bonuses paid.")
    would_be = graphene.Field(Money, required=True)
    was_share = graphene.Decimal(required=True, description="Percent of referred sales.")
    would_be_share = graphene.Decimal(required=True)
    share_change = graphene.Decimal(required=True, description="Percentage points.")


class SimulationDistributor(graphene.ObjectType):
    distributor_code = graphene.String(required=True)
    was = graphene.Field(Money, required=True)
    would_be = graphene.Field(Money, required=True)
    change = graphene.Field(Money, required=True)


class SimulationCappedLine(graphene.ObjectType):
    order_number = graphene.String(required=True)
    order_line_id = graphene.String(required=True)
    what = graphene.String(required=True, description='"commission" or the growth rule.')
    distributor_code = graphene.String(required=True)
    wanted_rate = graphene.Decimal(required=True)
    paid_rate = graphene.Decimal(required=True)


class GrowthSimulation(graphene.ObjectType):
    currencies = graphene.List(graphene.NonNull(SimulationCurrency), required=True)
    distributors = graphene.List(graphene.NonNull(SimulationDistributor), required=True)
    capped_count = graphene.Int(required=True, description="Lines the combined cap cut.")
    capped_lines = graphene.List(
        graphene.NonNull(SimulationCappedLine), required=True, description="The first 200."
    )

    @staticmethod
    def resolve_currencies(root: SimulationReport, info: Any) -> list[SimulationCurrency]:
        return [
            SimulationCurrency(
                currency=item.currency,
                referred_sales=money(item.referred_sales, item.currency),
                was=money(item.was, item.currency),
                would_be=money(item.would_be, item.currency),
                was_share=item.was_share,
                would_be_share=item.would_be_share,
                share_change=item.share_change,
            )
            for _, item in sorted(root.simulation.currencies.items())
        ]

    @staticmethod
    def resolve_distributors(root: SimulationReport, info: Any) -> list[SimulationDistributor]:
        rows = sorted(
            root.simulation.distributors.values(),
            key=lambda item: (root.codes.get(item.distributor_id, ""), item.currency),
        )
        return [
            SimulationDistributor(
                distributor_code=root.codes.get(item.distributor_id, ""),
                was=money(item.was, item.currency),
                would_be=money(item.would_be, item.currency),
                change=money(item.change, item.currency),
            )
            for item in rows
        ]

    @staticmethod
    def resolve_capped_count(root: SimulationReport, info: Any) -> int:
        return root.simulation.capped_count

    @staticmethod
    def resolve_capped_lines(root: SimulationReport, info: Any) -> list[SimulationCappedLine]:
        return [
            SimulationCappedLine(
                order_number=root.order_numbers.get(cut.order_key, ""),
                order_line_id=cut.line_id,
                what=cut.what,
                distributor_code=root.codes.get(cut.distributor_id, ""),
                wanted_rate=cut.wanted_rate,
                paid_rate=cut.paid_rate,
            )
            for cut in root.simulation.capped_lines
        ]


class GrowthQueries:
    """Fields mixed into `Query`."""

    growth_rules = graphene.List(
        graphene.NonNull(GrowthRulesType), required=True, description="Requires MANAGE_PLUGINS."
    )
    growth_simulation = graphene.Field(
        GrowthSimulation,
        input=GrowthSimulationInput(required=True),
        description="A draft of rates, ladders and bonuses against the orders settled in a "
        "period, with what they paid. Read-only. Requires MANAGE_PLUGINS.",
    )

    @staticmethod
    def resolve_growth_rules(root: Any, info: Any) -> list[GrowthRules]:
        from ...selectors.growth import growth_rules

        require_permission(info, Permission.MANAGE_PLUGINS)
        return list(growth_rules().values())

    @staticmethod
    def resolve_growth_simulation(root: Any, info: Any, input: Any) -> SimulationReport:
        from ...selectors.simulation import simulate_draft

        require_permission(info, Permission.MANAGE_PLUGINS)
        first: date = input["first_month"]
        last: date = input["last_month"]
        rates = {name: value for name, value in input.items() if name not in _NOT_RATES}
        rules = [
            {
                "currency": item["currency"],
                "ladder": _ladder(item),
                "bonuses": dict(item["bonuses"]) if item.get("bonuses") else {},
            }
            for item in input.get("growth_rules") or ()
        ]
        return simulate_draft(first, last, rates=rates, rules=rules)


_NOT_RATES = {"first_month", "last_month", "growth_rules"}
