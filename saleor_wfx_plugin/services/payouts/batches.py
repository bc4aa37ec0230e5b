"""Bank batches: approved payouts go to the bank in a file, once, and the bank answers per
payout, paid (`mark_paid`, with its reference) or failed (here, with its reason).

    export       approved → exported (in one batch; no money moves: it stays reserved)
    mark failed  exported → failed: reserved → available (held money back to the hold while its
                 order's hold runs), and the rest of the person's tax month assessed again
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...lock_objects import lock_payout, lock_payout_batching
from ...models import Payout, PayoutBatch, PayoutEvent
from ..duties import require_may_mark_paid, require_staff_user
from .common import Status, payout_error, record_payout_event
from .decisions import _return_reservation
from .exports import transfers_csv
from .tax import reassess_month_without, tax_month_filed


@transaction.atomic
def create_batch(
    *, actor: str, method: str | None = None, currency: str | None = None
) -> tuple[PayoutBatch, str]:
    """Put every approved payout not yet in a batch (of that method and currency, when given)
    into a new batch and return it with its CSV. With nothing approved since the last batch it
    makes no empty batch: it says so (`nothing_to_export`)."""
    require_staff_user(actor, gettext_lazy("Exporting payouts to the bank"))
    if method and method not in Payout.Method.values:
        raise payout_error(_("Choose bank, wechat or alipay."), "invalid", "method")
    currency = (currency or "").strip().upper()
    if currency and (len(currency) != 3 or not currency.isalpha()):
        raise payout_error(_("A currency is a 3-letter code."), "invalid", "currency")
    lock_payout_batching()
    waiting = Payout.objects.filter(status=Status.APPROVED, batch__isnull=True)
    if method:
        waiting = waiting.filter(method=method)
    if currency:
        waiting = waiting.filter(currency=currency)
    ids = list(waiting.values_list("pk", flat=True))
    if not ids:
        raise payout_error(
            _("No approved payouts are waiting for the bank: every one is in a batch already."),
            "nothing_to_export",
        )
    now = timezone.now()
    batch = PayoutBatch.objects.create(
        method=method or "",
        currency=currency,
        created_by=actor[:128],
        payout_count=0,
        content_sha256="",
    )
    # Conditional on the status, so a payout rejected or paid while this ran stays out: the
    # UPDATE waits for that row's lock and then sees its new status.
    moved = Payout.objects.filter(pk__in=ids, status=Status.APPROVED, batch__isnull=True).update(
        status=Status.EXPORTED, batch=batch, exported_at=now, updated_at=now
    )
    if not moved:
        raise payout_error(
            _("Those payouts were decided meanwhile; nothing to export."), "nothing_to_export"
        )
    content = transfers_csv(batch.payouts.all())
    batch.payout_count = moved
    batch.content_sha256 = hashlib.sha256(content.encode()).hexdigest()
    batch.save(update_fields=["payout_count", "content_sha256"])
    PayoutEvent.objects.bulk_create(
        PayoutEvent(payout_id=pk, kind="exported", actor=actor[:128], data={"batch": batch.pk})
        for pk in batch.payouts.values_list("pk", flat=True)
    )
    return batch, content


def batch_csv(batch: PayoutBatch) -> str:
    """The batch's file again, the same rows as when it was made, whatever the bank answered
    since (the fields in it are fixed at approval)."""
    return transfers_csv(batch.payouts.all())


def batch_filename(batch: PayoutBatch) -> str:
    parts = [f"wfx-batch-{batch.pk}", batch.method or "all"]
    if batch.currency:
        parts.append(batch.currency)
    return "-".join(parts) + f"-{timezone.localtime(batch.created_at):%Y%m%d-%H%M}.csv"


@transaction.atomic
def mark_failed(payout: Payout, *, actor: str, reason: str) -> Payout:
    """The bank returned an exported payout's transfer (wrong account, name mismatch, closed
    card…): the money goes back, and it no longer counts for its tax month. After the month's
    withholding return was exported the return needs correcting: the event says so."""
    require_may_mark_paid(actor)
    reason = reason.strip()
    if not reason:
        raise payout_error(
            _("Enter the bank's reason for the failure."), "reason_required", "reason"
        )
    payout = lock_payout(payout.pk)
    if payout.status == Status.FAILED:
        raise payout_error(_("This payout is already marked failed."), "invalid_status")
    if payout.status != Status.EXPORTED:
        raise payout_error(
            (
                _(
                    "Only a payout exported to the bank can fail; this one is %(status)s "
                    "(reject it instead)."
                )
                if payout.status == Status.APPROVED
                else _("Only a payout exported to the bank can fail; this one is %(status)s.")
            )
            % {"status": payout.status},
            "invalid_status",
        )
    _return_reservation(payout, actor)
    now = timezone.now()
    payout.status = Status.FAILED
    payout.failed_by = actor[:128]
    payout.failed_at = now
    payout.failure_reason = reason[:500]
    payout.closed_at = now
    reassess_month_without(payout, actor=actor, why=f"payout {payout.pk} failed at the bank")
    payout.save(
        update_fields=[
            "status",
            "failed_by",
            "failed_at",
            "failure_reason",
            "closed_at",
            "tax_correction",
            "updated_at",
        ]
    )
    record_payout_event(
        payout,
        "failed",
        actor,
        reason,
        tax_correction=str(payout.tax_correction),
        tax_return_needs_correction=tax_month_filed(payout.tax_month),
    )
    return payout
