from __future__ import annotations

from typing import Any

import graphene

from ....auth import Permission
from ....models import Distributor
from ...core.context import viewer
from ...core.ids import get_by_id
from ...core.mutations import BaseMutation
from ..types import BalanceType


class BalanceAdjust(BaseMutation):
    class Meta:
        description = (
            "A manual correction of a distributor's available money, with a reason (recorded "
            "with who made it). Requires HANDLE_PAYMENTS."
        )

    class Arguments:
        distributor = graphene.ID(required=True)
        currency = graphene.String(required=True)
        amount = graphene.Decimal(required=True, description="Positive adds, negative takes.")
        reason = graphene.String(required=True)
        idempotency_key = graphene.String()

    balance = graphene.Field(BalanceType)
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
        from ....services.ledger import adjust_balance

        target = get_by_id(Distributor, distributor, "Distributor", field="distributor")
        entries = adjust_balance(
            distributor_id=target.pk,
            currency=currency,
            amount=amount,
            actor=viewer(info).actor,
            reason=reason,
            idempotency_key=idempotency_key,
        )
        currency = entries[0].currency
        return cls.ok(balance=balance(target, currency))
