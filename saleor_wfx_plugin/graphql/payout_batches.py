"""Payouts on their way to the bank: batches (the file to upload, downloadable again), the
bank's answer per payout (paid or failed), and approving or reconciling many at once. Everything
here needs HANDLE_PAYMENTS; full account numbers appear only in the batch files."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import graphene
from django.db.models import Sum
from django.utils import timezone

from ..auth import Permission
from ..models import Payout, PayoutBatch
from ..services.distributors import DistributorError
from .core import (
    CountableConnection,
    DistributionError,
    Money,
    Upload,
    active_program,
    decode_id,
    error_from,
    get_by_id,
    money,
    paginate,
    require_permission,
    viewer,
)
from .csv_export import CsvExport
from .money import PayoutConnection, PayoutMethodEnum, PayoutType
from .mutations import BaseMutation


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
        rows = root.payouts.values("currency").annotate(net=Sum("net")).order_by("currency")
        return [money(row["net"] or Decimal(0), row["currency"]) for row in rows]

    @staticmethod
    def resolve_payouts(
        root: PayoutBatch, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        require_permission(info, Permission.HANDLE_PAYMENTS)
        payouts = root.payouts.select_related("distributor__identity", "tax_identity")
        return paginate(payouts.order_by("approved_at", "pk"), PayoutConnection, first, after)

    @staticmethod
    def resolve_transfers_csv(root: PayoutBatch, info: Any) -> CsvExport:
        from ..services.payouts import batch_csv, batch_filename

        # Checked here too, whatever led to the batch: the file has full account numbers.
        require_permission(info, Permission.HANDLE_PAYMENTS)
        return _csv(batch_filename(root), batch_csv(root))


class PayoutBatchConnection(CountableConnection):
    class Meta:
        node = PayoutBatchType


def _csv(filename: str, content: str) -> CsvExport:
    from ..services.payouts.csv_files import count_rows

    return CsvExport(filename=filename, content=content, rows=count_rows(content))


class BatchQuery:
    """Fields mixed into `Query`."""

    payout_batches = graphene.Field(
        PayoutBatchConnection,
        first=graphene.Int(),
        after=graphene.String(),
        description="Bank batches, newest first. Requires HANDLE_PAYMENTS.",
    )
    payout_batch = graphene.Field(
        PayoutBatchType, id=graphene.ID(required=True), description="Requires HANDLE_PAYMENTS."
    )
    payout_transfers_csv = graphene.Field(
        CsvExport,
        method=PayoutMethodEnum(),
        description="A preview of the next batch: approved payouts not yet exported, with full "
        "accounts. Changes nothing (payoutBatchCreate makes the file to upload). Requires "
        "HANDLE_PAYMENTS.",
    )

    @staticmethod
    def resolve_payout_batches(
        root: Any, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        require_permission(info, Permission.HANDLE_PAYMENTS)
        return paginate(PayoutBatch.objects.all(), PayoutBatchConnection, first, after)

    @staticmethod
    def resolve_payout_batch(root: Any, info: Any, id: str) -> PayoutBatch | None:
        require_permission(info, Permission.HANDLE_PAYMENTS)
        try:
            return get_by_id(PayoutBatch.objects.all(), id, "PayoutBatch")
        except DistributorError:
            return None

    @staticmethod
    def resolve_payout_transfers_csv(root: Any, info: Any, method: str | None = None) -> CsvExport:
        from ..services.payouts import approved_transfers_csv

        require_permission(info, Permission.HANDLE_PAYMENTS)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _csv(f"wfx-transfers-{method or 'all'}-{stamp}.csv", approved_transfers_csv(method))


# --- Mutations -------------------------------------------------------------------------------
class PayoutBatchCreate(BaseMutation):
    class Meta:
        description = (
            "Export the approved payouts not yet in a batch (of one method and currency, when "
            "given) for the bank: they become EXPORTED, in one new batch, and the file comes "
            "back. Nothing waiting: NOTHING_TO_EXPORT, and no batch."
        )

    class Arguments:
        method = PayoutMethodEnum()
        currency = graphene.String()

    batch = graphene.Field(PayoutBatchType)
    export = graphene.Field(CsvExport)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, method: str | None = None, currency: str | None = None) -> Any:
        from ..services.payouts import batch_filename, create_batch

        batch, content = create_batch(actor=viewer(info).actor, method=method, currency=currency)
        return cls.ok(batch=batch, export=_csv(batch_filename(batch), content))


class PayoutMarkFailed(BaseMutation):
    class Meta:
        description = (
            "The bank returned an exported payout: the money goes back to the distributor "
            "(held money to the hold while its order's hold runs) and it no longer counts for "
            "its tax month."
        )

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True, description="The bank's reason.")

    payout = graphene.Field(PayoutType)
    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, id: str, reason: str) -> Any:
        from ..services.payouts import mark_failed

        payout = get_by_id(Payout.objects.all(), id, "Payout")
        return cls.ok(payout=mark_failed(payout, actor=viewer(info).actor, reason=reason))


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


class BulkMutation(BaseMutation):
    """Row by row, each in its own transaction (see services/payouts/bulk.py): one bad row does
    not undo the good ones, and no transaction holds two distributors' locks."""

    class Meta:
        abstract = True

    results = graphene.List(graphene.NonNull(PayoutBulkResult), required=True)

    @classmethod
    def mutate(cls, root: Any, info: Any, **data: Any) -> Any:
        if cls.permission is not None:
            require_permission(info, cls.permission)
        try:
            return cls.perform(info, **data)
        except DistributorError as error:
            return cls(errors=[error_from(error)], results=[])


class PayoutBulkApprove(BulkMutation):
    class Meta:
        description = (
            "Approve up to 100 payouts, each as payoutApprove would; a result per payout, in the "
            "order given."
        )

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, ids: list[str]) -> Any:
        from ..services.payouts import approve_payouts

        program = active_program()
        payout_ids = [_payout_pk(global_id) for global_id in ids]
        rows = approve_payouts(payout_ids, actor=viewer(info).actor, program=program)
        return cls.ok(results=_results(rows))


def _payout_pk(global_id: str) -> int:
    try:
        pk = decode_id(global_id, "Payout", field="ids")
    except DistributorError:
        return 0  # no payout has it: that row reports NOT_FOUND
    return int(pk) if pk.isdigit() else 0


class PayoutBulkMarkPaid(BulkMutation):
    class Meta:
        description = (
            "Apply the bank's reconciliation file (CSV: payout_id, reference; optional status "
            "paid or failed, and reason for failed rows): a result per row. Rows already "
            "applied come back UNCHANGED, so the same file can be sent again."
        )

    class Arguments:
        file = Upload(required=True)

    permission = Permission.HANDLE_PAYMENTS

    @classmethod
    def perform(cls, info: Any, file: Any) -> Any:
        from ..services.payouts import reconcile_bank_file

        if not hasattr(file, "read"):
            raise DistributorError(
                "Send the file with the GraphQL multipart request.",
                code="invalid_file",
                field="file",
            )
        rows = reconcile_bank_file(file.read(), actor=viewer(info).actor)
        return cls.ok(results=_results(rows))
