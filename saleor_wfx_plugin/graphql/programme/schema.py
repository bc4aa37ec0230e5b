from __future__ import annotations

from typing import Any

import graphene

from ...auth import Permission
from ...selectors.programme import commission_rules, grades_with_counts
from ..core.connection import paginate
from ..core.context import (
    PermissionDenied,
    require_permission,
    viewer,
)
from .growth import GrowthQueries, GrowthRulesUpdate
from .mutations.grades import GradeCreate, GradeDelete, GradeUpdate
from .mutations.rules import CommissionRuleCreate, CommissionRuleDelete, CommissionRuleUpdate
from .types import CommissionRuleConnection, GradeType


class ProgrammeQueries(GrowthQueries, graphene.ObjectType):
    """Fields mixed into `Query`."""

    grades = graphene.List(
        graphene.NonNull(GradeType),
        description="The grade list; any signed-in user may read it.",
    )
    commission_rules = graphene.Field(
        CommissionRuleConnection,
        first=graphene.Int(),
        after=graphene.String(),
        description="Requires MANAGE_PLUGINS.",
    )

    @staticmethod
    def resolve_grades(root: Any, info: Any) -> Any:
        if not viewer(info).is_authenticated:
            raise PermissionDenied()
        return grades_with_counts()

    @staticmethod
    def resolve_commission_rules(
        root: Any, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        require_permission(info, Permission.MANAGE_PLUGINS)
        return paginate(commission_rules(), CommissionRuleConnection, first, after)


class ProgrammeMutations(graphene.ObjectType):
    grade_create = GradeCreate.Field()
    grade_update = GradeUpdate.Field()
    grade_delete = GradeDelete.Field()
    commission_rule_create = CommissionRuleCreate.Field()
    commission_rule_update = CommissionRuleUpdate.Field()
    commission_rule_delete = CommissionRuleDelete.Field()
    growth_rules_update = GrowthRulesUpdate.Field()
