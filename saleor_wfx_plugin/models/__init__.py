"""Distribution programme data, one module per aggregate.

Saleor objects are referenced by their ids (order UUID, user id, product and category ids), never
by foreign keys into Saleor's tables: Saleor hard-deletes expired orders, and the programme's
records must outlive them as audit evidence.
"""

from .attribution import CommissionLine, CustomerBinding, ReferralAttribution
from .distributors import (
    ApplicationDocument,
    Distributor,
    DistributorApplication,
    DistributorEvent,
    ReferralClick,
    _document_path,
    _private_storage,
)
from .fields import LEVEL_IS_LEGAL, MONEY_DIGITS, RATE_DIGITS
from .ledger import CommissionEntry, LedgerEntry, Settlement
from .payouts import Payout, PayoutBatch, PayoutEvent
from .programme import CommissionRule, Grade
from .tax import TaxExport, TaxIdentity

__all__ = [
    "LEVEL_IS_LEGAL",
    "MONEY_DIGITS",
    "RATE_DIGITS",
    "ApplicationDocument",
    "CommissionEntry",
    "CommissionLine",
    "CommissionRule",
    "CustomerBinding",
    "Distributor",
    "DistributorApplication",
    "DistributorEvent",
    "Grade",
    "LedgerEntry",
    "Payout",
    "PayoutBatch",
    "PayoutEvent",
    "ReferralAttribution",
    "ReferralClick",
    "Settlement",
    "TaxExport",
    "TaxIdentity",
    "_document_path",
    "_private_storage",
]
