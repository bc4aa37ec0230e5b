"""Money given back that Saleor does not see, and the order's money as reconciliation reads it.

A refund made in the payment provider's own console never reaches Saleor, so commission on it
would stay and be paid. Staff record it here (`reverse_order_commission`); reconciliation adds
every recorded refund to the order's refunds on each run (`with_recorded_refunds`), because it
posts to a target: a refund that were not part of the target would be accrued back by the next
event.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from ..domain.money import quantize
from ..domain.orders import OrderSnapshot
from ..domain.settings import ProgramSettings
from ..errors import OrderError
from ..lock_objects import lock_order
from ..models import ExternalRefund, ReferralAttribution
from ..shop import ShopBackend
from .distributors import clean_reason

EXTERNAL_REFUND_EVENT = "external_refund"
MAX_IDEMPOTENCY_KEY_LENGTH = ExternalRefund._meta.get_field("idempotency_key").max_length


def with_recorded_refunds(
    order: OrderSnapshot,
    attribution: ReferralAttribution,
    settings: ProgramSettings,
    *,
    new_attribution: bool = False,
) -> OrderSnapshot:
    """The order with the refunds staff recorded outside Saleor added to Saleor's, and the
    gift-card rule it earns under: frozen when it first earned, else the current setting.
    `new_attribution`: created in this transaction, so nothing can be recorded against it."""
    recorded = (
        []
        if new_attribution
        else list(attribution.external_refunds.values_list("amount", "everything"))
    )
    refunds = order.refunds
    refunded = refunds.refunded_amount + sum(
        (amount for amount, _ in recorded if amount is not None), Decimal(0)
    )
    everything = any(all_of_it for _, all_of_it in recorded)
    if attribution.commissionable_at is None:
        promotional_earn = settings.promotional_gift_cards_earn
    else:
        # Orders that earned before the setting existed were never told otherwise: the safe rule.
        promotional_earn = bool(attribution.promotional_gift_cards_earn)
    return replace(
        order,
        refunds=replace(
            refunds,
            refunded_amount=refunded,
            fully_refunded=refunds.fully_refunded
            or everything
            or (refunds.order_total > 0 and refunded >= refunds.order_total),
            promotional_gift_cards_earn=promotional_earn,
        ),
    )


def reverse_order_commission(
    shop: ShopBackend,
    *,
    order_id: str,
    amount: Decimal | None,
    currency: str | None,
    everything: bool,
    reason: str,
    actor: str,
    idempotency_key: str,
    settings: ProgramSettings,
) -> ExternalRefund:
    """Record a refund made outside Saleor and reverse the order's commission for it at once:
    `everything`, or `amount` of money given back (in the order's currency), reversed in
    proportion to the money received for the goods exactly as a refund in Saleor would be.

    A retry with the same `idempotency_key` returns the first record and changes nothing; the
    same key with other values is refused. Nothing is written when anything is refused."""
    reason = clean_reason(reason, error=OrderError)
    key = _clean_key(idempotency_key)
    if everything and amount is not None:
        raise OrderError(
            _("Give an amount or everything, not both."), code="invalid", field="amount"
        )
    if not everything and amount is None:
        raise OrderError(
            _("Give the amount refunded, or everything."), code="required", field="amount"
        )

    from .commissions import reconcile_order_commissions

    with transaction.atomic():
        # The same lock reconciliation takes first: a hook of this order runs before or after
        # this, never between the check of what is left and the reversal.
        lock_order(order_id)
        attribution = ReferralAttribution.objects.filter(order_id=order_id).first()
        if attribution is None or attribution.seller_id is None:
            raise OrderError(
                _("This order earns no commission."), code="not_found", field="orderId"
            )
        if amount is not None:
            amount = _clean_amount(amount, currency, attribution.currency)
        existing = attribution.external_refunds.filter(idempotency_key=key).first()
        if existing is not None:
            if (existing.amount, existing.everything, existing.reason) != (
                amount,
                everything,
                reason,
            ):
                raise OrderError(
                    _("This idempotency key was used for another reversal."),
                    code="idempotency_conflict",
                    field="idempotencyKey",
                )
            return existing

        order = shop.load_order(order_id, settings)
        if order is None:
            raise OrderError(
                _("Saleor no longer has this order."), code="not_found", field="orderId"
            )
        refunds = with_recorded_refunds(order, attribution, settings).refunds
        if order.cancelled or refunds.fully_refunded:
            raise OrderError(
                _(
                    "The order is cancelled or refunded in full: its commission is already "
                    "reversed."
                ),
                code="nothing_to_reverse",
                field="everything" if everything else "amount",
            )
        left = quantize(refunds.refundable_left, attribution.currency)
        if amount is not None and amount > left:
            raise OrderError(
                _("Only %(left)s %(currency)s of the order is left to give back.")
                % {"left": left, "currency": attribution.currency},
                code="exceeds_remaining",
                field="amount",
            )
        record = ExternalRefund.objects.create(
            attribution=attribution,
            amount=amount,
            currency=attribution.currency,
            everything=everything,
            reason=reason,
            actor=actor[:255],
            idempotency_key=key,
        )
        reconcile_order_commissions(order, settings, event=EXTERNAL_REFUND_EVENT)
    return record


def _clean_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key:
        raise OrderError(_("Give an idempotency key."), code="required", field="idempotencyKey")
    if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise OrderError(
            _("An idempotency key is at most %(max_idempotency_key_length)s characters.")
            % {"max_idempotency_key_length": MAX_IDEMPOTENCY_KEY_LENGTH},
            code="invalid",
            field="idempotencyKey",
        )
    return key


def _clean_amount(amount: Decimal, currency: str | None, order_currency: str) -> Decimal:
    given = (currency or "").strip().upper()
    if not given:
        raise OrderError(_("Give the currency of the amount."), code="required", field="currency")
    if given != order_currency:
        raise OrderError(
            _("The order is in %(order_currency)s, not %(given)s.")
            % {"order_currency": order_currency, "given": given},
            code="currency_mismatch",
            field="currency",
        )
    try:
        amount = Decimal(amount)
        finite = amount.is_finite()
    except (InvalidOperation, TypeError, ValueError):
        finite = False
    if not finite or amount <= 0:
        raise OrderError(
            _("The amount must be more than zero."), code="invalid_amount", field="amount"
        )
    if amount != quantize(amount, order_currency):
        raise OrderError(
            _("Too many decimals for %(order_currency)s.") % {"order_currency": order_currency},
            code="invalid_amount",
            field="amount",
        )
    return quantize(amount, order_currency)
