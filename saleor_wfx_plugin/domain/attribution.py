"""Who, if anyone, referred an order.

The referral code reaches us from checkout metadata, which any shopper can edit: it is a claim,
judged here against the distributor it names, the buyer, and the customer's binding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .settings import ProgramSettings

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")


class DistributorStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REJECTED = "rejected"


class AttributionSource(StrEnum):
    CODE = "code"
    BINDING = "binding"
    # A distributor's exclusive voucher (分销商专属优惠券) on the order.
    VOUCHER = "voucher"
    # Attributed by hand by staff (an order placed while the programme was off, say).
    STAFF = "staff"
    NONE = "none"


class RejectionReason(StrEnum):
    MALFORMED_CODE = "malformed_code"
    UNKNOWN_CODE = "unknown_code"
    INACTIVE_DISTRIBUTOR = "inactive_distributor"
    SUSPENDED_DISTRIBUTOR = "suspended_distributor"
    SELF_PURCHASE = "self_purchase"
    REFERRAL_EXPIRED = "referral_expired"
    # Placed while the merchant had the programme switched off, or before it was first on.
    PROGRAMME_OFF = "programme_off"
    # The customer is bound to another distributor and still in the protection period (保护期).
    BOUND_CUSTOMER_PROTECTED = "bound_customer_protected"
    # The order carries another distributor's exclusive voucher, which wins.
    VOUCHER_WINS = "voucher_wins"


def normalize_code(raw: object) -> str | None:
    """Codes are case-insensitive and trimmed: ' ab12cd ' and 'AB12CD' are the same code.
    Returns None when nothing was sent."""
    if raw is None:
        return None
    code = str(raw).strip().upper()
    return code or None


def is_well_formed_code(code: str) -> bool:
    return bool(CODE_PATTERN.match(code))


def customer_key(user_id: str | None, email: str | None) -> str | None:
    """Binding identity: the Saleor user when there is one, else the e-mail address."""
    if user_id:
        return f"user:{user_id}"
    if email and email.strip():
        return f"email:{email.strip().lower()}"
    return None


@dataclass(frozen=True, slots=True)
class DistributorView:
    id: int
    status: DistributorStatus
    user_id: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Buyer:
    user_id: str | None
    email: str | None

    def is_distributor(self, distributor: DistributorView) -> bool:
        if self.user_id and distributor.user_id and self.user_id == distributor.user_id:
            return True
        return bool(
            self.email
            and distributor.email
            and self.email.strip().lower() == distributor.email.strip().lower()
        )


@dataclass(frozen=True, slots=True)
class ReferralClaim:
    """What the storefront sent: the code (already normalised) and, optionally, when the visitor
    followed the referral link."""

    code: str | None
    referred_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AttributionDecision:
    distributor_id: int | None
    source: AttributionSource
    code_rejection: RejectionReason | None = None


def decide_attribution(
    *,
    claim: ReferralClaim,
    coded_distributor: DistributorView | None,
    bound_distributor: DistributorView | None,
    buyer: Buyer,
    placed_at: datetime,
    settings: ProgramSettings,
    voucher_distributor: DistributorView | None = None,
    binding_protected: bool = False,
) -> AttributionDecision:
    """`coded_distributor` is the distributor whose code equals `claim.code` (None when no such
    code exists); `bound_distributor` the one the customer is bound to, if binding is on and a
    binding is still in force, `binding_protected` whether that binding is in its protection
    period (保护期); `voucher_distributor` the one whose exclusive voucher the order used."""
    rejection: RejectionReason | None = None
    if claim.code is not None:
        rejection = _judge_code(claim, coded_distributor, buyer, placed_at, settings)
    code_earns = claim.code is not None and rejection is None
    voucher_earns = voucher_distributor is not None and _may_earn(
        voucher_distributor, buyer, settings
    )
    bound_earns = (
        settings.customer_binding
        and bound_distributor is not None
        and _may_earn(bound_distributor, buyer, settings)
    )

    winner: tuple[DistributorView, AttributionSource] | None = None
    if voucher_earns and (settings.voucher_beats_referral_code or not code_earns):
        assert voucher_distributor is not None
        winner = (voucher_distributor, AttributionSource.VOUCHER)
        if (
            code_earns
            and coded_distributor is not None
            and coded_distributor.id != voucher_distributor.id
        ):
            rejection = RejectionReason.VOUCHER_WINS
    elif code_earns:
        assert coded_distributor is not None
        winner = (coded_distributor, AttributionSource.CODE)

    if bound_earns:
        assert bound_distributor is not None
        if winner is None or (binding_protected and winner[0].id != bound_distributor.id):
            return AttributionDecision(
                distributor_id=bound_distributor.id,
                source=AttributionSource.BINDING,
                code_rejection=RejectionReason.BOUND_CUSTOMER_PROTECTED
                if winner is not None
                else rejection,
            )
    if winner is not None:
        return AttributionDecision(
            distributor_id=winner[0].id, source=winner[1], code_rejection=rejection
        )
    return AttributionDecision(
        distributor_id=None, source=AttributionSource.NONE, code_rejection=rejection
    )


def _judge_code(
    claim: ReferralClaim,
    distributor: DistributorView | None,
    buyer: Buyer,
    placed_at: datetime,
    settings: ProgramSettings,
) -> RejectionReason | None:
    assert claim.code is not None
    if not is_well_formed_code(claim.code):
        return RejectionReason.MALFORMED_CODE
    if distributor is None:
        return RejectionReason.UNKNOWN_CODE
    if distributor.status == DistributorStatus.SUSPENDED:
        return RejectionReason.SUSPENDED_DISTRIBUTOR
    if distributor.status != DistributorStatus.ACTIVE:
        return RejectionReason.INACTIVE_DISTRIBUTOR
    if not settings.self_purchase_commission and buyer.is_distributor(distributor):
        return RejectionReason.SELF_PURCHASE
    if claim.referred_at is not None:
        window = timedelta(days=settings.attribution_window_days)
        if placed_at - claim.referred_at > window:
            return RejectionReason.REFERRAL_EXPIRED
    return None


def _may_earn(distributor: DistributorView, buyer: Buyer, settings: ProgramSettings) -> bool:
    if distributor.status != DistributorStatus.ACTIVE:
        return False
    return settings.self_purchase_commission or not buyer.is_distributor(distributor)
