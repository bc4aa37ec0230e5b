from __future__ import annotations

from typing import Any

import graphene

from ....auth import Permission
from ...core.context import PermissionDenied, active_program, context, require_customer, viewer
from ...core.mutations import BaseMutation
from ..filters import _payout
from ..types import PayoutMethodEnum, PayoutType


class PayoutRequestInput(graphene.InputObjectType):
    currency = graphene.String(required=True)
    amount = graphene.Decimal(required=True)
    early = graphene.Boolean(
        default_value=False,
        description="Also take confirmed money still in the T+N hold, for the early fee.",
    )
    method = PayoutMethodEnum(required=True)
    payee_name = graphene.String(required=True)
    account = graphene.String(required=True, description="Bank card number, WeChat or Alipay.")
    bank = graphene.String(description="Required for bank cards.")
    id_number = graphene.String(
        description="Resident ID. Needed once, when income tax is withheld and the profile has "
        "none: it then becomes the profile's. Later requests may leave it out; a different "
        "number is refused (IDENTITY_MISMATCH), staff change it with distributorSetIdentity."
    )
    idempotency_key = graphene.String(
        required=True, description="Unique per request; a retry with the same key is harmless."
    )


class PayoutRequest(BaseMutation):
    class Meta:
        description = "A distributor asks to be paid available money."

    class Arguments:
        input = PayoutRequestInput(required=True)

    payout = graphene.Field(PayoutType)
    rate_limit = "payout_request"

    @classmethod
    def perform(cls, info: Any, input: Any) -> Any:
        from ....services.payouts import PayeeDetails, request_payout

        require_customer(info)
        own = context(info).own_distributor()
        if own is None:
            raise PermissionDenied()
        payout = request_payout(
            own,
            currency=input["currency"],
            amount=input["amount"],
            early=bool(input.get("early")),
            payee=PayeeDetails(
                method=input["method"],
                name=input["payee_name"],
                account=input["account"],
                bank=input.get("bank") or "",
                id_number=input.get("id_number") or "",
            ),
            idempotency_key=input["idempotency_key"],
            actor=viewer(info).actor,
            program=active_program(),
        )
        return cls.ok(payout=payout)


class PayoutCancel(BaseMutation):
    class Meta:
        description = "The distributor withdraws a request before it is approved."

    class Arguments:
        id = graphene.ID(required=True)

    payout = graphene.Field(PayoutType)

    @classmethod
    def perform(cls, info: Any, id: str) -> Any:
        from ....services.payouts import cancel_payout

        require_customer(info)
        own = context(info).own_distributor()
        payout = _payout(id)
        if own is None or payout.distributor_id != own.pk:
            raise PermissionDenied()
        return cls.ok(payout=cancel_payout(payout, actor=viewer(info).actor))


class PayoutApprove(BaseMutation):
    class Meta:
        description = (
            "Approve a payout; when the distributor's requests of the last 24 hours are above "
            "the second-approval amount a second, different approver completes it. The final "
            "approval fixes the tax withheld and the net amount. Staff users only (an app: "
            "STAFF_ONLY), never on their own distributor account (OWN_DISTRIBUTOR)."
        )

    class Arguments:
        id = graphene.ID(required=True)

    payout = graphene.Field(PayoutType)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, id: str) -> Any:
        from ....services.payouts import approve_payout

        payout = approve_payout(_payout(id), actor=viewer(info).actor, program=active_program())
        return cls.ok(payout=payout)


class PayoutReject(BaseMutation):
    class Meta:
        description = (
            "Reject a payout not yet exported to the bank, with a reason; the money returns to "
            "the distributor. Refused once its tax month's withholding return was exported."
        )

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    payout = graphene.Field(PayoutType)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, id: str, reason: str) -> Any:
        from ....services.payouts import reject_payout

        return cls.ok(payout=reject_payout(_payout(id), actor=viewer(info).actor, reason=reason))


class PayoutMarkPaid(BaseMutation):
    class Meta:
        description = (
            "Record the transfer of an approved or exported payout's net amount, with the "
            "bank's or wallet's reference. Apps only when WFX_APPS_MAY_MARK_PAID is on."
        )

    class Arguments:
        id = graphene.ID(required=True)
        transfer_reference = graphene.String(required=True)

    payout = graphene.Field(PayoutType)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, id: str, transfer_reference: str) -> Any:
        from ....services.payouts import mark_paid

        payout = mark_paid(
            _payout(id), actor=viewer(info).actor, transfer_reference=transfer_reference
        )
        return cls.ok(payout=payout)
