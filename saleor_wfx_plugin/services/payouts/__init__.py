"""Payouts: a distributor asks, staff approve (twice above a set amount), reject or mark paid
with the bank's transfer reference; the distributor may cancel before approval.

Every action runs in one transaction holding the distributor's row lock, so two requests, or a
request and an approval, never see the same available money: a payout cannot overdraw and cannot
be paid twice. Money moves only as balanced ledger movements:

    request      available (and, early, hold) → reserved
    reject/cancel  reserved → available (or back to hold if that order's hold still runs)
    mark paid    reserved → paid (net) + tax (withheld) + fee (early withdrawal)
"""

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

__all__ = [
    "OPEN_STATUSES",
    "TAX_COLUMNS",
    "TRANSFER_COLUMNS",
    "PayeeDetails",
    "TaxRecord",
    "approve_payout",
    "approved_transfers_csv",
    "cancel_payout",
    "mark_paid",
    "reject_payout",
    "request_payout",
    "tax_records",
    "tax_records_csv",
]
