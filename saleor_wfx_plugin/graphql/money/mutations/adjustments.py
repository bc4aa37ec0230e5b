from __future__ import annotations

from typing import Any

import graphene

from ....auth import Permission
from ....models import BalanceAdjustment, Distributor
from ....selectors.adjustments import adjustments
from ...core.context import viewer
from ...core.ids import get_by_id
from ...core.mutations import BaseMutation
from ..adjustment_types import BalanceAdjustmentType
from ..types import BalanceType


class BalanceAdjust(BaseMutation):
    class Meta:
        description = (
            "A manual correction of a distributor's available money, with a reason (recorded "
            "with who made it). Staff users with HANDLE_PAYMENTS only, never apps, and never on "
            "their own distributor account (OWN_DISTRIBUTOR). Above the second-approval "
            "threshold (this and the distributor's other adjustments of the last 24 hours) it "
            "comes back PENDING and the balance unchanged: a different staff user approves it "
            "with balanceAdjustmentApprove."
        )

    class Arguments:
        distributor = graphene.ID(required=True)
        currency = graphene.String(required=True)
        amount = graphene.Decimal(required=True, description="Positive adds, negative takes.")
        reason = graphene.String(required=True)
        idempotency_key = graphene.String()

    balance = graphene.Field(BalanceType)
    adjustment = graphene.Field(BalanceAdjustmentType)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(
        cls,
        info: Any,
        distributor: str,
        currency: str,
        amount: Any,
        reason: str,
        idempotency_key: str | None = None,
    ) -> Any:
        from ....selectors.balances import balance
        from ....services.adjustments import adjust

        target = get_by_id(Distributor, distributor, "Distributor", field="distributor")
        adjustment = adjust(
            distributor_id=target.pk,
            currency=currency,
            amount=amount,
            actor=viewer(info).actor,
            reason=reason,
            program=_program(),
            idempotency_key=idempotency_key,
        )
        return cls.ok(balance=balance(target, adjustment.currency), adjustment=adjustment)


class BalanceAdjustmentApprove(BaseMutation):
    class Meta:
        description = (
            "The second approval of a PENDING adjustment, by a staff user other than the one "
            "who asked (SAME_APPROVER otherwise): the money moves now."
        )

    class Arguments:
        id = graphene.ID(required=True)

    adjustment = graphene.Field(BalanceAdjustmentType)
    balance = graphene.Field(BalanceType)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, id: str) -> Any:
        from ....selectors.balances import balance
        from ....services.adjustments import approve_adjustment

        adjustment = approve_adjustment(_adjustment(id), actor=viewer(info).actor)
        return cls.ok(
            adjustment=adjustment, balance=balance(adjustment.distributor, adjustment.currency)
        )


class BalanceAdjustmentReject(BaseMutation):
    class Meta:
        description = "Refuse a PENDING adjustment, with a reason; no money ever moved."

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    adjustment = graphene.Field(BalanceAdjustmentType)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, id: str, reason: str) -> Any:
        from ....services.adjustments import reject_adjustment

        adjustment = reject_adjustment(_adjustment(id), actor=viewer(info).actor, reason=reason)
        return cls.ok(adjustment=adjustment)


def _adjustment(global_id: str) -> BalanceAdjustment:
    return get_by_id(adjustments(), global_id, "BalanceAdjustment")


def _program() -> Any:
    """The second-approval threshold applies while the programme is off too (its defaults)."""
    from ....domain.settings import ProgramSettings
    from ....shop import get_shop

    return get_shop().program_settings() or ProgramSettings()
