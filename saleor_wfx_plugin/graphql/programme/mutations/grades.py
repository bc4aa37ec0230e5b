from __future__ import annotations

from typing import Any

import graphene

from ....auth import Permission
from ....models import Grade
from ...core.ids import get_by_id
from ...core.mutations import BaseMutation
from ..types import GradeType


# --- Grades ----------------------------------------------------------------------------------
class GradeInput(graphene.InputObjectType):
    name = graphene.String()
    slug = graphene.String()
    rank = graphene.Int(description="Higher is better; upgrades only go up in rank.")
    seller_rate = graphene.Decimal(description="Seller's rate in %, 0-100; null: default rate.")
    upgrade_min_sales = graphene.Decimal()
    upgrade_min_team_sales = graphene.Decimal(
        description="Monthly sales of the grade holder and the levels below them that "
        "commission is paid on. Refused (TEAM_SALES_RULES_OFF) unless the plugin setting "
        "grade_team_sales_rules is on."
    )
    upgrade_currency = graphene.String(description="ISO 4217 code of the sales thresholds.")
    upgrade_min_orders = graphene.Int()


class GradeCreate(BaseMutation):
    class Arguments:
        input = GradeInput(required=True)

    grade = graphene.Field(GradeType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, input: Any) -> Any:
        from ....services.program_config import create_grade

        return cls.ok(grade=create_grade(dict(input)))


class GradeUpdate(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = GradeInput(required=True)

    grade = graphene.Field(GradeType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, id: str, input: Any) -> Any:
        from ....services.program_config import update_grade

        grade = get_by_id(Grade, id, "Grade")
        return cls.ok(grade=update_grade(grade, dict(input)))


class GradeDelete(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)

    grade = graphene.Field(GradeType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, id: str) -> Any:
        from ....services.program_config import delete_grade

        grade = get_by_id(Grade, id, "Grade")
        pk = grade.pk
        delete_grade(grade)
        grade.pk = pk  # so the payload can still name what was deleted
        return cls.ok(grade=grade)
