"""The money part of the API: balances, payouts and the ledger (bank batches and bulk actions
are in `payout_batches.py`, tax in `tax.py`).

Distributors request and cancel their own payouts; everything else needs HANDLE_PAYMENTS. Payee
accounts and ID numbers are masked everywhere in the API: only the bank batch (full accounts)
and the withholding return (full ID numbers), for staff with HANDLE_PAYMENTS, carry them.
"""

from __future__ import annotations

from typing import Any

import graphene

from ..auth import Permission
from ..models import Distributor, LedgerEntry, Payout
from ..selectors.balances import Balance, balances
from .core import (
    CountableConnection,
    DateTimeRangeInput,
    Money,
    PermissionDenied,
    active_program,
    context,
    get_by_id,
    is_staff_with,
    money,
    paginate,
    require_customer,
    require_permission,
    viewer,
)
from .mutations import BaseMutation
from .types import DistributorType

PayoutStatusEnum = graphene.Enum(
    "PayoutStatusEnum", [(status.name, status.value) for status in Payout.Status]
)
PayoutMethodEnum = graphene.Enum(
    "PayoutMethodEnum", [(method.name, method.value) for method in Payout.Method]
)
LedgerBucketEnum = graphene.Enum(
    "LedgerBucketEnum", [(bucket.name, bucket.value) for bucket in LedgerEntry.Bucket]
)
LedgerKindEnum = graphene.Enum(
    "LedgerKindEnum", [(kind.name, kind.value) for kind in LedgerEntry.Kind]
)


class BalanceType(graphene.ObjectType):
    class Meta:
        name = "Balance"
        description = "A distributor's money in one currency, summed from the ledger."

    currency = graphene.String(required=True)
    pending = graphene.Field(Money, required=True, description="Earned; order not yet delivered.")
    on_hold = graphene.Field(Money, required=True, description="Confirmed; inside the T+N hold.")
    available = graphene.Field(
        Money, required=True, description="May be paid out; negative after a clawback."
    )
    withdrawable = graphene.Field(Money, required=True)
    negative_carry = graphene.Field(
        Money,
        required=True,
        description="Refunded after payout; later commission offsets it, payouts wait meanwhile.",
    )
    reserved = graphene.Field(Money, required=True, description="In payout requests.")
    paid = graphene.Field(Money, required=True)
    tax = graphene.Field(Money, required=True, description="Income tax withheld.")
    fees = graphene.Field(Money, required=True, description="Early-withdrawal fees.")

    @staticmethod
    def resolve_currency(root: Balance, info: Any) -> str:
        return root.currency


for _name in (
    "pending",
    "on_hold",
    "available",
    "withdrawable",
    "negative_carry",
    "reserved",
    "paid",
    "tax",
    "fees",
):
    setattr(
        BalanceType,
        f"resolve_{_name}",
        staticmethod(lambda root, info, _name=_name: money(getattr(root, _name), root.currency)),
    )


class PayoutEventType(graphene.ObjectType):
    class Meta:
        name = "PayoutEvent"

    kind = graphene.String(required=True)
    actor = graphene.String(required=True)
    reason = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)


class PayoutType(graphene.ObjectType):
    class Meta:
        name = "Payout"
        interfaces = (graphene.relay.Node,)

    distributor = graphene.Field(DistributorType, required=True)
    status = PayoutStatusEnum(required=True)
    amount = graphene.Field(Money, required=True, description="Requested, before fee and tax.")
    early_amount = graphene.Field(Money, required=True, description="Taken from the hold.")
    fee = graphene.Field(Money, required=True)
    taxable = graphene.Field(Money, description="Set at final approval.")
    tax = graphene.Field(Money, description="Withheld; set at final approval.")
    net = graphene.Field(Money, description="To transfer; set at final approval.")
    tax_month = graphene.Date(
        description="First day of the month of final approval (shop time zone): the month "
        "the income is taxed and filed in."
    )
    tax_correction = graphene.Field(
        Money,
        required=True,
        description="When this approved payout was rejected or failed: the tax its month then "
        "still owed (positive, taken from available) or had withheld too much (negative).",
    )
    method = PayoutMethodEnum(required=True)
    payee_name = graphene.String(required=True)
    account = graphene.String(required=True, description="Masked.")
    bank = graphene.String(required=True)
    id_number = graphene.String(
        required=True,
        description="Masked; the identity taxed (from the distributor's profile at approval).",
    )
    requested_by = graphene.String(required=True)
    first_approved_by = graphene.String(required=True)
    approved_by = graphene.String(required=True)
    rejected_by = graphene.String(required=True)
    rejection_reason = graphene.String(required=True)
    paid_by = graphene.String(required=True)
    paid_at = graphene.DateTime()
    transfer_reference = graphene.String(required=True)
    batch = graphene.Field(lambda: _batch_type(), description="The bank batch it was exported in.")
    exported_at = graphene.DateTime()
    failed_by = graphene.String(required=True)
    failed_at = graphene.DateTime()
    failure_reason = graphene.String(required=True, description="The bank's, when it failed.")
    created_at = graphene.DateTime(required=True)
    events = graphene.List(graphene.NonNull(PayoutEventType), required=True)

    @staticmethod
    def resolve_amount(root: Payout, info: Any) -> Money:
        return money(root.amount, root.currency)

    @staticmethod
    def resolve_early_amount(root: Payout, info: Any) -> Money:
        return money(root.early_amount, root.currency)

    @staticmethod
    def resolve_fee(root: Payout, info: Any) -> Money:
        return money(root.fee, root.currency)

    @staticmethod
    def resolve_taxable(root: Payout, info: Any) -> Money | None:
        return None if root.taxable is None else money(root.taxable, root.currency)

    @staticmethod
    def resolve_tax(root: Payout, info: Any) -> Money | None:
        return None if root.tax is None else money(root.tax, root.currency)

    @staticmethod
    def resolve_net(root: Payout, info: Any) -> Money | None:
        return None if root.net is None else money(root.net, root.currency)

    @staticmethod
    def resolve_account(root: Payout, info: Any) -> str:
        return root.payee_account_masked

    @staticmethod
    def resolve_bank(root: Payout, info: Any) -> str:
        return root.payee_bank

    @staticmethod
    def resolve_tax_correction(root: Payout, info: Any) -> Money:
        return money(root.tax_correction, root.currency)

    @staticmethod
    def resolve_id_number(root: Payout, info: Any) -> str:
        from ..services.identity import masked_id_number

        return masked_id_number(root.tax_identity or root.distributor.identity)

    @staticmethod
    def resolve_batch(root: Payout, info: Any) -> Any:
        # The batch's file holds every payee's full account: finance only, never the payee.
        if not is_staff_with(info, Permission.HANDLE_PAYMENTS):
            return None
        return root.batch

    @staticmethod
    def resolve_events(root: Payout, info: Any) -> Any:
        return root.events.all()


def _batch_type() -> Any:
    from .payout_batches import PayoutBatchType

    return PayoutBatchType


class PayoutConnection(CountableConnection):
    class Meta:
        node = PayoutType


class LedgerEntryType(graphene.ObjectType):
    class Meta:
        name = "LedgerEntry"
        interfaces = (graphene.relay.Node,)

    bucket = LedgerBucketEnum(required=True)
    kind = LedgerKindEnum(required=True)
    amount = graphene.Field(Money, required=True)
    movement = graphene.UUID(required=True, description="Entries of one movement share it.")
    order_number = graphene.String(description="The order a commission entry comes from.")
    payout = graphene.Field(PayoutType)
    actor = graphene.String(required=True)
    reason = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_amount(root: LedgerEntry, info: Any) -> Money:
        return money(root.amount, root.currency)

    @staticmethod
    def resolve_order_number(root: LedgerEntry, info: Any) -> str | None:
        settlement = root.settlement
        return settlement.attribution.order_number if settlement is not None else None


class LedgerEntryConnection(CountableConnection):
    class Meta:
        node = LedgerEntryType


class PayoutFilterInput(graphene.InputObjectType):
    status = graphene.List(graphene.NonNull(PayoutStatusEnum))
    distributor = graphene.ID()
    method = PayoutMethodEnum()
    date_range = graphene.Field(DateTimeRangeInput, description="When requested.")


def _payouts_of(queryset: Any, where: Any) -> Any:
    where = where or {}
    if where.get("status"):
        queryset = queryset.filter(status__in=list(where["status"]))
    if where.get("method"):
        queryset = queryset.filter(method=where["method"])
    if where.get("distributor"):
        from .schema import _pk

        queryset = queryset.filter(distributor_id=_pk(where["distributor"], "Distributor"))
    date_range = where.get("date_range") or {}
    if date_range.get("gte"):
        queryset = queryset.filter(created_at__gte=date_range["gte"])
    if date_range.get("lte"):
        queryset = queryset.filter(created_at__lte=date_range["lte"])
    return queryset.select_related("distributor__identity", "tax_identity").order_by(
        "-created_at", "-id"
    )


def _ledger_of(distributor: Distributor, currency: str | None) -> Any:
    entries = LedgerEntry.objects.filter(distributor=distributor).select_related(
        "settlement__attribution", "payout"
    )
    if currency:
        entries = entries.filter(currency=currency.upper())
    return entries.order_by("-id")


class MoneyMeFields:
    """Fields mixed into `Me`."""

    balances = graphene.List(graphene.NonNull(BalanceType), required=True)
    payouts = graphene.Field(
        PayoutConnection, first=graphene.Int(), after=graphene.String(), filter=PayoutFilterInput()
    )
    ledger = graphene.Field(
        LedgerEntryConnection,
        currency=graphene.String(),
        first=graphene.Int(),
        after=graphene.String(),
    )

    @staticmethod
    def resolve_balances(root: Any, info: Any) -> list[Balance]:
        own = context(info).own_distributor()
        return balances(own) if own is not None else []

    @staticmethod
    def resolve_payouts(
        root: Any, info: Any, first: int | None = None, after: str | None = None, filter: Any = None
    ) -> Any:
        own = context(info).own_distributor()
        queryset = Payout.objects.filter(distributor=own) if own else Payout.objects.none()
        where = {k: v for k, v in (filter or {}).items() if k != "distributor"}
        return paginate(_payouts_of(queryset, where), PayoutConnection, first, after)

    @staticmethod
    def resolve_ledger(
        root: Any,
        info: Any,
        currency: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Any:
        own = context(info).own_distributor()
        if own is None:
            return None
        return paginate(_ledger_of(own, currency), LedgerEntryConnection, first, after)


class MoneyQuery:
    """Fields mixed into `Query`."""

    payouts = graphene.Field(
        PayoutConnection,
        first=graphene.Int(),
        after=graphene.String(),
        filter=PayoutFilterInput(),
        description="Requires HANDLE_PAYMENTS.",
    )
    ledger = graphene.Field(
        LedgerEntryConnection,
        distributor=graphene.ID(required=True),
        currency=graphene.String(),
        first=graphene.Int(),
        after=graphene.String(),
        description="A distributor's ledger, newest first. Requires HANDLE_PAYMENTS.",
    )

    @staticmethod
    def resolve_payouts(
        root: Any, info: Any, first: int | None = None, after: str | None = None, filter: Any = None
    ) -> Any:
        require_permission(info, Permission.HANDLE_PAYMENTS)
        return paginate(_payouts_of(Payout.objects.all(), filter), PayoutConnection, first, after)

    @staticmethod
    def resolve_ledger(
        root: Any,
        info: Any,
        distributor: str,
        currency: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Any:
        require_permission(info, Permission.HANDLE_PAYMENTS)
        target = get_by_id(
            Distributor.objects.all(), distributor, "Distributor", field="distributor"
        )
        return paginate(_ledger_of(target, currency), LedgerEntryConnection, first, after)


# --- Mutations -------------------------------------------------------------------------------
def _payout(global_id: str) -> Payout:
    return get_by_id(Payout.objects.all(), global_id, "Payout")


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

    @classmethod
    def perform(cls, info: Any, input: Any) -> Any:
        from ..services.payouts import PayeeDetails, request_payout

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
        from ..services.payouts import cancel_payout

        require_customer(info)
        own = context(info).own_distributor()
        payout = _payout(id)
        if own is None or payout.distributor_id != own.pk:
            raise PermissionDenied()
        return cls.ok(payout=cancel_payout(payout, actor=viewer(info).actor))


class PayoutApprove(BaseMutation):
    class Meta:
        description = (
            "Approve a payout; above the second-approval amount a second, different approver "
            "completes it. The final approval fixes the tax withheld and the net amount."
        )

    class Arguments:
        id = graphene.ID(required=True)

    payout = graphene.Field(PayoutType)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, id: str) -> Any:
        from ..services.payouts import approve_payout

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
        from ..services.payouts import reject_payout

        return cls.ok(payout=reject_payout(_payout(id), actor=viewer(info).actor, reason=reason))


class PayoutMarkPaid(BaseMutation):
    class Meta:
        description = (
            "Record the transfer of an approved or exported payout's net amount, with the "
            "bank's or wallet's reference."
        )

    class Arguments:
        id = graphene.ID(required=True)
        transfer_reference = graphene.String(required=True)

    payout = graphene.Field(PayoutType)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, id: str, transfer_reference: str) -> Any:
        from ..services.payouts import mark_paid

        payout = mark_paid(
            _payout(id), actor=viewer(info).actor, transfer_reference=transfer_reference
        )
        return cls.ok(payout=payout)


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
        from ..selectors.balances import balance
        from ..services.ledger import adjust_balance

        target = get_by_id(
            Distributor.objects.all(), distributor, "Distributor", field="distributor"
        )
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
