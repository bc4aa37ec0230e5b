"""Money given back on a Saleor order, as Saleor records it: refunds through transactions and
legacy payments, the lines they name, charge-backs, shipping refunds and gift cards."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from ..domain.commission import GiftCardPayment

logger = logging.getLogger(__name__)


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
