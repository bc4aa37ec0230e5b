"""Payouts: a distributor asks, staff approve (twice above a set amount), export the approved
ones to the bank in a batch, and mark each paid with the bank's transfer reference or failed
with its reason; staff may reject before the export, the distributor cancel before approval.

Every action runs in one transaction holding the distributor's row lock, so two requests, or a
request and an approval, never see the same available money: a payout cannot overdraw and cannot
be paid twice. Money moves only as balanced ledger movements:

    request      available (and, early, hold) → reserved
    reject/cancel/fail  reserved → available (or back to hold if that order's hold still runs)
    mark paid    reserved → paid (net) + tax (withheld) + fee (early withdrawal)
    re-assessed tax month (after an approved payout is rejected or fails)  available ↔ tax

Income tax is per person and tax month (the approval month): see `tax.py`.
"""

from .batches import batch_csv, batch_filename, create_batch, mark_failed
from .bulk import RowResult, approve_payouts, reconcile_bank_file
from .common import OPEN_STATUSES, PayeeDetails
from .decisions import approve_payout, cancel_payout, mark_paid, reject_payout
from .exports import (
    TAX_COLUMNS,
    TRANSFER_COLUMNS,
    TaxRecord,
    approved_transfers_csv,
    tax_records,
    tax_records_csv,
)
from .requests import request_payout
from .tax import COUNTING_STATUSES
from .withholding import (
    WITHHOLDING_COLUMNS,
    WithholdingRow,
    export_withholding_return,
    withholding_rows,
)

__all__ = [
    "COUNTING_STATUSES",
    "OPEN_STATUSES",
    "TAX_COLUMNS",
    "TRANSFER_COLUMNS",
    "WITHHOLDING_COLUMNS",
    "PayeeDetails",
    "RowResult",
    "TaxRecord",
    "WithholdingRow",
    "approve_payout",
    "approve_payouts",
    "approved_transfers_csv",
    "batch_csv",
    "batch_filename",
    "cancel_payout",
    "create_batch",
    "export_withholding_return",
    "mark_failed",
    "mark_paid",
    "reconcile_bank_file",
    "reject_payout",
    "request_payout",
    "tax_records",
    "tax_records_csv",
    "withholding_rows",
]
