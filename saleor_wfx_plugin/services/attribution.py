"""Attributing an order to the distributor who referred it, once, and freezing the chain."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction

from ..domain.attribution import (
    AttributionDecision,
    AttributionSource,
    Buyer,
    DistributorStatus,
    DistributorView,
    ReferralClaim,
    RejectionReason,
    customer_key,
    decide_attribution,
    normalize_code,
)
from ..domain.binding import BindingView, binding_after_order, protects
from ..domain.chain import ReferralChain
from ..domain.orders import OrderSnapshot
from ..domain.settings import ProgramSettings
from ..lock_objects import lock_attribution_of_order
from ..models import CustomerBinding, Distributor, DistributorVoucher, ReferralAttribution
from ..selectors.programme import programme_active_at
from .fraud import review_attribution
from .groups import group_named_by

logger = logging.getLogger(__name__)

# The storefront may send when the visitor followed the referral link, for the attribution window.
REFERRED_AT_SUFFIX = "_at"
# Orders that may bind, move or renew a binding: through a code or voucher, or the binding
# itself (a repeat order renews). Staff attributions never do.
BINDING_SOURCES = (AttributionSource.CODE, AttributionSource.VOUCHER, AttributionSource.BINDING)
# What is read along with a seller: their grade, upline and grand upline.
CHAIN_RELATED = ("grade", "upline__upline")


def attribute_order(order: OrderSnapshot, settings: ProgramSettings) -> ReferralAttribution | None:
    """The order's attribution, deciding it the first time the order is seen.

    Returns None for an order that arrived with no code and no binding: such orders leave no row,
    so a shop's ordinary orders cost the programme nothing. Everything else is recorded, a
    rejected code with its reason.
    """
    return attribute_order_once(order, settings)[0]


def attribute_order_once(
    order: OrderSnapshot, settings: ProgramSettings, *, order_locked: bool = False
) -> tuple[ReferralAttribution | None, bool]:
    """`attribute_order`, and whether the attribution was created now: a row this transaction
    created has nothing recorded against it yet and nobody else can see it, which spares
    reconciliation its lock and several reads. `order_locked`: the caller holds the order's
    lock (`lock_objects.lock_order`), so no other worker can attribute the order meanwhile and
    the insert needs no savepoint to fall back on; an existing attribution is then returned
    locked."""
    existing = (
        # Under the order's lock the row is locked as it is read (lock_objects, step 5).
        lock_attribution_of_order(order.order_id)
        if order_locked
        else ReferralAttribution.objects.filter(order_id=order.order_id).first()
    )
    if existing is not None:
        return existing, False

    raw_code = order.metadata.get(settings.referral_metadata_key)
    if raw_code is None:
        # A group's code (拼团) refers the shopper to the distributor who started the group.
        group = group_named_by(order, settings)
        if group is not None:
            raw_code = group.distributor.code
    claim = ReferralClaim(
        code=normalize_code(raw_code),
        referred_at=_parse_referred_at(order, settings.referral_metadata_key),
    )
    key = customer_key(order.user_id, order.email)
    binding = (
        _binding_in_force(order.user_id, order.email, order.placed_at)
        if settings.customer_binding
        else None
    )
    voucher = _distributor_voucher(order.voucher_code)
    # The chain and the seller's grade come along: the attribution is made from them, and the
    # plan frozen from them when the order already earns.
    coded = (
        Distributor.objects.select_related(*CHAIN_RELATED).filter(code=claim.code).first()
        if claim.code
        else None
    )
    bound = binding.distributor if binding is not None else None
    decision = decide_attribution(
        claim=claim,
        coded_distributor=_view(coded),
        bound_distributor=_view(bound),
        binding_protected=binding is not None
        and protects(_binding_view(binding), order.placed_at, settings),
        voucher_distributor=_view(voucher.distributor) if voucher is not None else None,
        buyer=Buyer(user_id=order.user_id, email=order.email),
        placed_at=order.placed_at,
        settings=settings,
    )
    if decision.source is AttributionSource.NONE and claim.code is None and voucher is None:
        return None, False
    if not programme_active_at(order.placed_at):
        # Placed while the merchant had the programme off (or before it was first on): recorded
        # with the reason and frozen without a seller, so no later event, sweep or switch-on
        # makes it earn. Staff may still attribute it by hand (services.manual_attribution).
        decision = AttributionDecision(
            distributor_id=None,
            source=AttributionSource.NONE,
            code_rejection=RejectionReason.PROGRAMME_OFF,
        )
    if decision.code_rejection is not None:
        logger.info(
            "Order %s: referral code %r not honoured (%s)",
            order.number,
            raw_code,
            decision.code_rejection.value,
        )
    candidates = (coded, bound, voucher.distributor if voucher is not None else None)
    sellers = {candidate.pk: candidate for candidate in candidates if candidate is not None}
    seller = sellers.get(decision.distributor_id) if decision.distributor_id is not None else None
    voucher_code = voucher.code if voucher is not None else ""

    def create() -> ReferralAttribution:
        attribution = _create_attribution(
            order, decision, seller, key, str(raw_code or ""), claim, voucher_code
        )
        review_attribution(attribution, order, settings)
        return attribution

    if order_locked:
        return create(), True
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        # Another worker attributed the same order first; theirs stands.
        return ReferralAttribution.objects.get(order_id=order.order_id), False


def _create_attribution(
    order: OrderSnapshot,
    decision: AttributionDecision,
    seller: Distributor | None,
    key: str | None,
    raw_code: str,
    claim: ReferralClaim,
    voucher_code: str,
) -> ReferralAttribution:
    chain: ReferralChain[int] | None = None
    if decision.distributor_id is not None:
        if seller is None or seller.pk != decision.distributor_id:
            seller = Distributor.objects.select_related(*CHAIN_RELATED).get(
                pk=decision.distributor_id
            )
        ancestry = [seller.pk, seller.upline_id, seller.upline.upline_id if seller.upline else None]
        chain = ReferralChain.from_ancestry([pk for pk in ancestry if pk is not None])
    return ReferralAttribution.objects.create(
        # The seller object, not only its id: reconciliation reads the chain from it.
        seller=seller if chain else None,
        order_id=order.order_id,
        order_number=order.number,
        channel_slug=order.channel_slug,
        currency=order.currency,
        customer_key=key,
        submitted_code=raw_code[:64],
        voucher_code=voucher_code,
        source=decision.source,
        code_rejection=decision.code_rejection,
        upline_id=chain.upline if chain else None,
        grand_upline_id=chain.grand_upline if chain else None,
        placed_at=order.placed_at,
        referred_at=claim.referred_at,
    )


def bind_customer(
    attribution: ReferralAttribution, settings: ProgramSettings, *, customer_paid_before: bool
) -> None:
    """Bind (or move, or renew) the customer's binding after an order that earns, as the
    binding mode says (domain/binding.py). Called when the order first earns, never before: an
    unpaid checkout with somebody's e-mail must not capture them."""
    if (
        attribution.seller_id is None
        or attribution.customer_key is None
        or attribution.source not in BINDING_SOURCES
    ):
        return
    current = CustomerBinding.objects.filter(customer_key=attribution.customer_key).first()
    change = binding_after_order(
        current=_binding_view(current) if current is not None else None,
        seller_id=attribution.seller_id,
        source=AttributionSource(attribution.source),
        placed_at=attribution.placed_at,
        buyer_paid_before=customer_paid_before,
        settings=settings,
    )
    if change is None:
        return
    CustomerBinding.objects.update_or_create(
        customer_key=attribution.customer_key,
        defaults={
            "distributor_id": change.distributor_id,
            "bound_at": change.bound_at,
            "expires_at": change.expires_at,
            "source_order_id": attribution.order_id,
        },
    )


def _binding_view(binding: CustomerBinding) -> BindingView:
    return BindingView(
        distributor_id=binding.distributor_id,
        bound_at=binding.bound_at,
        expires_at=binding.expires_at,
    )


def _distributor_voucher(code: str | None) -> DistributorVoucher | None:
    if not code:
        return None
    return DistributorVoucher.objects.select_related("distributor").filter(code=code).first()


def _binding_in_force(
    user_id: str | None, email: str | None, at: datetime
) -> CustomerBinding | None:
    """The customer's binding in force at `at`: by their Saleor user, else by e-mail.

    A guest bound by e-mail who later orders logged in (same e-mail) stays bound: the binding
    is copied to the user, so it follows them if they change their e-mail. The e-mail binding
    stays too, for their guest checkouts; both end at the same moment."""
    user_key = customer_key(user_id, None)
    email_key = customer_key(None, email)
    in_force = CustomerBinding.objects.select_related(
        *(f"distributor__{related}" for related in CHAIN_RELATED)
    ).filter(bound_at__lte=at, expires_at__gt=at)
    if user_key is not None:
        binding = in_force.filter(customer_key=user_key).first()
        if binding is not None:
            return binding
    if email_key is None:
        return None
    binding = in_force.filter(customer_key=email_key).first()
    if binding is None:
        return None
    if user_key is not None:
        _carry_binding_to_user(binding, user_key, at)
    return binding


def _carry_binding_to_user(binding: CustomerBinding, user_key: str, at: datetime) -> None:
    carried = {
        "distributor_id": binding.distributor_id,
        "bound_at": binding.bound_at,
        "expires_at": binding.expires_at,
        "source_order_id": binding.source_order_id,
    }
    # The user's own binding, lapsed, gives way as in bind_customer; one not yet begun (from an
    # order placed later but reconciled first) is left alone: the unique key allows one.
    renewed = CustomerBinding.objects.filter(customer_key=user_key, expires_at__lte=at).update(
        **carried
    )
    if not renewed:
        CustomerBinding.objects.get_or_create(customer_key=user_key, defaults=carried)


def _view(distributor: Distributor | None) -> DistributorView | None:
    if distributor is None:
        return None
    return DistributorView(
        id=distributor.pk,
        status=DistributorStatus(distributor.status),
        user_id=distributor.user_id,
        email=distributor.email or None,
    )


def _parse_referred_at(order: OrderSnapshot, code_key: str) -> datetime | None:
    """When the visitor followed the link, as the storefront says; a moment after the order
    (a wrong clock, or a shopper editing metadata) counts as the order's own time."""
    raw = order.metadata.get(code_key + REFERRED_AT_SUFFIX)
    if not raw:
        return None
    try:
        referred_at = datetime.fromisoformat(str(raw))
    except ValueError:
        logger.warning(
            "Order %s: ignoring unreadable %s%s=%r", order.number, code_key, REFERRED_AT_SUFFIX, raw
        )
        return None
    if referred_at.tzinfo is None:
        logger.warning(
            "Order %s: ignoring %s%s without a time zone",
            order.number,
            code_key,
            REFERRED_AT_SUFFIX,
        )
        return None
    if referred_at > order.placed_at:
        logger.warning(
            "Order %s: %s%s=%s is after the order; counted as the order's time",
            order.number,
            code_key,
            REFERRED_AT_SUFFIX,
            raw,
        )
        return order.placed_at
    return referred_at
