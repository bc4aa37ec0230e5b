from __future__ import annotations

from typing import Any

import graphene

from ...models import (
    CommissionRule,
    Grade,
    ProgrammeSwitch,
)
from ..core.connection import CountableConnection
from ..core.types import MoneyField

CommissionRuleScopeEnum = graphene.Enum(
    "CommissionRuleScopeEnum", [(scope.name, scope.value) for scope in CommissionRule.Scope]
)


class GradeType(graphene.ObjectType):
    class Meta:
        name = "Grade"
        interfaces = (graphene.relay.Node,)
        description = "A distributor grade (普通 / 金牌 / 合伙人…) and its seller rate."

    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    rank = graphene.Int(required=True, description="Higher is better.")
    seller_rate = graphene.Decimal(
        description="Seller's commission in %; null keeps the programme's default rate."
    )
    upgrade_min_sales = MoneyField(
        "upgrade_min_sales",
        currency="upgrade_currency",
        description="Automatic upgrade: own sales settled in a month (out of the T+N hold, net "
        "of refunds) at least this.",
    )
    upgrade_min_team_sales = MoneyField(
        "upgrade_min_team_sales",
        currency="upgrade_currency",
        description="Automatic upgrade: sales settled in a month by the distributor and the "
        "levels below that commission is paid on (at most two) at least this. Applied only "
        "while the plugin setting grade_team_sales_rules is on.",
    )
    upgrade_min_orders = graphene.Int(
        description="Automatic upgrade: at least this many own orders settled in a month."
    )
    distributor_count = graphene.Int(required=True)

    @staticmethod
    def resolve_distributor_count(root: Grade, info: Any) -> int:
        count = getattr(root, "distributor_count", None)
        if count is None:
            from ...selectors.programme import grade_distributor_count

            count = grade_distributor_count(root)
        return int(count)


class CommissionRuleType(graphene.ObjectType):
    class Meta:
        name = "CommissionRule"
        interfaces = (graphene.relay.Node,)
        description = "A seller-rate override for one Saleor product or category."

    scope = CommissionRuleScopeEnum(required=True)
    target = graphene.ID(required=True, description="Saleor global id of the product/category.")
    seller_rate = graphene.Decimal(required=True)
    note = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_target(root: CommissionRule, info: Any) -> str:
        from graphql_relay import to_global_id

        type_name = "Product" if root.scope == CommissionRule.Scope.PRODUCT else "Category"
        return to_global_id(type_name, root.saleor_id)


class CommissionRuleConnection(CountableConnection):
    class Meta:
        node = CommissionRuleType


ProgrammeSwitchSourceEnum = graphene.Enum(
    "ProgrammeSwitchSourceEnum", [(source.name, source.value) for source in ProgrammeSwitch.Source]
)


class ProgrammeSwitchType(graphene.ObjectType):
    class Meta:
        name = "ProgrammeSwitch"
        interfaces = (graphene.relay.Node,)
        description = (
            "The programme switched on or off. PLUGIN_UPDATE: by Saleor's pluginUpdate, at the "
            "exact moment; OBSERVED: switched another way (Django admin, SQL) and noticed at "
            "the programme's next reading of its settings; MIGRATION: seeded on upgrade."
        )

    active = graphene.Boolean(required=True)
    at = graphene.DateTime(required=True)
    source = ProgrammeSwitchSourceEnum(required=True)
    actor = graphene.String(required=True)


class ProgrammeSwitchConnection(CountableConnection):
    class Meta:
        node = ProgrammeSwitchType
