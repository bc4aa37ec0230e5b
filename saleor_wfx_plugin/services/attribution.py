"""Attributing an order to the distributor who referred it, once, and freezing the chain."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction

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
from ..domain.chain import ReferralChain
from ..domain.orders import OrderSnapshot
from ..domain.settings import ProgramSettings
from ..lock_objects import lock_attribution_of_order
from ..models import CustomerBinding, Distributor, ReferralAttribution
from ..selectors.programme import programme_active_at

logger = logging.getLogger(__name__)

# The storefront may send when the visitor followed the referral link, for the attribution window.
REFERRED_AT_SUFFIX = "_at"
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
    claim = ReferralClaim(
        code=normalize_code(raw_code),
        referred_at=_parse_referred_at(order, settings.referral_metadata_key),
    )
    key = customer_key(order.user_id, order.email)
    # The chain and the seller's grade come along: the attribution is made from them, and the
    # plan frozen from them when the order already earns.
    coded = (
        Distributor.objects.select_related(*CHAIN_RELATED).filter(code=claim.code).first()
        if claim.code
        else None
    )
    bound = (
        _bound_distributor(order.user_id, order.email, order.placed_at)
        if settings.customer_binding
        else None
    )
    decision = decide_attribution(
        claim=claim,
        coded_distributor=_view(coded),
        bound_distributor=_view(bound),
        buyer=Buyer(user_id=order.user_id, email=order.email),
        placed_at=order.placed_at,
        settings=settings,
    )
    if decision.source is AttributionSource.NONE and claim.code is None:
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
    sellers = {candidate.pk: candidate for candidate in (coded, bound) if candidate is not None}
    seller = sellers.get(decision.distributor_id) if decision.distributor_id is not None else None
    arguments = (order, decision, seller, key, str(raw_code or ""), claim)
    if order_locked:
        return _create_attribution(*arguments), True
    try:
        with transaction.atomic():
            return _create_attribution(*arguments), True
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
) -> ReferralAttribution:
    chain: ReferralChain[int] | None = None
    if decision.distributor_id is not None:
        if seller is None:
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
        source=decision.source,
        code_rejection=decision.code_rejection,
        upline_id=chain.upline if chain else None,
        grand_upline_id=chain.grand_upline if chain else None,
        placed_at=order.placed_at,
        referred_at=claim.referred_at,
    )


def bind_customer(attribution: ReferralAttribution, settings: ProgramSettings) -> None:
    """Bind the customer to the distributor whose code earned on this order. Called when the order
    first earns, never before: an unpaid checkout with somebody's e-mail must not capture them."""
    if (
        attribution.source != AttributionSource.CODE
        or attribution.seller_id is None
        or attribution.customer_key is None
        or not settings.customer_binding
        or settings.customer_binding_days <= 0
    ):
        return
    binding = {
        "distributor_id": attribution.seller_id,
        "bound_at": attribution.placed_at,
        "expires_at": attribution.placed_at + timedelta(days=settings.customer_binding_days),
        "source_order_id": attribution.order_id,
    }
    _bind(attribution.customer_key, binding, lapsed_before=attribution.placed_at)


def _bind(key: str, binding: dict[str, object], *, lapsed_before: datetime) -> None:
    """Bind `key` unless a binding in force holds it: a lapsed one is taken over by the
    distributor who referred the customer now; one in force is never replaced (the first
    referrer keeps the customer). One statement, whoever else binds the same key at once."""
    fields = {"customer_key": key, **binding}
    meta = CustomerBinding._meta
    columns = [meta.get_field(name).column for name in fields]
    values = [
        meta.get_field(name).get_db_prep_save(value, connection) for name, value in fields.items()
    ]
    lapsed = meta.get_field("expires_at").get_db_prep_save(lapsed_before, connection)
    # ON CONFLICT … DO UPDATE … WHERE: PostgreSQL and SQLite alike; the ORM cannot say WHERE.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {meta.db_table} ({', '.join(columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT (customer_key) DO UPDATE SET "
            + ", ".join(f"{column} = excluded.{column}" for column in columns[1:])
            + f" WHERE {meta.db_table}.expires_at <= %s",
            [*values, lapsed],
        )


def _bound_distributor(user_id: str | None, email: str | None, at: datetime) -> Distributor | None:
    """The distributor the customer is bound to at `at`: by their Saleor user, else by e-mail
    (both keys in one query).

    A guest bound by e-mail who later orders logged in (same e-mail) stays bound: the binding
    is copied to the user, so it follows them if they change their e-mail. The e-mail binding
    stays too, for their guest checkouts; both end at the same moment."""
    user_key = customer_key(user_id, None)
    email_key = customer_key(None, email)
    keys = [key for key in (user_key, email_key) if key is not None]
    if not keys:
        return None
    in_force = {
        binding.customer_key: binding
        for binding in CustomerBinding.objects.select_related(
            *(f"distributor__{related}" for related in CHAIN_RELATED)
        ).filter(customer_key__in=keys, bound_at__lte=at, expires_at__gt=at)
    }
    if user_key in in_force:
        return in_force[user_key].distributor
    binding = in_force.get(email_key) if email_key is not None else None
    if binding is None:
        return None
    if user_key is not None:
        _carry_binding_to_user(binding, user_key, at)
    return binding.distributor


def _carry_binding_to_user(binding: CustomerBinding, user_key: str, at: datetime) -> None:
    carried = {
        "distributor_id": binding.distributor_id,
        "bound_at": binding.bound_at,
        "expires_at": binding.expires_at,
        "source_order_id": binding.source_order_id,
    }
    # The user's own binding, lapsed, gives way as in bind_customer; one not yet begun (from an
    # order placed later but reconciled first) is left alone: the unique key allows one.
    _bind(user_key, carried, lapsed_before=at)


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
