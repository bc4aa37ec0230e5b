"""Fraud review of a referred order: signals that the sale may be the distributor buying from
themselves, or orders farmed for commission, each worth a score. An order whose score reaches
the shop's threshold earns nothing confirmed until staff look at it.

Pure: the service gathers the evidence (hashes, counts, rates); this module only weighs it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .phones import normalize_phone


class FraudSignal(StrEnum):
    # The buyer ships to, is reachable at, or pays from what the distributor gave as their own.
    SHIPPING_ADDRESS_IS_DISTRIBUTORS = "shipping_address_is_distributors"
    PHONE_IS_DISTRIBUTORS = "phone_is_distributors"
    PAYMENT_EMAIL_IS_DISTRIBUTORS = "payment_email_is_distributors"
    # Many referred orders from one address or one device in the window: one person posing as
    # many customers.
    REPEATED_ADDRESS = "repeated_address"
    REPEATED_DEVICE = "repeated_device"
    # A new distributor whose first orders all ship to one place: friends' orders, or their own.
    NEW_DISTRIBUTOR_ONE_ADDRESS = "new_distributor_one_address"
    # Far more of the distributor's visitors buy than the shop's do.
    CONVERSION_OUTLIER = "conversion_outlier"


# Self-dealing alone reaches the default threshold (50); each pattern signal needs another.
SIGNAL_SCORES: dict[FraudSignal, int] = {
    FraudSignal.SHIPPING_ADDRESS_IS_DISTRIBUTORS: 60,
    FraudSignal.PHONE_IS_DISTRIBUTORS: 60,
    FraudSignal.PAYMENT_EMAIL_IS_DISTRIBUTORS: 60,
    FraudSignal.REPEATED_ADDRESS: 30,
    FraudSignal.REPEATED_DEVICE: 30,
    FraudSignal.NEW_DISTRIBUTOR_ONE_ADDRESS: 40,
    FraudSignal.CONVERSION_OUTLIER: 20,
}

# Fewer referred orders than this say nothing about a conversion rate.
MIN_ORDERS_FOR_CONVERSION = 5


@dataclass(frozen=True, slots=True)
class FraudEvidence:
    """What the service found about one referred order and its seller."""

    shipping_matches_distributor: bool = False
    phone_matches_distributor: bool = False
    payment_email_matches_distributor: bool = False
    # Referred orders in the window from the order's address / device, this one included.
    orders_from_address: int = 0
    orders_from_device: int = 0
    # The seller joined within fraud_new_distributor_days of the order; their referred orders
    # so far (this one included) and how many addresses those went to.
    distributor_is_new: bool = False
    distributor_orders: int = 0
    distributor_addresses: int = 0
    # Referred orders per click in the window: the seller's and the shop's.
    distributor_orders_in_window: int = 0
    distributor_conversion: Decimal | None = None
    shop_conversion: Decimal | None = None


@dataclass(frozen=True, slots=True)
class FraudRules:
    hold_score: int = 50
    repeat_orders: int = 3
    conversion_factor: Decimal = Decimal("5")


@dataclass(frozen=True, slots=True)
class FraudAssessment:
    score: int
    signals: tuple[FraudSignal, ...]
    held: bool


def assess(evidence: FraudEvidence, rules: FraudRules) -> FraudAssessment:
    signals = tuple(_signals(evidence, rules))
    score = sum(SIGNAL_SCORES[signal] for signal in signals)
    return FraudAssessment(
        score=score, signals=signals, held=bool(signals) and score >= rules.hold_score
    )


def _signals(evidence: FraudEvidence, rules: FraudRules) -> Iterable[FraudSignal]:
    if evidence.shipping_matches_distributor:
        yield FraudSignal.SHIPPING_ADDRESS_IS_DISTRIBUTORS
    if evidence.phone_matches_distributor:
        yield FraudSignal.PHONE_IS_DISTRIBUTORS
    if evidence.payment_email_matches_distributor:
        yield FraudSignal.PAYMENT_EMAIL_IS_DISTRIBUTORS
    if evidence.orders_from_address >= rules.repeat_orders:
        yield FraudSignal.REPEATED_ADDRESS
    if evidence.orders_from_device >= rules.repeat_orders:
        yield FraudSignal.REPEATED_DEVICE
    if (
        evidence.distributor_is_new
        and evidence.distributor_orders >= rules.repeat_orders
        and evidence.distributor_addresses == 1
    ):
        yield FraudSignal.NEW_DISTRIBUTOR_ONE_ADDRESS
    if (
        evidence.distributor_orders_in_window >= MIN_ORDERS_FOR_CONVERSION
        and evidence.distributor_conversion is not None
        and evidence.shop_conversion
        and evidence.distributor_conversion > evidence.shop_conversion * rules.conversion_factor
    ):
        yield FraudSignal.CONVERSION_OUTLIER


_NOT_ADDRESS_TEXT = re.compile(r"[\W_]+", re.UNICODE)


def normalize_address(*parts: str | None) -> str | None:
    """One form of an address for comparing: "Room 3, 88 Nanjing Rd." and "room 3 88 nanjing
    rd" are the same place. Full-width characters become ASCII (NFKC), case and punctuation go.
    None when nothing is left."""
    text = " ".join(part for part in parts if part)
    compact = _NOT_ADDRESS_TEXT.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return compact or None


def normalize_phone_for_comparison(raw: str | None) -> str | None:
    if not raw:
        return None
    return normalize_phone(raw) or _NOT_ADDRESS_TEXT.sub("", raw) or None


def normalize_email(raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    return raw.strip().casefold()
