"""A distributor asks for money; a retry with the same key finds the first request."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ...domain.money import quantize
from ...domain.settings import ProgramSettings
from ...lock_objects import lock_distributor, lock_settlements
from ...models import Distributor, Payout, Settlement
from ...selectors.balances import balance, hold_by_settlement
from ..identity import identity_for_payout_request
from ..ledger import Leg, post_movement
from .accounts import sealed_account
from .common import (
    ZERO,
    Bucket,
    Kind,
    PayeeDetails,
    clean_payee,
    parse_payout_amount,
    payout_error,
    record_payout_event,
)
from .tax import needs_resident_id


# --- Request ---------------------------------------------------------------------------------
@transaction.atomic
def request_payout(
    distributor: Distributor,
    *,
    currency: str,
    amount: Any,
    payee: PayeeDetails,
    idempotency_key: str,
    actor: str,
    program: ProgramSettings,
    early: bool = False,
) -> Payout:
    """Reserve available money (and, with `early`, money still in the T+N hold, for the early
    withdrawal fee) for a payout. A retry with the same idempotency key returns the first
    request instead of making a second."""
    currency = currency.strip().upper()
    amount = parse_payout_amount(amount, currency)
    key = idempotency_key.strip()
    if not key or len(key) > 64:
        raise payout_error(
            _("Send an idempotency key of 1-64 characters."), "invalid", "idempotencyKey"
        )
    distributor = lock_distributor(distributor.pk)
    existing = Payout.objects.filter(distributor=distributor, idempotency_key=key).first()
    if existing is not None:
        if (existing.amount, existing.currency) != (amount, currency):
            raise payout_error(
                _("This idempotency key was used for a different request."),
                "idempotency_conflict",
                "idempotencyKey",
            )
        return existing
    if not distributor.is_active:
        raise payout_error(
            _("Only an active distributor can request a payout."), "inactive_distributor"
        )
    if distributor.balance_frozen:
        raise payout_error(
            _("This distributor's balance is frozen while staff review it."), "balance_frozen"
        )
    minimum = program.payout_minimum(currency)
    if minimum is None:
        raise payout_error(
            _(
                "Payouts in %(currency)s are not offered: the shop's payout_min_amount setting "
                "has no %(currency)s entry."
            )
            % {"currency": currency},
            "currency_not_payable",
            "currency",
        )
    if amount < minimum:
        raise payout_error(
            _("The minimum payout is %(minimum)s %(currency)s.")
            % {"minimum": minimum, "currency": currency},
            "below_minimum",
            "amount",
        )
    if early and not program.early_withdrawal:
        raise payout_error(
            _("Early withdrawal is switched off."), "early_withdrawal_disabled", "early"
        )
    payee = clean_payee(payee, currency, program)
    identity_for_payout_request(
        distributor,
        id_number=payee.id_number,
        payee_name=payee.name,
        required=needs_resident_id(program, currency),
        actor=actor,
    )
    from_available, from_hold = _split_against_net_position(distributor, currency, amount, early)
    early_amount = sum((taken for _, taken in from_hold), ZERO)
    fee = quantize(early_amount * program.early_withdrawal_fee_rate / 100, currency)
    payout = Payout.objects.create(
        distributor=distributor,
        currency=currency,
        amount=amount,
        early_amount=early_amount,
        fee=fee,
        method=payee.method,
        payee_name=payee.name,
        payee_bank=payee.bank,
        **sealed_account(payee.account),
        idempotency_key=key,
        requested_by=actor,
    )
    legs = [Leg(Bucket.AVAILABLE, -from_available)]
    legs += [Leg(Bucket.HOLD, -taken, settlement_id) for settlement_id, taken in from_hold]
    legs.append(Leg(Bucket.RESERVED, amount))
    post_movement(
        distributor_id=distributor.pk,
        currency=currency,
        kind=Kind.RESERVATION,
        legs=legs,
        payout_id=payout.pk,
        actor=actor,
    )
    record_payout_event(
        payout, "requested", actor, amount=str(amount), early=str(early_amount), fee=str(fee)
    )
    return payout


def _split_against_net_position(
    distributor: Distributor, currency: str, amount: Decimal, early: bool
) -> tuple[Decimal, list[tuple[int, Decimal]]]:
    """How much of `amount` comes from available money and how much, early, from which orders
    still in their hold; refused unless the distributor's net position covers it.

    The net position is available money plus everything still in the hold, negative holds
    included: an order refunded after an early withdrawal owes its hold the money withdrawn, and
    no later order's hold may be paid out until that is made good. Locks first (the
    distributor's row is held by the caller; now the settlements still in their hold), then
    reads, then decides: neither the settling task nor a reconciliation can move the holds in
    between."""
    lock_settlements(
        Settlement.objects.filter(distributor=distributor, currency=currency, released_at=None)
    )
    current = balance(distributor, currency)
    net = current.net_position
    if net < 0 or (current.available < 0 and not early):
        raise payout_error(
            _(
                "A refund after an earlier payout left %(max)s %(currency)s to offset; payouts "
                "wait until later commission covers it."
            )
            % {"max": max(-net, current.negative_carry), "currency": currency},
            "negative_balance",
        )
    reachable = net if early else min(current.available, net)
    if amount > reachable:
        raise payout_error(
            (
                _("Only %(amount)s %(currency)s can be paid out, counting what is still on hold.")
                if early
                else _("Only %(amount)s %(currency)s can be paid out.")
            )
            % {"amount": reachable, "currency": currency},
            "insufficient_funds",
            "amount",
        )
    from_available = min(max(current.available, ZERO), amount)
    needed = amount - from_available
    taken: list[tuple[int, Decimal]] = []
    # Oldest-maturing held money first; the negative holds stay where they are, to be offset
    # by what is left in the others when the holds end.
    for settlement_id, held in hold_by_settlement(distributor, currency):
        if needed <= 0:
            break
        part = min(held, needed)
        taken.append((settlement_id, part))
        needed -= part
    # The net position covered the amount, so the positive holds cover the part not available.
    assert needed <= 0, (distributor.pk, currency, amount)
    return from_available, taken
