"""A distributor asks for money; a retry with the same key finds the first request."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from ...domain.money import quantize
from ...domain.settings import ProgramSettings
from ...models import Distributor, Payout, Settlement
from ...selectors.balances import balance, hold_by_settlement
from ..identity import identity_for_payout_request
from ..ledger import Leg, post_movement
from .common import (
    ZERO,
    Bucket,
    Kind,
    PayeeDetails,
    _lock_distributor,
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
            "Send an idempotency key of 1-64 characters.", "invalid", "idempotencyKey"
        )
    distributor = _lock_distributor(distributor.pk)
    existing = Payout.objects.filter(distributor=distributor, idempotency_key=key).first()
    if existing is not None:
        if (existing.amount, existing.currency) != (amount, currency):
            raise payout_error(
                "This idempotency key was used for a different request.",
                "idempotency_conflict",
                "idempotencyKey",
            )
        return existing
    if not distributor.is_active:
        raise payout_error(
            "Only an active distributor can request a payout.", "inactive_distributor"
        )
    if amount < program.payout_min_amount:
        raise payout_error(
            f"The minimum payout is {program.payout_min_amount} {currency}.",
            "below_minimum",
            "amount",
        )
    if early and not program.early_withdrawal:
        raise payout_error(
            "Early withdrawal is switched off.", "early_withdrawal_disabled", "early"
        )
    payee = clean_payee(payee, currency, program)
    identity_for_payout_request(
        distributor,
        id_number=payee.id_number,
        payee_name=payee.name,
        required=needs_resident_id(program, currency),
        actor=actor,
    )
    current = balance(distributor, currency)
    if current.available < 0:
        raise payout_error(
            f"A refund after an earlier payout left {current.negative_carry} {currency} to "
            "offset; payouts wait until later commission covers it.",
            "negative_balance",
        )
    from_available = min(current.available, amount)
    from_hold: list[tuple[int, Decimal]] = []
    if from_available < amount:
        if not early:
            raise payout_error(
                f"Only {current.available} {currency} is available.", "insufficient_funds", "amount"
            )
        from_hold = _take_from_hold(distributor, currency, amount - from_available)
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
        payee_account=payee.account,
        payee_bank=payee.bank,
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


def _take_from_hold(
    distributor: Distributor, currency: str, needed: Decimal
) -> list[tuple[int, Decimal]]:
    """Oldest-maturing held money first. The settlements are locked, so the maturing task cannot
    release one while this request takes from it."""
    held = hold_by_settlement(distributor, currency)
    locked = set(
        Settlement.objects.select_for_update()
        .filter(pk__in=[settlement_id for settlement_id, _ in held], released_at__isnull=True)
        .values_list("pk", flat=True)
    )
    taken: list[tuple[int, Decimal]] = []
    for settlement_id, amount in held:
        if needed <= 0:
            break
        if settlement_id not in locked:
            continue
        part = min(amount, needed)
        taken.append((settlement_id, part))
        needed -= part
    if needed > 0:
        raise payout_error(
            "Not enough confirmed money, even counting what is still on hold.",
            "insufficient_funds",
            "amount",
        )
    return taken
