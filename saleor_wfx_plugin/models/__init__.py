"""Distribution programme data, one module per aggregate.

Saleor objects are referenced by their ids (order UUID, user id, product and category ids), never
by foreign keys into Saleor's tables: Saleor hard-deletes expired orders, and the programme's
records must outlive them as audit evidence.
"""

from .adjustments import BalanceAdjustment
from .attribution import AttributionEvent, CommissionLine, CustomerBinding, ReferralAttribution
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
from .fraud import BindingEvent, DistributorVoucher, FraudReview
from .groups import GroupBuy, GroupMember
from .growth import BonusRules, GrowthAward, GrowthAwardLine, LadderBracket, MonthClose
from .ledger import COMMISSION_KINDS, LedgerEntry, Settlement
from .ledger_snapshots import LedgerSnapshot
from .payouts import Payout, PayoutBatch, PayoutEvent
from .programme import CommissionRule, Grade, ProgrammeSwitch
from .refunds import ExternalRefund
from .sweep import SweepMark, SweepRetry
from .tax import TaxExport, TaxIdentity

__all__ = [
    "COMMISSION_KINDS",
    "LEVEL_IS_LEGAL",
    "MONEY_DIGITS",
    "RATE_DIGITS",
    "ApplicationDocument",
    "AttributionEvent",
    "BalanceAdjustment",
    "BindingEvent",
    "BonusRules",
    "CommissionLine",
    "CommissionRule",
    "CustomerBinding",
    "Distributor",
    "DistributorApplication",
    "DistributorEvent",
    "DistributorVoucher",
    "ExternalRefund",
    "FraudReview",
    "Grade",
    "GroupBuy",
    "GroupMember",
    "GrowthAward",
    "GrowthAwardLine",
    "LadderBracket",
    "LedgerEntry",
    "LedgerSnapshot",
    "MonthClose",
    "Payout",
    "PayoutBatch",
    "PayoutEvent",
    "ProgrammeSwitch",
    "ReferralAttribution",
    "ReferralClick",
    "Settlement",
    "SweepMark",
    "SweepRetry",
    "TaxExport",
    "TaxIdentity",
    "_document_path",
    "_private_storage",
]
