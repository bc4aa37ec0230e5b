from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _

from ....auth import Permission
from ....errors import InputError, ProgrammeError
from ....models import CommissionRule
from ...core.ids import decode_id, get_by_id
from ...core.mutations import BaseMutation
from ..types import CommissionRuleScopeEnum, CommissionRuleType


# --- Commission rules ------------------------------------------------------------------------
class CommissionRuleCreateInput(graphene.InputObjectType):
    scope = CommissionRuleScopeEnum(required=True)
    target = graphene.ID(required=True, description="Saleor Product or Category id.")
    seller_rate = graphene.Decimal(required=True)
    note = graphene.String()


class CommissionRuleUpdateInput(graphene.InputObjectType):
    seller_rate = graphene.Decimal()
    note = graphene.String()


def _saleor_target(scope: str, global_id: str) -> str:
    expected = "Product" if scope == CommissionRule.Scope.PRODUCT else "Category"
    try:
        return decode_id(global_id, expected, field="target")
    except ProgrammeError:
        raise InputError(
            _("Expected a Saleor %(expected)s id, got %(global_id)r.")
            % {"expected": expected, "global_id": global_id},
            code="invalid",
            field="target",
        ) from None


class CommissionRuleCreate(BaseMutation):
    class Meta:
        description = "A seller-rate override for a product or category (future orders only)."

    class Arguments:
        input = CommissionRuleCreateInput(required=True)

    rule = graphene.Field(CommissionRuleType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, input: Any) -> Any:
        from ....services.program_config import create_rule

        rule = create_rule(
            scope=input["scope"],
            saleor_id=_saleor_target(input["scope"], input["target"]),
            seller_rate=input["seller_rate"],
            note=input.get("note") or "",
        )
        return cls.ok(rule=rule)


class CommissionRuleUpdate(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = CommissionRuleUpdateInput(required=True)

    rule = graphene.Field(CommissionRuleType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, id: str, input: Any) -> Any:
        from ....services.program_config import update_rule

        rule = get_by_id(CommissionRule, id, "CommissionRule")
        return cls.ok(rule=update_rule(rule, **dict(input)))


class CommissionRuleDelete(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)

    rule = graphene.Field(CommissionRuleType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, id: str) -> Any:
        from ....services.program_config import delete_rule

        rule = get_by_id(CommissionRule, id, "CommissionRule")
        pk = rule.pk
        delete_rule(rule)
        rule.pk = pk
        return cls.ok(rule=rule)
