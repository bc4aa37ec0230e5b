from __future__ import annotations

from datetime import date
from typing import Any

import graphene
from django.utils import timezone

from ...auth import Permission
from ...errors import ProgrammeError
from ...models import (
    PayoutBatch,
)
from ...selectors.payouts import (
    distributor_payouts,
    ledger_entries,
    payout_batches,
    payouts,
    tax_exports,
)
from ..core.connection import paginate
from ..core.context import (
    context,
    require_permission,
    require_staff_user_with,
)
from ..core.ids import get_by_id
from ..core.pages import share_connection_page
from ..core.sorting import PayoutSortingInput, sort_order
from ..core.types import CsvExport
from .adjustment_types import BalanceAdjustmentConnection, BalanceAdjustmentStatusEnum
from .dataloaders import LedgerTotalsByDistributorIdLoader
from .filters import PayoutFilterInput, _payouts_of, distributor_by_global_id
from .mutations.adjustments import BalanceAdjust, BalanceAdjustmentApprove, BalanceAdjustmentReject
from .mutations.batches import (
    PayoutBatchCreate,
    PayoutBulkApprove,
    PayoutBulkMarkPaid,
    PayoutMarkFailed,
)
from .mutations.payouts import (
    PayoutApprove,
    PayoutCancel,
    PayoutMarkPaid,
    PayoutReject,
    PayoutRequest,
)
from .mutations.tax import TaxWithholdingExport
from .statements import StatementMeFields, StatementQuery
from .types import (
    BalanceType,
    LedgerEntryConnection,
    PayoutBatchConnection,
    PayoutBatchType,
    PayoutConnection,
    PayoutMethodEnum,
    TaxExportConnection,
    _csv,
)

PAYOUT_SORT = {"requested_at": ("created_at", "id"), "amount": ("amount", "id")}


class MoneyMeFields(StatementMeFields):
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
    def resolve_balances(root: Any, info: Any) -> Any:
        own = context(info).own_distributor()
        if own is None:
            return []
        loader = LedgerTotalsByDistributorIdLoader(info.context)
        return loader.load(own.pk).then(lambda rows: [row.balance for row in rows])

    @staticmethod
    def resolve_payouts(
        root: Any, info: Any, first: int | None = None, after: str | None = None, filter: Any = None
    ) -> Any:
        own = context(info).own_distributor()
        where = {k: v for k, v in (filter or {}).items() if k != "distributor"}
        queryset = distributor_payouts(own, **_payouts_of(where))
        return share_connection_page(paginate(queryset, PayoutConnection, first, after))

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
        return paginate(ledger_entries(own, currency), LedgerEntryConnection, first, after)


class MoneyQuery(StatementQuery):
    """Fields mixed into `Query`."""

    payouts = graphene.Field(
        PayoutConnection,
        first=graphene.Int(),
        after=graphene.String(),
        filter=PayoutFilterInput(),
        sort_by=PayoutSortingInput(description="Default: newest request first."),
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
    balance_adjustments = graphene.Field(
        BalanceAdjustmentConnection,
        status=BalanceAdjustmentStatusEnum(description="PENDING: those waiting for approval."),
        first=graphene.Int(),
        after=graphene.String(),
        description="Staff adjustments of balances, newest first. Requires HANDLE_PAYMENTS.",
    )

    @staticmethod
    def resolve_payouts(
        root: Any,
        info: Any,
        first: int | None = None,
        after: str | None = None,
        filter: Any = None,
        sort_by: Any = None,
    ) -> Any:
        require_permission(info, Permission.HANDLE_PAYMENTS)
        found = payouts(**_payouts_of(filter))
        page = paginate(found, PayoutConnection, first, after, sort_order(sort_by, PAYOUT_SORT, ()))
        return share_connection_page(page)

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
        target = distributor_by_global_id(distributor)
        return paginate(ledger_entries(target, currency), LedgerEntryConnection, first, after)

    @staticmethod
    def resolve_balance_adjustments(
        root: Any,
        info: Any,
        status: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Any:
        from ...selectors.adjustments import adjustments

        require_permission(info, Permission.HANDLE_PAYMENTS)
        return paginate(adjustments(status), BalanceAdjustmentConnection, first, after)


# --- Mutations -------------------------------------------------------------------------------
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
        "accounts. Changes nothing (payoutBatchCreate makes the file to upload). Staff users "
        "with HANDLE_PAYMENTS only, never apps.",
    )

    @staticmethod
    def resolve_payout_batches(
        root: Any, info: Any, first: int | None = None, after: str | None = None
    ) -> Any:
        require_permission(info, Permission.HANDLE_PAYMENTS)
        return paginate(payout_batches(), PayoutBatchConnection, first, after)

    @staticmethod
    def resolve_payout_batch(root: Any, info: Any, id: str) -> PayoutBatch | None:
        require_permission(info, Permission.HANDLE_PAYMENTS)
        try:
            return get_by_id(payout_batches(), id, "PayoutBatch")
        except ProgrammeError:
            return None

    @staticmethod
    def resolve_payout_transfers_csv(root: Any, info: Any, method: str | None = None) -> CsvExport:
        from ...services.payouts import approved_transfers_csv

        require_staff_user_with(info, Permission.HANDLE_PAYMENTS)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _csv(f"wfx-transfers-{method or 'all'}-{stamp}.csv", approved_transfers_csv(method))


class TaxQuery:
    """Fields mixed into `Query`."""

    tax_records_csv = graphene.Field(
        CsvExport,
        month=graphene.Date(required=True, description="Any day of the month."),
        description="Income tax withheld in a tax month (the month of final approval), per "
        "distributor account, ID numbers masked. Staff users with HANDLE_PAYMENTS only, never "
        "apps.",
    )
    tax_exports = graphene.Field(
        TaxExportConnection,
        month=graphene.Date(description="Any day of the month; all months when left out."),
        first=graphene.Int(),
        after=graphene.String(),
        description="Downloads of the withholding return, newest first. Requires HANDLE_PAYMENTS.",
    )

    @staticmethod
    def resolve_tax_records_csv(root: Any, info: Any, month: date) -> CsvExport:
        from ...services.payouts import tax_records_csv
        from ...services.payouts.csv_files import count_rows

        require_staff_user_with(info, Permission.HANDLE_PAYMENTS)
        content = tax_records_csv(month)
        return CsvExport(
            filename=f"wfx-tax-{month:%Y-%m}.csv", content=content, rows=count_rows(content)
        )

    @staticmethod
    def resolve_tax_exports(
        root: Any,
        info: Any,
        month: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Any:
        require_permission(info, Permission.HANDLE_PAYMENTS)
        return paginate(tax_exports(month), TaxExportConnection, first, after)


class MoneyMutations(graphene.ObjectType):
    payout_request = PayoutRequest.Field()
    payout_cancel = PayoutCancel.Field()
    payout_approve = PayoutApprove.Field()
    payout_reject = PayoutReject.Field()
    payout_mark_paid = PayoutMarkPaid.Field()
    balance_adjust = BalanceAdjust.Field()
    balance_adjustment_approve = BalanceAdjustmentApprove.Field()
    balance_adjustment_reject = BalanceAdjustmentReject.Field()
    payout_batch_create = PayoutBatchCreate.Field()
    payout_mark_failed = PayoutMarkFailed.Field()
    payout_bulk_approve = PayoutBulkApprove.Field()
    payout_bulk_mark_paid = PayoutBulkMarkPaid.Field()
    tax_withholding_export = TaxWithholdingExport.Field()
