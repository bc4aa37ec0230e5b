"""What staff and the distributor decide about a request: cancel, reject, approve (with the
tax withheld), mark paid."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...domain.settings import ProgramSettings
from ...lock_objects import lock_payout, lock_settlements
from ...models import Distributor, LedgerEntry, Payout, Settlement
from ...selectors.balances import balance
from ..duties import (
    refuse_own_money,
    requested_within_a_day,
    require_may_mark_paid,
    require_staff_user,
)
from ..ledger import Leg, post_movement
from .common import (
    OPEN_STATUSES,
    ZERO,
    Bucket,
    Kind,
    Status,
    payout_error,
    record_payout_event,
)
from .tax import TAX_FIELDS, fix_tax, reassess_month_without, refuse_if_tax_month_filed


# --- Decisions -------------------------------------------------------------------------------
@transaction.atomic
def cancel_payout(payout: Payout, *, actor: str) -> Payout:
    """The distributor withdraws the request before it is approved."""
    payout = lock_payout(payout.pk)
    if payout.status not in OPEN_STATUSES:
        raise payout_error(_("Only a request not yet approved can be cancelled."), "invalid_status")
    _return_reservation(payout, actor)
    payout.status = Status.CANCELLED
    payout.closed_at = timezone.now()
    payout.save(update_fields=["status", "closed_at", "updated_at"])
    record_payout_event(payout, "cancelled", actor)
    return payout


@transaction.atomic
def reject_payout(payout: Payout, *, actor: str, reason: str) -> Payout:
    require_staff_user(actor, gettext_lazy("Rejecting a payout"))
    refuse_own_money(actor, payout.distributor_id, "reject")
    reason = reason.strip()
    if not reason:
        raise payout_error(_("Say why the payout is rejected."), "reason_required", "reason")
    payout = lock_payout(payout.pk)
    if payout.status == Status.EXPORTED:
        raise payout_error(
            _(
                "This payout is in a batch the bank has; mark it paid or failed as the bank "
                "reports."
            ),
            "invalid_status",
        )
    if payout.status not in (*OPEN_STATUSES, Status.APPROVED):
        raise payout_error(
            _("A %(status)s payout cannot be rejected.") % {"status": payout.status},
            "invalid_status",
        )
    refuse_if_tax_month_filed(payout)
    was_taxed = payout.status == Status.APPROVED
    _return_reservation(payout, actor)
    payout.status = Status.REJECTED
    payout.rejected_by = actor
    payout.rejection_reason = reason[:500]
    payout.closed_at = timezone.now()
    if was_taxed:
        reassess_month_without(payout, actor=actor, why=f"payout {payout.pk} was rejected")
    payout.save(
        update_fields=[
            "status",
            "rejected_by",
            "rejection_reason",
            "closed_at",
            "tax_correction",
            "updated_at",
        ]
    )
    record_payout_event(
        payout, "rejected", actor, reason, tax_correction=str(payout.tax_correction)
    )
    return payout


@transaction.atomic
def approve_payout(payout: Payout, *, actor: str, program: ProgramSettings) -> Payout:
    """First approval; when the distributor's requests of the last 24 hours in the currency,
    this one included, are above its `second_approval_above` (every payout in a currency the
    setting does not list) a second, different approver completes it (see duties.py).
    The final approval fixes the tax withheld (per payout, or per tax month with the person's
    earlier payouts of the month on all their accounts: see tax.py) and so the net amount to
    transfer."""
    require_staff_user(actor, gettext_lazy("Approving a payout"))
    refuse_own_money(actor, payout.distributor_id, "approve")
    payout = lock_payout(payout.pk)
    if payout.status not in OPEN_STATUSES:
        raise payout_error(
            _("A %(status)s payout cannot be approved.") % {"status": payout.status},
            "invalid_status",
        )
    if Distributor.objects.filter(pk=payout.distributor_id, balance_frozen=True).exists():
        raise payout_error(
            _("This distributor's balance is frozen while staff review it."), "balance_frozen"
        )
    # Lock, then read: the holds must not move between the check and the decision.
    lock_settlements(
        Settlement.objects.filter(
            distributor_id=payout.distributor_id, currency=payout.currency, released_at=None
        )
    )
    if balance(payout.distributor_id, payout.currency).net_position < 0:
        # This payout's money is reserved already: a negative net position is money paid out
        # (or reserved) beyond what was earned, since a refund took back commission.
        raise payout_error(
            _(
                "A refund after an earlier payout left a negative balance; payouts wait until "
                "later commission covers it."
            ),
            "negative_balance",
        )
    now = timezone.now()
    needs_two = program.needs_second_approval(payout.currency, requested_within_a_day(payout))
    if needs_two and payout.status == Status.REQUESTED:
        payout.status = Status.FIRST_APPROVED
        payout.first_approved_by = actor
        payout.first_approved_at = now
        payout.save(
            update_fields=["status", "first_approved_by", "first_approved_at", "updated_at"]
        )
        record_payout_event(payout, "first_approved", actor)
        return payout
    if payout.status == Status.FIRST_APPROVED and actor == payout.first_approved_by:
        raise payout_error(
            _("A second approver, different from the first, must approve this payout."),
            "same_approver",
        )
    fix_tax(payout, program, now)
    payout.status = Status.APPROVED
    payout.approved_by = actor
    payout.approved_at = now
    payout.save(
        update_fields=[
            "status",
            "approved_by",
            "approved_at",
            "taxable",
            "tax",
            "net",
            "tax_month",
            *TAX_FIELDS,
            "updated_at",
        ]
    )
    record_payout_event(payout, "approved", actor, tax=str(payout.tax), net=str(payout.net))
    return payout


@transaction.atomic
def mark_paid(payout: Payout, *, actor: str, transfer_reference: str) -> Payout:
    """Staff transferred the net amount; the reservation becomes paid, tax and fee."""
    require_may_mark_paid(actor)
    reference = transfer_reference.strip()
    if not reference:
        raise payout_error(
            _("Enter the bank or wallet transfer reference."), "required", "transferReference"
        )
    payout = lock_payout(payout.pk)
    if payout.status == Status.PAID:
        raise payout_error(_("This payout is already paid."), "already_paid")
    if payout.status not in (Status.APPROVED, Status.EXPORTED):
        raise payout_error(
            _("A %(status)s payout cannot be paid; approve it first.") % {"status": payout.status},
            "invalid_status",
        )
    tax = payout.tax or ZERO
    net = payout.amount - payout.fee - tax
    post_movement(
        distributor_id=payout.distributor_id,
        currency=payout.currency,
        kind=Kind.PAYOUT,
        legs=[
            Leg(Bucket.RESERVED, -payout.amount),
            Leg(Bucket.PAID, net),
            Leg(Bucket.TAX, tax),
            Leg(Bucket.FEE, payout.fee),
        ],
        payout_id=payout.pk,
        actor=actor,
    )
    payout.status = Status.PAID
    payout.paid_by = actor
    payout.paid_at = timezone.now()
    payout.transfer_reference = reference[:128]
    payout.closed_at = payout.paid_at
    payout.save(
        update_fields=[
            "status",
            "paid_by",
            "paid_at",
            "transfer_reference",
            "closed_at",
            "updated_at",
        ]
    )
    record_payout_event(payout, "paid", actor, reference=reference)
    return payout


def _return_reservation(payout: Payout, actor: str) -> None:
    """Give the reserved money back where it came from: held money to the hold while that
    order's hold still runs (so the early-withdrawal path cannot be used to skip the hold),
    everything else to available."""
    taken = (
        LedgerEntry.objects.filter(payout=payout, kind=Kind.RESERVATION, bucket=Bucket.HOLD)
        .values("settlement_id")
        .annotate(total=Sum("amount"))
    )
    still_held = {
        settlement.pk
        for settlement in lock_settlements(
            Settlement.objects.filter(
                pk__in=[row["settlement_id"] for row in taken], released_at__isnull=True
            )
        )
    }
    legs = [Leg(Bucket.RESERVED, -payout.amount)]
    to_available = payout.amount
    for row in taken:
        if row["settlement_id"] in still_held:
            legs.append(Leg(Bucket.HOLD, -row["total"], row["settlement_id"]))
            to_available += row["total"]  # row total is negative
    legs.append(Leg(Bucket.AVAILABLE, to_available))
    post_movement(
        distributor_id=payout.distributor_id,
        currency=payout.currency,
        kind=Kind.RESERVATION_RETURN,
        legs=legs,
        payout_id=payout.pk,
        actor=actor,
    )
