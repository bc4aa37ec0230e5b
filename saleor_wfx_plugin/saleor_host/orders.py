"""Saleor's orders as the programme's `OrderSnapshot`: which orders can be in the programme at
all, their lines, payment state and shipment. What was given back on them is `refunds`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ..domain.commission import OrderLineSnapshot, RefundState, goods_total
from ..domain.orders import OrderSnapshot
from ..domain.settings import ProgramSettings
from . import customers
from .refunds import (
    charged_back_amount,
    gift_card_payments,
    refunded_amount,
    refunded_line_quantities,
    refunded_shipping,
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
