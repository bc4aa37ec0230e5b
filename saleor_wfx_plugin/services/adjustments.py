"""How staff adjust a distributor's balance: with a reason, never their own, and above the
second-approval threshold only once a second, different staff user approves.

    adjust   within the threshold: applied at once (available money moves, audit "applied")
             above it: pending (nothing moves; audit "requested")
    approve  pending → applied, by a different staff user: the ledger entry is posted now
    reject   pending → rejected, with a reason: nothing ever moved

The threshold is the currency's `second_approval_above`, compared with this adjustment plus
the distributor's other adjustments in the currency over the last 24 hours (either sign, pending
or applied), so a large correction split into small ones still needs two people.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..domain.currency_amounts import COMMON_MISTAKES, ISO_CURRENCIES
from ..domain.money import quantize
from ..domain.settings import ProgramSettings
from ..errors import LedgerError
from ..lock_objects import lock_distributor
from ..models import BalanceAdjustment, DistributorEvent, LedgerEntry
from .duties import ROLLING_WINDOW, refuse_own_money, require_staff_user
from .events import record_event
from .ledger import Leg, post_movement

Status = BalanceAdjustment.Status
Event = DistributorEvent.Kind
CURRENCY_CODE = re.compile(r"[A-Z]{3}")


@transaction.atomic
def adjust(
    *,
    distributor_id: int,
    currency: str,
    amount: Any,
    actor: str,
    reason: str,
    program: ProgramSettings,
    idempotency_key: str | None = None,
) -> BalanceAdjustment:
    """A staff user's correction; a retry with the same key returns the first one."""
    require_staff_user(actor, gettext_lazy("Adjusting a balance"))
    refuse_own_money(actor, distributor_id, "adjust")
    amount = _as_decimal(amount)
    currency, reason = clean_adjustment(currency, amount, reason)
    # The distributor's row orders two adjustments (and a retry after the first attempt).
    distributor = lock_distributor(distributor_id)
    key = (idempotency_key or "").strip()[:128] or None
    if key is not None:
        earlier = BalanceAdjustment.objects.filter(
            distributor_id=distributor_id, idempotency_key=key
        ).first()
        if earlier is not None:
            if (earlier.currency, earlier.amount) != (currency, amount):
                raise LedgerError(
                    _("This idempotency key was used for a different adjustment."),
                    code="idempotency_conflict",
                    field="idempotencyKey",
                )
            return earlier
    adjustment = BalanceAdjustment.objects.create(
        distributor=distributor,
        currency=currency,
        amount=amount,
        reason=reason[:500],
        status=Status.PENDING,
        idempotency_key=key,
        requested_by=actor[:128],
    )
    if _needs_second_approval(adjustment, program):
        record_event(
            distributor,
            Event.ADJUSTMENT_REQUESTED,
            actor=actor,
            reason=reason,
            **_audit(adjustment),
        )
        return adjustment
    return _apply(adjustment, actor)


@transaction.atomic
def approve_adjustment(adjustment: BalanceAdjustment, *, actor: str) -> BalanceAdjustment:
    """The second approval: a staff user other than the one who asked."""
    require_staff_user(actor, gettext_lazy("Approving an adjustment"))
    refuse_own_money(actor, adjustment.distributor_id, "adjust")
    adjustment = _locked(adjustment)
    if actor == adjustment.requested_by:
        raise LedgerError(
            _("A second staff user, not the one who asked for it, must approve this adjustment."),
            code="same_approver",
        )
    return _apply(adjustment, actor)


@transaction.atomic
def reject_adjustment(
    adjustment: BalanceAdjustment, *, actor: str, reason: str
) -> BalanceAdjustment:
    require_staff_user(actor, gettext_lazy("Rejecting an adjustment"))
    refuse_own_money(actor, adjustment.distributor_id, "reject")
    reason = reason.strip()
    if not reason:
        raise LedgerError(
            _("Say why the adjustment is rejected."), code="reason_required", field="reason"
        )
    adjustment = _locked(adjustment)
    adjustment.status = Status.REJECTED
    adjustment.rejected_by = actor[:128]
    adjustment.rejection_reason = reason[:500]
    adjustment.decided_at = timezone.now()
    adjustment.save(update_fields=["status", "rejected_by", "rejection_reason", "decided_at"])
    record_event(
        adjustment.distributor,
        Event.ADJUSTMENT_REJECTED,
        actor=actor,
        reason=reason,
        **_audit(adjustment),
    )
    return adjustment


def clean_adjustment(currency: str, amount: Decimal, reason: str) -> tuple[str, str]:
    """The currency and reason of a staff adjustment, or the reason it cannot be one."""
    currency = currency.strip().upper()
    if currency in COMMON_MISTAKES:
        raise LedgerError(
            _("%(code)s is not an ISO 4217 code: write %(iso)s.")
            % {"code": currency, "iso": COMMON_MISTAKES[currency]},
            code="invalid",
            field="currency",
        )
    # A well-formed code no one issues ("XYZ") would open a balance nobody can ever pay out.
    if not CURRENCY_CODE.fullmatch(currency) or currency not in ISO_CURRENCIES:
        raise LedgerError(
            _("A currency is a 3-letter ISO 4217 code such as CNY."),
            code="invalid",
            field="currency",
        )
    if not reason.strip():
        raise LedgerError(_("Say why the balance changes."), code="reason_required", field="reason")
    if not amount.is_finite() or not amount:
        raise LedgerError(_("An adjustment needs an amount."), code="invalid", field="amount")
    if amount != quantize(amount, currency):
        raise LedgerError(
            _("Too many decimals for %(currency)s.") % {"currency": currency},
            code="invalid_amount",
            field="amount",
        )
    return currency, reason.strip()


def _needs_second_approval(adjustment: BalanceAdjustment, program: ProgramSettings) -> bool:
    threshold = program.second_approval_threshold(adjustment.currency)
    if threshold is None:
        return False
    recent = BalanceAdjustment.objects.filter(
        Q(status=Status.PENDING) | Q(status=Status.APPLIED),
        distributor_id=adjustment.distributor_id,
        currency=adjustment.currency,
        created_at__gt=adjustment.created_at - ROLLING_WINDOW,
    ).values_list("amount", flat=True)
    return sum((abs(amount) for amount in recent), Decimal(0)) > threshold


def _locked(adjustment: BalanceAdjustment) -> BalanceAdjustment:
    """The adjustment as it is now, under its distributor's lock (two approvers at once: the
    second finds it decided)."""
    lock_distributor(adjustment.distributor_id)
    current = BalanceAdjustment.objects.select_related("distributor").get(pk=adjustment.pk)
    if current.status != Status.PENDING:
        raise LedgerError(
            _("This adjustment is %(status)s already.") % {"status": current.status},
            code="invalid_status",
            field=None,
        )
    return current


def _apply(adjustment: BalanceAdjustment, actor: str) -> BalanceAdjustment:
    post_movement(
        distributor_id=adjustment.distributor_id,
        currency=adjustment.currency,
        kind=LedgerEntry.Kind.ADJUSTMENT,
        legs=[Leg(LedgerEntry.Bucket.AVAILABLE, adjustment.amount)],
        actor=actor,
        reason=adjustment.reason,
        idempotency_key=f"adjustment:{adjustment.pk}",
        balanced=False,
    )
    adjustment.status = Status.APPLIED
    adjustment.approved_by = actor[:128]
    adjustment.decided_at = timezone.now()
    adjustment.save(update_fields=["status", "approved_by", "decided_at"])
    record_event(
        adjustment.distributor,
        Event.ADJUSTMENT_APPLIED,
        actor=actor,
        reason=adjustment.reason,
        requested_by=adjustment.requested_by,
        **_audit(adjustment),
    )
    return adjustment


def _as_decimal(amount: Any) -> Decimal:
    try:
        return Decimal(str(amount))
    except ArithmeticError:
        raise LedgerError(
            _("The amount is not a number."), code="invalid", field="amount"
        ) from None


def _audit(adjustment: BalanceAdjustment) -> dict[str, Any]:
    return {
        "adjustment": adjustment.pk,
        "amount": str(adjustment.amount),
        "currency": adjustment.currency,
    }
