"""Fraud review: score a referred order when it is attributed, hold the commission of one that
scores too high, and let staff allow or reject it. Staff may also freeze a distributor's balance.

A held order's commission accrues as usual but stays pending: the maturing task never confirms
it (ledger.settle_due), so it can neither reach the available balance nor be withdrawn early.
Rejected, it is reversed to nothing and stays so whatever the order does later.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import encryption
from ..domain.fraud import (
    FraudEvidence,
    FraudRules,
    assess,
    normalize_address,
    normalize_email,
    normalize_phone_for_comparison,
)
from ..domain.orders import OrderSnapshot
from ..domain.settings import ProgramSettings
from ..errors import OrderError
from ..lock_objects import (
    lock_attribution_of_order,
    lock_distributor,
    lock_fraud_review,
    lock_order,
)
from ..models import (
    AttributionEvent,
    Distributor,
    DistributorEvent,
    FraudReview,
    GroupMember,
    ReferralAttribution,
    ReferralClick,
    Settlement,
)
from ..shop import CustomerContacts, get_shop, shop_time_zone
from .duties import refuse_own_money, require_staff_user
from .ledger import post_commission, settle_due

logger = logging.getLogger(__name__)

ADDRESS_PURPOSE = "fraud_address"
DEVICE_PURPOSE = "fraud_device"
# The storefront may send a device fingerprint beside the referral code, as `<key>_device`.
DEVICE_SUFFIX = "_device"
REJECTED_EVENT = "fraud_rejected"


def review_attribution(
    attribution: ReferralAttribution, order: OrderSnapshot, settings: ProgramSettings
) -> FraudReview | None:
    """Score a newly attributed order (inside the transaction that attributed it). None when the
    review is off or nobody earns on the order."""
    if not settings.fraud_review or attribution.seller_id is None:
        return None
    seller = Distributor.objects.get(pk=attribution.seller_id)
    address = normalize_address(order.shipping_address)
    device = str(order.metadata.get(settings.referral_metadata_key + DEVICE_SUFFIX) or "").strip()
    address_hashes = _hashes(address, ADDRESS_PURPOSE)
    device_hashes = _hashes(device, DEVICE_PURPOSE)
    contacts = get_shop().customer_contacts(seller.user_id) if seller.user_id else None
    evidence = _evidence(seller, order, settings, contacts, address, address_hashes, device_hashes)
    assessment = assess(
        evidence,
        FraudRules(
            hold_score=settings.fraud_hold_score,
            repeat_orders=settings.fraud_repeat_orders,
            conversion_factor=settings.fraud_conversion_factor,
        ),
    )
    review = FraudReview.objects.create(
        attribution=attribution,
        seller=seller,
        score=assessment.score,
        signals=[signal.value for signal in assessment.signals],
        status=FraudReview.Status.HELD if assessment.held else FraudReview.Status.CLEAR,
        address_hash=address_hashes[0] if address_hashes else "",
        device_hash=device_hashes[0] if device_hashes else "",
        placed_at=attribution.placed_at,
    )
    if assessment.held:
        AttributionEvent.objects.create(
            attribution=attribution,
            kind=AttributionEvent.Kind.FRAUD_HELD,
            actor="system",
            data={"score": review.score, "signals": review.signals},
        )
        logger.info(
            "Order %s: commission held for review (score %s: %s)",
            order.number,
            review.score,
            ", ".join(review.signals),
        )
    return review


def _evidence(
    seller: Distributor,
    order: OrderSnapshot,
    settings: ProgramSettings,
    contacts: CustomerContacts | None,
    address: str | None,
    address_hashes: list[str],
    device_hashes: list[str],
) -> FraudEvidence:
    own_addresses = {normalize_address(text) for text in (contacts.addresses if contacts else ())}
    own_phones = {
        normalize_phone_for_comparison(phone)
        for phone in (seller.phone, *(contacts.phones if contacts else ()))
    }
    own_emails = {
        normalize_email(email) for email in (seller.email, *(contacts.emails if contacts else ()))
    }
    phone = normalize_phone_for_comparison(order.shipping_phone)
    window_start = order.placed_at - timedelta(days=settings.fraud_window_days)
    in_window = FraudReview.objects.filter(
        placed_at__gte=window_start, placed_at__lte=order.placed_at
    )
    earlier = FraudReview.objects.filter(seller=seller)
    seller_addresses = set(
        earlier.exclude(address_hash="").values_list("address_hash", flat=True).distinct()
    )
    distributor_conversion, shop_conversion, seller_orders = _conversions(
        seller, window_start, order.placed_at
    )
    return FraudEvidence(
        shipping_matches_distributor=address is not None and address in own_addresses,
        phone_matches_distributor=phone is not None and phone in own_phones,
        payment_email_matches_distributor=any(
            normalize_email(email) in own_emails - {None} for email in order.payment_emails
        ),
        orders_from_address=in_window.filter(address_hash__in=address_hashes).count() + 1
        if address_hashes
        else 0,
        orders_from_device=in_window.filter(device_hash__in=device_hashes).count() + 1
        if device_hashes
        else 0,
        distributor_is_new=seller.created_at
        >= order.placed_at - timedelta(days=settings.fraud_new_distributor_days),
        distributor_orders=earlier.count() + 1,
        # Each address counted once, whichever key hashed it: this order's hashes are its own.
        distributor_addresses=len(seller_addresses - set(address_hashes)) + 1
        if address_hashes
        else 0,
        distributor_orders_in_window=seller_orders,
        distributor_conversion=distributor_conversion,
        shop_conversion=shop_conversion,
    )


def _conversions(
    seller: Distributor, since: datetime, until: datetime
) -> tuple[Decimal | None, Decimal | None, int]:
    """Referred orders per click from `since` to `until`: the seller's, the shop's, and the
    seller's order count. The order being reviewed is already attributed, so it counts."""
    first_day = since.astimezone(shop_time_zone()).date()
    last_day = until.astimezone(shop_time_zone()).date()
    clicks = ReferralClick.objects.filter(day__gte=first_day, day__lte=last_day)
    orders = ReferralAttribution.objects.filter(
        seller__isnull=False, placed_at__gte=since, placed_at__lte=until
    )
    seller_clicks = clicks.filter(distributor=seller).count()
    shop_clicks = clicks.count()
    counted = orders.aggregate(all=Count("pk"), seller=Count("pk", filter=Q(seller=seller)))
    seller_orders = counted["seller"]
    return (
        Decimal(seller_orders) / seller_clicks if seller_clicks else None,
        Decimal(counted["all"]) / shop_clicks if shop_clicks else None,
        seller_orders,
    )


def _hashes(value: str | None, purpose: str) -> list[str]:
    """The value's keyed hashes under every configured key (first key first), or none when it
    is empty, or when no encryption key is set: the signals that need them are then skipped
    rather than the order's attribution failing."""
    if not value:
        return []
    try:
        return encryption.lookup_hashes(value, purpose=purpose)
    except encryption.EncryptionNotConfigured:
        logger.warning(
            "wfx: fraud review cannot compare addresses or devices: %s is not set",
            encryption.SETTING,
        )
        return []


def is_rejected(attribution: ReferralAttribution) -> bool:
    return FraudReview.objects.filter(
        attribution=attribution, status=FraudReview.Status.REJECTED
    ).exists()


# --- Staff decisions -------------------------------------------------------------------------
def allow_held_order(order_id: str, *, actor: str, reason: str = "") -> FraudReview:
    """Release a held order's commission to the normal course: confirmed when due (at once
    if its confirmation date has passed)."""
    require_staff_user(actor, "Allowing a held commission")
    with transaction.atomic():
        attribution, review = _held(order_id)
        _refuse_payees(attribution, actor, "release")
        _decide(review, FraudReview.Status.ALLOWED, actor, reason)
        AttributionEvent.objects.create(
            attribution=attribution,
            kind=AttributionEvent.Kind.FRAUD_ALLOWED,
            actor=actor[:128],
            reason=reason.strip()[:500],
        )
        due = list(
            Settlement.objects.filter(
                attribution=attribution, confirmed_at=None, confirm_due_at__lte=timezone.now()
            ).values_list("pk", flat=True)
        )
    if due:
        settle_due(settlement_ids=due)
    return review


def reject_held_order(
    order_id: str, *, actor: str, reason: str, settings: ProgramSettings
) -> FraudReview:
    """Reverse a held order's commission, every level of it, with the reason on the order's
    audit trail. Later events of the order post nothing again (reconciliation sees the
    rejection). An order of a group (拼团) no longer counts for it: the group is recounted, and
    its other orders lose the reward when it drops below its size."""
    with transaction.atomic():
        review = _reject(order_id, actor=actor, reason=reason, settings=settings)
    if GroupMember.objects.filter(attribution_id=review.attribution_id).exists():
        from .commissions import reconcile_order

        reconcile_order(get_shop(), order_id, settings, event=REJECTED_EVENT)
    return review


def _reject(order_id: str, *, actor: str, reason: str, settings: ProgramSettings) -> FraudReview:
    if not reason.strip():
        raise OrderError(
            _("Say why the commission is rejected."), code="reason_required", field="reason"
        )
    require_staff_user(actor, "Rejecting a held commission")
    attribution, review = _held(order_id)
    _refuse_payees(attribution, actor, "reject")
    _decide(review, FraudReview.Status.REJECTED, actor, reason)
    AttributionEvent.objects.create(
        attribution=attribution,
        kind=AttributionEvent.Kind.FRAUD_REJECTED,
        actor=actor[:128],
        reason=reason.strip()[:500],
    )
    plan = list(attribution.commission_lines.order_by("level", "id"))
    if plan:
        fulfilled_at = (
            Settlement.objects.filter(attribution=attribution)
            .values_list("fulfilled_at", flat=True)
            .first()
        )
        post_commission(
            attribution,
            plan,
            {(line.order_line_id, line.level): Decimal(0) for line in plan},
            event=REJECTED_EVENT,
            fulfilled_at=fulfilled_at,
            program=settings,
        )
    return review


def _held(order_id: str) -> tuple[ReferralAttribution, FraudReview]:
    lock_order(order_id)
    attribution = lock_attribution_of_order(order_id)
    review = lock_fraud_review(attribution.pk) if attribution is not None else None
    if attribution is None or review is None or review.status != FraudReview.Status.HELD:
        raise OrderError(
            _("This order's commission is not held for review."), code="not_held", field="orderId"
        )
    return attribution, review


def _refuse_payees(attribution: ReferralAttribution, actor: str, action: str) -> None:
    """Whoever earns any level of the order has a stake in the decision, not only its seller."""
    payees = {attribution.seller_id, attribution.upline_id, attribution.grand_upline_id} - {None}
    payees.update(attribution.commission_lines.values_list("distributor_id", flat=True))
    for distributor_id in sorted(payees):
        refuse_own_money(actor, distributor_id, action)


def _decide(review: FraudReview, status: str, actor: str, reason: str) -> None:
    review.status = status
    review.decided_by = actor[:128]
    review.decided_at = timezone.now()
    review.reason = reason.strip()[:500]
    review.save(update_fields=["status", "decided_by", "decided_at", "reason"])


# --- Freezing a balance ----------------------------------------------------------------------
@transaction.atomic
def set_balance_frozen(
    distributor: Distributor, *, frozen: bool, actor: str, reason: str
) -> Distributor:
    """Freeze (or unfreeze) a distributor's balance: while frozen no payout is requested or
    approved. Commission still accrues and settles. The reason goes on the audit trail."""
    if not reason.strip():
        raise OrderError(
            _("Say why the balance is frozen or unfrozen."), code="reason_required", field="reason"
        )
    require_staff_user(actor, "Freezing or unfreezing a balance")
    refuse_own_money(actor, distributor.pk, "freeze or unfreeze")
    distributor = lock_distributor(distributor.pk)
    if distributor.balance_frozen == frozen:
        return distributor
    distributor.balance_frozen = frozen
    distributor.save(update_fields=["balance_frozen", "updated_at"])
    DistributorEvent.objects.create(
        distributor=distributor,
        kind=DistributorEvent.Kind.BALANCE_FROZEN
        if frozen
        else DistributorEvent.Kind.BALANCE_UNFROZEN,
        actor=actor[:128],
        reason=reason.strip()[:500],
    )
    return distributor
