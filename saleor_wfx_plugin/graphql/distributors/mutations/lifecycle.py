from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _

from ....auth import Permission
from ....errors import InputError
from ....models import Distributor, Grade
from ....selectors.distributors import distributors_with_grade
from ...core.context import viewer
from ...core.ids import get_by_id
from ...core.mutations import BaseMutation
from ..types import DistributorType


def _distributor(global_id: str, *, field: str = "id") -> Distributor:
    # Not locked here: the service takes its locks, in lock_objects' order.
    return get_by_id(distributors_with_grade(), global_id, "Distributor", field=field)


class DistributorCreateInput(graphene.InputObjectType):
    email = graphene.String(required=True)
    phone = graphene.String(required=True)
    name = graphene.String()
    user_id = graphene.String(description="Saleor user id (primary key) of the account.")
    code = graphene.String(description="Referral code; generated when empty.")
    upline_code = graphene.String(description="Recruiter's code.")
    grade = graphene.String(description="Grade slug; default: the lowest grade.")


class DistributorCreate(BaseMutation):
    class Meta:
        description = "Staff create an active distributor directly (the seed programme)."

    class Arguments:
        input = DistributorCreateInput(required=True)

    distributor = graphene.Field(DistributorType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, input: Any) -> Any:
        from ....services.distributors import create_distributor_by_staff

        distributor = create_distributor_by_staff(
            actor=viewer(info).actor,
            email=input["email"],
            phone=input["phone"],
            name=input.get("name") or "",
            user_id=input.get("user_id") or None,
            code=input.get("code") or None,
            upline_code=input.get("upline_code") or None,
            grade_slug=input.get("grade") or None,
        )
        return cls.ok(distributor=distributor)


class DistributorSuspend(BaseMutation):
    class Meta:
        description = (
            "Suspend: the distributor earns nothing new and their code attributes nothing."
        )

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    distributor = graphene.Field(DistributorType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, id: str, reason: str) -> Any:
        from ....services.distributors import suspend_distributor

        distributor = suspend_distributor(_distributor(id), actor=viewer(info).actor, reason=reason)
        return cls.ok(distributor=distributor)


class DistributorReactivate(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String()

    distributor = graphene.Field(DistributorType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, id: str, reason: str | None = None) -> Any:
        from ....services.distributors import reactivate_distributor

        distributor = reactivate_distributor(
            _distributor(id), actor=viewer(info).actor, reason=reason or ""
        )
        return cls.ok(distributor=distributor)


class DistributorSetGrade(BaseMutation):
    class Meta:
        description = (
            "Staff override of a grade, recorded with who and why. `lock` (default true) keeps "
            "the monthly automatic upgrade from changing it again."
        )

    class Arguments:
        id = graphene.ID(required=True)
        grade = graphene.ID(required=True, description="Grade id.")
        reason = graphene.String(required=True)
        lock = graphene.Boolean(default_value=True)

    distributor = graphene.Field(DistributorType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, id: str, grade: str, reason: str, lock: bool = True) -> Any:
        from ....services.grades import set_grade

        target = get_by_id(Grade, grade, "Grade", field="grade")
        distributor = set_grade(
            _distributor(id), target, actor=viewer(info).actor, reason=reason, lock=lock
        )
        return cls.ok(distributor=distributor)


class DistributorSetUpline(BaseMutation):
    class Meta:
        description = "Move a distributor under another recruiter. Affects future orders only."

    class Arguments:
        id = graphene.ID(required=True)
        upline = graphene.ID(description="New recruiter's id; null: no recruiter.")
        reason = graphene.String(required=True)

    distributor = graphene.Field(DistributorType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, id: str, reason: str, upline: str | None = None) -> Any:
        from ....services.distributors import change_upline

        if not (reason or "").strip():
            raise InputError(
                _("Say why the upline changes."), code="reason_required", field="reason"
            )
        distributor = _distributor(id)
        new_upline = _distributor(upline, field="upline") if upline else None
        distributor = change_upline(
            distributor, new_upline, actor=viewer(info).actor, reason=reason
        )
        return cls.ok(distributor=distributor)
