"""月结单 in the API: each distributor's monthly statement, for staff (all of them, one, or as
CSV) and for the distributor themself (`me.monthlyStatements`)."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from ...auth import Permission
from ...domain.growth import Rule
from ...selectors.distributors import distributors
from ...selectors.statements import MonthlyStatement, monthly_statements, statements_csv
from ..core.context import context, require_permission, require_staff_user_with
from ..core.ids import get_by_id
from ..core.types import CsvExport, Money, money
from .types import _csv

GrowthRuleEnum = graphene.Enum(
    "GrowthRuleEnum", [(rule.name, rule.value) for rule in Rule], description="A growth rule."
)


class LevelAmount(graphene.ObjectType):
    level = graphene.Int(required=True)
    amount = graphene.Field(Money, required=True)


class BonusAmount(graphene.ObjectType):
    rule = graphene.Field(GrowthRuleEnum, required=True)
    amount = graphene.Field(Money, required=True)


def _money_field(name: str, description: str) -> graphene.Field:
    def resolve(root: MonthlyStatement, info: Any) -> Money:
        return money(getattr(root, name), root.currency)

    return graphene.Field(Money, required=True, description=description, resolver=resolve)


class MonthlyStatementType(graphene.ObjectType):
    class Meta:
        name = "MonthlyStatement"
        description = (
            "One distributor's month in one currency: sales settled in it, commission per level "
            "and reversals posted in it, the month-end close's bonuses, payouts paid in it."
        )

    distributor_code = graphene.String(required=True)
    month = graphene.Date(required=True)
    currency = graphene.String(required=True)
    own_sales = _money_field("own_sales", "Own sales settled in the month, net of refunds.")
    team_sales = _money_field("team_sales", "Own and the commission levels below, settled.")
    commission_by_level = graphene.List(graphene.NonNull(LevelAmount), required=True)
    commission_reversed = _money_field("commission_reversed", "Refunds' reversals (negative).")
    bonuses = graphene.List(graphene.NonNull(BonusAmount), required=True)
    bonus_reversed = _money_field(
        "bonus_reversed", "Earlier months' bonuses taken back for refunds (negative)."
    )
    adjustments = _money_field("adjustments", "Staff adjustments.")
    earned = _money_field("earned", "Everything above together.")
    paid_out = _money_field("paid_out", "Transferred to the distributor.")
    tax_withheld = _money_field("tax_withheld", "Income tax withheld on those payouts.")
    fees = _money_field("fees", "Early-withdrawal fees.")

    @staticmethod
    def resolve_distributor_code(root: MonthlyStatement, info: Any) -> str:
        return root.code

    @staticmethod
    def resolve_commission_by_level(root: MonthlyStatement, info: Any) -> list[LevelAmount]:
        return [
            LevelAmount(level=level, amount=money(amount, root.currency))
            for level, amount in root.commission_by_level.items()
        ]

    @staticmethod
    def resolve_bonuses(root: MonthlyStatement, info: Any) -> list[BonusAmount]:
        return [
            BonusAmount(rule=Rule(rule), amount=money(amount, root.currency))
            for rule, amount in root.bonuses.items()
        ]


class StatementMeFields:
    """Fields mixed into `Me`."""

    monthly_statements = graphene.List(
        graphene.NonNull(MonthlyStatementType),
        month=graphene.Date(required=True, description="Any day of the month."),
        required=True,
        description="Your statement of a month, one per currency.",
    )

    @staticmethod
    def resolve_monthly_statements(root: Any, info: Any, month: date) -> list[MonthlyStatement]:
        own = context(info).own_distributor()
        return monthly_statements(month, [own]) if own is not None else []


class StatementQuery:
    """Fields mixed into `Query`."""

    monthly_statements = graphene.List(
        graphene.NonNull(MonthlyStatementType),
        month=graphene.Date(required=True, description="Any day of the month."),
        distributor=graphene.ID(description="One distributor's; everyone's when left out."),
        required=True,
        description="Requires HANDLE_PAYMENTS.",
    )
    monthly_statements_csv = graphene.Field(
        CsvExport,
        month=graphene.Date(required=True, description="Any day of the month."),
        description="Every distributor's statement of the month. Requires HANDLE_PAYMENTS.",
    )

    @staticmethod
    def resolve_monthly_statements(
        root: Any, info: Any, month: date, distributor: str | None = None
    ) -> list[MonthlyStatement]:
        require_permission(info, Permission.HANDLE_PAYMENTS)
        if distributor is None:
            return monthly_statements(month)
        target = get_by_id(distributors(), distributor, "Distributor", field="distributor")
        return monthly_statements(month, [target])

    @staticmethod
    def resolve_monthly_statements_csv(root: Any, info: Any, month: date) -> CsvExport:
        require_staff_user_with(info, Permission.HANDLE_PAYMENTS)
        return _csv(f"wfx-statements-{month:%Y-%m}.csv", statements_csv(monthly_statements(month)))
