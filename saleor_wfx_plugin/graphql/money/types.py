from __future__ import annotations

from typing import Any

import graphene

from ...auth import Permission
from ...models import LedgerEntry, Payout, PayoutBatch, TaxExport
from ...selectors.balances import Balance
from ..core.connection import CountableConnection, paginate
from ..core.context import (
    is_staff_with,
    require_permission,
    require_staff_user_with,
    shown_actor,
)
from ..core.errors import DistributionError, error_from
from ..core.pages import share_connection_page
from ..core.types import CsvExport, Money, MoneyField, money
from ..distributors.types import DistributorType

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


ACTOR = '"user:<id>", "app:<id>", "cli:<account>" or "system"; a distributor sees "staff".'


class PayoutEventType(graphene.ObjectType):
    class Meta:
        name = "PayoutEvent"

    kind = graphene.String(required=True)
    actor = graphene.String(required=True, description=ACTOR)
    reason = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_actor(root: Any, info: Any) -> str:
        return shown_actor(info, root.actor)


class PayoutType(graphene.ObjectType):
    class Meta:
        name = "Payout"
        interfaces = (graphene.relay.Node,)

    distributor = graphene.Field(DistributorType, required=True)
    status = PayoutStatusEnum(required=True)
    amount = MoneyField("amount", required=True, description="Requested, before fee and tax.")
    early_amount = MoneyField("early_amount", required=True, description="Taken from the hold.")
    fee = MoneyField("fee", required=True)
    taxable = MoneyField("taxable", description="Set at final approval.")
    tax = MoneyField("tax", description="Withheld; set at final approval.")
    net = MoneyField("net", description="To transfer; set at final approval.")
    tax_month = graphene.Date(
        description="First day of the month of final approval (shop time zone): the month "
        "the income is taxed and filed in."
    )
    tax_correction = MoneyField(
        "tax_correction",
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
    requested_by = graphene.String(required=True, description=ACTOR)
    first_approved_by = graphene.String(required=True, description=ACTOR)
    approved_by = graphene.String(required=True, description=ACTOR)
    rejected_by = graphene.String(required=True, description=ACTOR)
    rejection_reason = graphene.String(required=True)
    paid_by = graphene.String(required=True, description=ACTOR)
    paid_at = graphene.DateTime()
    transfer_reference = graphene.String(required=True)
    batch = graphene.Field(lambda: _batch_type(), description="The bank batch it was exported in.")
    exported_at = graphene.DateTime()
    failed_by = graphene.String(required=True, description=ACTOR)
    failed_at = graphene.DateTime()
    failure_reason = graphene.String(required=True, description="The bank's, when it failed.")
    created_at = graphene.DateTime(required=True)
    events = graphene.List(graphene.NonNull(PayoutEventType), required=True)

    @staticmethod
    def resolve_account(root: Payout, info: Any) -> str:
        return root.payee_account_masked

    @staticmethod
    def resolve_bank(root: Payout, info: Any) -> str:
        return root.payee_bank

    @staticmethod
    def resolve_id_number(root: Payout, info: Any) -> str:
        from ...services.identity import masked_id_number

        return masked_id_number(root.tax_identity or root.distributor.identity)

    @staticmethod
    def resolve_batch(root: Payout, info: Any) -> Any:
        # The batch's file holds every payee's full account: finance only, never the payee.
        if not is_staff_with(info, Permission.HANDLE_PAYMENTS):
            return None
        return root.batch

    @staticmethod
    def resolve_events(root: Payout, info: Any) -> Any:
        from .dataloaders import PayoutEventsByPayoutIdLoader

        return PayoutEventsByPayoutIdLoader(info.context).load_with_page(root)


for _name in (
    "requested_by",
    "first_approved_by",
    "approved_by",
    "rejected_by",
    "paid_by",
    "failed_by",
):
    setattr(
        PayoutType,
        f"resolve_{_name}",
        staticmethod(lambda root, info, _name=_name: shown_actor(info, getattr(root, _name))),
    )


def _batch_type() -> Any:
    pass

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
    amount = MoneyField("amount", required=True)
    movement = graphene.UUID(required=True, description="Entries of one movement share it.")
    order_number = graphene.String(description="The order a commission entry comes from.")
    payout = graphene.Field(PayoutType)
    actor = graphene.String(required=True, description=ACTOR)
    reason = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_actor(root: LedgerEntry, info: Any) -> str:
        return shown_actor(info, root.actor)

    @staticmethod
    def resolve_order_number(root: LedgerEntry, info: Any) -> str | None:
        settlement = root.settlement
        return settlement.attribution.order_number if settlement is not None else None


class LedgerEntryConnection(CountableConnection):
    class Meta:
        node = LedgerEntryType


class PayoutBatchType(graphene.ObjectType):
    class Meta:
        name = "PayoutBatch"
        interfaces = (graphene.relay.Node,)
        description = "Approved payouts exported together for the bank's batch transfer."

    method = PayoutMethodEnum(description="Null: every method.")
    currency = graphene.String(description="Null: every currency.")
    created_by = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    payout_count = graphene.Int(required=True)
    totals = graphene.List(
        graphene.NonNull(Money), required=True, description="Net to transfer, per currency."
    )
    content_sha256 = graphene.String(required=True, description="Of the file as first made.")
    payouts = graphene.Field(PayoutConnection, first=graphene.Int(), after=graphene.String())
    transfers_csv = graphene.Field(
        CsvExport,
        required=True,
        description="The batch's file again: the same rows, whatever the bank answered since.",
    )

    @staticmethod
    def resolve_method(root: PayoutBatch, info: Any) -> str | None:
        return root.method or None

    @staticmethod
    def resolve_currency(root: PayoutBatch, info: Any) -> str | None:
        return root.currency or None

    @staticmethod
    def resolve_totals(root: PayoutBatch, info: Any) -> list[Money]:
        from ...selectors.payouts import batch_totals

        return [money(net, currency) for currency, net in batch_totals(root)]

    @staticmethod
    def resolve_payouts(
        root: PayoutBatch, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        from ...selectors.payouts import batch_payouts

        require_permission(info, Permission.HANDLE_PAYMENTS)
        return share_connection_page(paginate(batch_payouts(root), PayoutConnection, first, after))

    @staticmethod
    def resolve_transfers_csv(root: PayoutBatch, info: Any) -> CsvExport:
        from ...services.payouts import batch_csv, batch_filename

        # Checked here too, whatever led to the batch: the file has full account numbers.
        require_staff_user_with(info, Permission.HANDLE_PAYMENTS)
        return _csv(batch_filename(root), batch_csv(root))


class PayoutBatchConnection(CountableConnection):
    class Meta:
        node = PayoutBatchType


def _csv(filename: str, content: str) -> CsvExport:
    from ...services.payouts.csv_files import count_rows

    return CsvExport(filename=filename, content=content, rows=count_rows(content))


PayoutBulkOutcomeEnum = graphene.Enum(
    "PayoutBulkOutcomeEnum",
    [
        ("APPROVED", "approved"),
        ("FIRST_APPROVED", "first_approved"),
        ("PAID", "paid"),
        ("FAILED", "failed"),
        ("UNCHANGED", "unchanged"),
        ("ERROR", "error"),
    ],
)


class PayoutBulkResult(graphene.ObjectType):
    line = graphene.Int(
        required=True, description="The file's line (header = 1), or the position in the list."
    )
    payout = graphene.Field(PayoutType)
    outcome = PayoutBulkOutcomeEnum(
        required=True,
        description="UNCHANGED: applied before (paid with this reference, failed with this "
        "reason).",
    )
    errors = graphene.List(graphene.NonNull(DistributionError), required=True)


def _results(rows: Any) -> list[PayoutBulkResult]:
    return [
        PayoutBulkResult(
            line=row.line,
            payout=row.payout,
            outcome=row.outcome,
            errors=[error_from(row.error)] if row.error is not None else [],
        )
        for row in rows
    ]


class TaxExportType(graphene.ObjectType):
    class Meta:
        name = "TaxExport"
        interfaces = (graphene.relay.Node,)
        description = "One download of a month's withholding return: who, when and what."

    month = graphene.Date(required=True, description="First day of the tax month.")
    exported_by = graphene.String(required=True)
    exported_at = graphene.DateTime(required=True)
    rows = graphene.Int(required=True, description="People in the return.")
    income = graphene.Field(Money, required=True)
    tax_withheld = graphene.Field(Money, required=True)
    content_sha256 = graphene.String(required=True)

    @staticmethod
    def resolve_income(root: TaxExport, info: Any) -> Money:
        return money(root.income, "CNY")

    @staticmethod
    def resolve_tax_withheld(root: TaxExport, info: Any) -> Money:
        return money(root.tax_withheld, "CNY")


class TaxExportConnection(CountableConnection):
    class Meta:
        node = TaxExportType
