"""Reads Saleor's models into the programme's plain snapshots (`shop.ShopBackend` for Saleor).

Everything Saleor-specific about orders, refunds and the plugin's configuration lives here, so a
move from plugin hooks to App webhooks (Saleor has deprecated the hooks) is a contained change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..domain.commission import GiftCardPayment, OrderLineSnapshot, RefundState, goods_total
from ..domain.money import Money
from ..domain.orders import OrderSnapshot
from ..domain.settings import ProgramSettings
from ..shop import CustomerContacts, OrderCursor, ProductCard, stored_settings
from . import customers, version
from .routes import PLUGIN_ID

logger = logging.getLogger(__name__)


def configuration_to_mapping(configuration: Iterable[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {item["name"]: item.get("value") for item in configuration or ()}


class SaleorShop:
    def writer_access(self) -> AbstractContextManager[object]:
        from saleor.core.db.connection import allow_writer

        return allow_writer()

    def program_settings(self) -> ProgramSettings | None:
        from saleor.plugins.manager import get_plugins_manager

        from ..services.programme_history import observe_programme_state

        plugin = get_plugins_manager(allow_replica=False).get_plugin(PLUGIN_ID)
        switched_on = plugin is not None and bool(plugin.active)
        # The merchant's switch is history whatever else holds the programme still: an
        # unsupported Saleor pauses it, but the orders of the pause were placed while it was on.
        observe_programme_state(switched_on)
        if not switched_on or not version.host_saleor_supported:
            return None
        return ProgramSettings.from_mapping(configuration_to_mapping(plugin.configuration))

    def storefront_traffic_allowed(self) -> bool:
        # Saleor's own reading: cached for minutes, and refreshed at once by shopSettingsUpdate.
        from saleor.graphql.storefront_traffic import get_allow_storefront_traffic

        return bool(get_allow_storefront_traffic())

    def stored_program_settings(self) -> ProgramSettings:
        from saleor.plugins.manager import get_plugins_manager

        plugin = get_plugins_manager(allow_replica=False).get_plugin(PLUGIN_ID)
        if plugin is None:
            return ProgramSettings()
        return stored_settings(configuration_to_mapping(plugin.configuration))

    def load_order(self, order_id: str, program: ProgramSettings) -> OrderSnapshot | None:
        from saleor.order.models import Order

        orders = programme_candidates(Order.objects.filter(pk=order_id), program)
        order = (
            orders.select_related("channel", "shipping_address")
            .prefetch_related("lines__variant__product", "payments")
            .first()
        )
        if order is None:
            return None
        snapshot = order_snapshot(order)
        if program.customer_binding_new_customers_only:
            snapshot = replace(snapshot, customer_paid_before=customers.customer_paid_before(order))
        return snapshot

    def customer_contacts(self, user_id: str) -> CustomerContacts:
        return customers.customer_contacts(user_id)

    def create_voucher(
        self,
        *,
        name: str,
        codes: list[str],
        channel_slug: str,
        discount_type: str,
        discount_value: Decimal,
    ) -> str:
        return customers.create_voucher(
            name=name,
            codes=codes,
            channel_slug=channel_slug,
            discount_type=discount_type,
            discount_value=discount_value,
        )

    def may_be_in_programme(self, order_id: str, program: ProgramSettings) -> bool:
        from saleor.order.models import Order

        return bool(programme_candidates(Order.objects.filter(pk=order_id), program).exists())

    def changed_orders(
        self, after: OrderCursor, program: ProgramSettings, *, limit: int
    ) -> list[OrderCursor]:
        """Saleor's `Order.updated_at` is indexed and moves with every change that can alter
        commission: payments and refunds through transactions or legacy payments, charge-backs,
        granted refunds, cancellation and fulfilment all save it. (Expiry does not, through a
        queryset update, but an expired order was never paid and never earned.)"""
        from django.db.models import Q
        from saleor.order import OrderStatus
        from saleor.order.models import Order

        later = Q(updated_at__gt=after.changed_at)
        later |= (
            Q(updated_at=after.changed_at, pk__gt=after.order_id)
            if after.order_id
            else Q(updated_at=after.changed_at)
        )
        changed = Order.objects.filter(later).exclude(status=OrderStatus.DRAFT)
        rows = (
            programme_candidates(changed, program)
            .order_by("updated_at", "pk")
            .values_list("updated_at", "pk")[:limit]
        )
        return [OrderCursor(changed_at, str(order_id)) for changed_at, order_id in rows]

    def product_card(self, product_id: str, channel_slug: str | None) -> ProductCard | None:
        import hashlib

        from django.conf import settings
        from django.db.models import Min
        from graphql_relay import from_global_id
        from saleor.channel.models import Channel
        from saleor.product import ProductMediaTypes
        from saleor.product.models import (
            Product,
            ProductChannelListing,
            ProductVariantChannelListing,
        )

        try:
            node_type, pk = from_global_id(product_id)
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        if node_type != "Product":
            return None
        # A poster only reads: the replica, as Saleor's own query resolvers do.
        database = settings.DATABASE_CONNECTION_REPLICA_NAME
        channels = Channel.objects.using(database).filter(is_active=True)
        channel = (
            channels.filter(slug=channel_slug) if channel_slug else channels.order_by("slug")
        ).first()
        if channel is None:
            return None
        # What an anonymous storefront visitor may open: published, with a priced variant.
        product = (
            Product.objects.using(database)
            .published_with_variants(channel)
            .filter(pk=pk)
            .prefetch_related("media")
            .first()
        )
        if product is None:
            return None

        listing = (
            ProductChannelListing.objects.using(database)
            .filter(product_id=product.pk, channel_id=channel.pk)
            .first()
        )
        price = None
        if listing is not None and listing.discounted_price_amount is not None:
            price = Money(listing.discounted_price_amount, listing.currency)
        else:
            lowest = (
                ProductVariantChannelListing.objects.using(database)
                .filter(
                    variant__product_id=product.pk,
                    channel_id=channel.pk,
                    price_amount__isnull=False,
                )
                .aggregate(lowest=Min("price_amount"))["lowest"]
            )
            if lowest is not None:
                price = Money(lowest, channel.currency_code)

        image = None
        media = next(
            (
                item
                for item in product.media.all()
                if item.type == ProductMediaTypes.IMAGE and item.image
            ),
            None,
        )
        if media is not None:
            # Storage may be S3 or a disk that lost the file: a poster without the image beats
            # no poster. Anything above 20 MB is no product photo a poster needs.
            limit = 20 * 1024 * 1024
            try:
                with media.image.storage.open(media.image.name, "rb") as stored:
                    image = stored.read(limit + 1)
            except Exception:
                logger.warning(
                    "wfx.distribution: cannot read image %s of product %s for a poster",
                    media.image.name,
                    product.pk,
                    exc_info=True,
                )
                image = None
            if image is not None and len(image) > limit:
                image = None

        version = hashlib.sha256(
            "\x1f".join(
                (
                    product.name,
                    str(price or ""),
                    media.image.name if media is not None else "",
                    product.updated_at.isoformat(),
                )
            ).encode()
        ).hexdigest()[:16]
        return ProductCard(
            product_id=str(product.pk),
            name=product.name,
            path=f"/products/{product.slug}",
            price=price,
            image=image,
            version=version,
        )


def programme_candidates(orders: Any, program: ProgramSettings) -> Any:
    """Narrow Saleor orders to those that can be in the programme: a referral code in metadata,
    an attribution already made, or a customer bound to a distributor. One indexed query, so the
    hooks of a shop's ordinary orders, and the sweep, cost next to nothing."""
    from django.db.models import CharField, Exists, OuterRef, Q, Value
    from django.db.models.functions import Cast, Concat, Lower

    from ..models import CustomerBinding, DistributorVoucher, ReferralAttribution

    candidates = orders.annotate(
        wfx_user_key=Concat(
            Value("user:"), Cast("user_id", output_field=CharField()), output_field=CharField()
        ),
        wfx_email_key=Concat(Value("email:"), Lower("user_email"), output_field=CharField()),
    )
    condition = (
        Q(metadata__has_key=program.referral_metadata_key)
        | Q(metadata__has_key=program.group_metadata_key)
    ) | Exists(ReferralAttribution.objects.filter(order_id=OuterRef("pk")))
    # An order with a distributor's voucher is theirs even without a code in its metadata.
    condition |= Q(voucher_code__in=DistributorVoucher.objects.values("code"))
    if program.customer_binding:
        condition |= Exists(
            CustomerBinding.objects.filter(customer_key=OuterRef("wfx_user_key"))
        ) | Exists(CustomerBinding.objects.filter(customer_key=OuterRef("wfx_email_key")))
    return candidates.filter(condition)


def order_snapshot(order: Any) -> OrderSnapshot:
    from saleor.order import OrderStatus

    lines = list(order.lines.all())
    order_lines = tuple(_line_snapshot(line) for line in lines)
    unit_gross = {str(line.pk): line.unit_price_gross_amount for line in lines}
    gift_card_lines = {str(line.pk) for line in lines if line.is_gift_card}
    named = refunded_line_quantities(order)
    # A refunded gift-card line gives back money for a card, not for goods that earned.
    refunded_quantities = {
        line_id: quantity for line_id, quantity in named.items() if line_id not in gift_card_lines
    }
    refunded_cards = sum(
        (
            unit_gross[line_id] * quantity
            for line_id, quantity in named.items()
            if line_id in gift_card_lines
        ),
        Decimal(0),
    )
    # A chargeback is money given back like a refund, though Saleor records it only by lowering
    # the charged amount.
    given_back = refunded_amount(order) + charged_back_amount(order)
    total = order.total_gross_amount
    charged = order.total_charged_amount or Decimal(0)
    # Money given back lowers what counts as charged; what was charged before any of it tells
    # whether the order was ever paid in full. Saleor's charge_status is not used: it reads FULL
    # when charged = total - *granted* refunds, even if no money for the granted part arrived.
    charged_before_refunds = charged + given_back
    # Nothing left to charge (free goods, or gift cards covering it all: Saleor's total is after
    # gift cards) counts as paid.
    fully_paid = total <= 0 or charged_before_refunds >= total
    return OrderSnapshot(
        order_id=str(order.pk),
        number=str(order.number),
        channel_slug=order.channel.slug,
        currency=order.currency,
        placed_at=order.created_at,
        user_id=str(order.user_id) if order.user_id else None,
        email=order.user_email or None,
        metadata=dict(order.metadata or {}),
        lines=order_lines,
        is_paid=fully_paid or charged_before_refunds > 0,
        is_fully_paid=fully_paid,
        cancelled=order.status in (OrderStatus.CANCELED, OrderStatus.EXPIRED),
        # Staff may still edit an unconfirmed order's lines; it earns once confirmed.
        awaiting_confirmation=order.status == OrderStatus.UNCONFIRMED,
        refunds=RefundState(
            refunded_amount=given_back,
            order_total=total,
            refunded_quantities=refunded_quantities,
            refunded_line_values={
                line_id: unit_gross[line_id] * quantity
                for line_id, quantity in refunded_quantities.items()
                if line_id in unit_gross
            },
            fully_refunded=total > 0 and given_back >= total,
            goods_total=goods_total(order_lines),
            refunded_outside_goods=refunded_shipping(order) + refunded_cards,
            gift_cards=gift_card_payments(order),
        ),
        fulfilled_at=fulfilled_at(order),
        voucher_code=order.voucher_code or None,
        shipping_address=customers.flat_address(order.shipping_address)
        if order.shipping_address
        else None,
        shipping_phone=str(order.shipping_address.phone)
        if order.shipping_address and order.shipping_address.phone
        else None,
        payment_emails=tuple(
            payment.billing_email for payment in order.payments.all() if payment.billing_email
        ),
    )


def fulfilled_at(order: Any) -> datetime | None:
    """When the last shipment went out, for an order Saleor counts as fulfilled (returns come
    later and are refunds, which reverse commission on their own).

    Saleor's "items fulfilled" event marks the shipment, not a fulfillment's created_at: a
    fulfillment that needs approval is created before it ships, and a return or refund moves
    the shipped lines into a new RETURNED or REFUNDED fulfillment and deletes the emptied
    original, which would restart the hold at the return."""
    from django.db.models import Max
    from saleor.order import FulfillmentStatus, OrderEvents, OrderStatus

    if order.status not in (
        OrderStatus.FULFILLED,
        OrderStatus.PARTIALLY_RETURNED,
        OrderStatus.RETURNED,
    ):
        return None
    shipped: datetime | None = order.events.filter(
        type=OrderEvents.FULFILLMENT_FULFILLED_ITEMS
    ).aggregate(latest=Max("date"))["latest"]
    if shipped is not None:
        return shipped
    # Orders imported with orderBulkCreate carry fulfillments but no such event.
    latest: datetime | None = order.fulfillments.exclude(
        status=FulfillmentStatus.CANCELED
    ).aggregate(latest=Max("created_at"))["latest"]
    return latest or order.updated_at


def _line_snapshot(line: Any) -> OrderLineSnapshot:
    product = line.variant.product if line.variant is not None else None
    return OrderLineSnapshot(
        line_id=str(line.pk),
        quantity=line.quantity,
        net_amount=line.total_price_net_amount,
        gross_amount=line.total_price_gross_amount,
        product_id=str(product.pk) if product is not None else None,
        category_id=str(product.category_id) if product and product.category_id else None,
        product_name=line.product_name,
        is_gift_card=bool(line.is_gift_card),
    )


def refunded_amount(order: Any) -> Decimal:
    """Money given back on the order: transaction items' refunded value plus successful refunds
    of every legacy payment. (Saleor's own check for ORDER_FULLY_REFUNDED in
    `saleor/order/actions.py::order_refunded` looks at the last payment only; an order paid in
    several legacy payments needs them all.)"""
    from saleor.payment import TransactionKind

    total = sum(order.payment_transactions.values_list("refunded_value", flat=True), Decimal(0))
    for payment in order.payments.all():
        total += sum(
            payment.transactions.filter(kind=TransactionKind.REFUND, is_success=True).values_list(
                "amount", flat=True
            ),
            Decimal(0),
        )
    return total


def refunded_line_quantities(order: Any) -> dict[str, int]:
    """Quantities per line where Saleor records which lines were refunded: refunded fulfillments
    (legacy refunds) and granted refunds whose transaction refund went through."""
    from saleor.order import FulfillmentStatus, OrderGrantedRefundStatus
    from saleor.order.models import FulfillmentLine, OrderGrantedRefundLine

    quantities: dict[str, int] = {}
    fulfillment_lines = FulfillmentLine.objects.filter(
        fulfillment__order=order,
        fulfillment__status__in=[
            FulfillmentStatus.REFUNDED,
            FulfillmentStatus.REFUNDED_AND_RETURNED,
        ],
    ).values_list("order_line_id", "quantity")
    granted_lines = OrderGrantedRefundLine.objects.filter(
        granted_refund__order=order,
        granted_refund__status=OrderGrantedRefundStatus.SUCCESS,
    ).values_list("order_line_id", "quantity")
    for line_id, quantity in [*fulfillment_lines, *granted_lines]:
        quantities[str(line_id)] = quantities.get(str(line_id), 0) + quantity
    return quantities


def charged_back_amount(order: Any) -> Decimal:
    """Money the payment providers took back in chargebacks, counted as Saleor counts it when it
    lowers a transaction's charged value (`saleor/payment/transaction_item_calculations.py`):
    every CHARGE_BACK event without a PSP reference, and the latest one per PSP reference."""
    from saleor.payment import TransactionEventType
    from saleor.payment.models import TransactionEvent

    events = (
        TransactionEvent.objects.filter(
            transaction__order_id=order.pk,
            type=TransactionEventType.CHARGE_BACK,
            include_in_calculations=True,
        )
        .order_by("created_at", "pk")
        .values_list("transaction_id", "psp_reference", "amount_value")
    )
    unreferenced = Decimal(0)
    latest_by_reference: dict[tuple[int, str], Decimal] = {}
    for transaction_id, psp_reference, amount in events:
        if psp_reference:
            latest_by_reference[(transaction_id, psp_reference)] = amount
        else:
            unreferenced += amount
    return unreferenced + sum(latest_by_reference.values(), Decimal(0))


def refunded_shipping(order: Any) -> Decimal:
    """The part of the refunds Saleor marks as shipping: granted refunds that include shipping
    costs (their money covers the named lines first, then shipping) and legacy refunds of a
    fulfillment with a shipping amount. Never more than the order's shipping."""
    from saleor.order import FulfillmentStatus, OrderGrantedRefundStatus
    from saleor.order.models import Fulfillment

    shipping = Decimal(0)
    granted = order.granted_refunds.filter(
        status=OrderGrantedRefundStatus.SUCCESS, shipping_costs_included=True
    ).prefetch_related("lines__order_line")
    for refund in granted:
        for_lines = sum(
            (
                line.order_line.unit_price_gross_amount * line.quantity
                for line in refund.lines.all()
            ),
            Decimal(0),
        )
        shipping += min(
            order.shipping_price_gross_amount, max(refund.amount_value - for_lines, Decimal(0))
        )
    legacy = Fulfillment.objects.filter(
        order=order,
        status__in=[FulfillmentStatus.REFUNDED, FulfillmentStatus.REFUNDED_AND_RETURNED],
        shipping_refund_amount__isnull=False,
    ).values_list("shipping_refund_amount", flat=True)
    shipping += sum(legacy, Decimal(0))
    return min(shipping, max(order.shipping_price_gross_amount, Decimal(0)))


def gift_card_payments(order: Any) -> tuple[GiftCardPayment, ...]:
    """What each gift card paid for the order and what refunds put back on it, from Saleor's
    gift card events (both the legacy promo-code path and the gift-card payment gateway record
    USED_IN_ORDER with the balance before and after). A card is bought when a customer paid for
    it on an order (a BOUGHT event, or the fulfilment line it was issued from); any other card
    was issued by staff or an app: promotional."""
    from django.db.models import Exists, OuterRef, Q
    from saleor.giftcard import GiftCardEvents
    from saleor.giftcard.models import GiftCard, GiftCardEvent

    used: dict[int, Decimal] = {}
    put_back: dict[int, Decimal] = {}
    events = GiftCardEvent.objects.filter(
        order_id=order.pk,
        type__in=[GiftCardEvents.USED_IN_ORDER, GiftCardEvents.REFUNDED_IN_ORDER],
    ).values_list("gift_card_id", "type", "parameters")
    for card_id, kind, parameters in events:
        balance = (parameters or {}).get("balance") or {}
        try:
            before = Decimal(str(balance["old_current_balance"]))
            after = Decimal(str(balance["current_balance"]))
        except (KeyError, ArithmeticError, ValueError):
            logger.warning(
                "wfx.distribution: gift card event of card %s on order %s has no balance",
                card_id,
                order.pk,
            )
            continue
        if kind == GiftCardEvents.USED_IN_ORDER:
            used[card_id] = used.get(card_id, Decimal(0)) + (before - after)
        else:
            put_back[card_id] = put_back.get(card_id, Decimal(0)) + (after - before)
    cards = sorted(set(used) | set(put_back))
    if not cards:
        return ()
    bought = set(
        GiftCard.objects.filter(pk__in=cards)
        .filter(
            Q(fulfillment_line__isnull=False)
            | Exists(
                GiftCardEvent.objects.filter(
                    gift_card_id=OuterRef("pk"), type=GiftCardEvents.BOUGHT
                )
            )
        )
        .values_list("pk", flat=True)
    )
    return tuple(
        GiftCardPayment(
            amount=used.get(card, Decimal(0)),
            bought=card in bought,
            refunded=put_back.get(card, Decimal(0)),
        )
        for card in cards
    )
