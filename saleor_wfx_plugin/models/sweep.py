"""How far the reconciliation sweep has got through the shop's changed orders, and the orders it
must come back to."""

from __future__ import annotations

from django.db import models


class SweepMark(models.Model):
    """The sweep's cursor over the shop's orders in (updated_at, id) order: every order changed
    at or before it has been reconciled since its last change. One row per sweep (`name`).

    Moved only after a batch has completed, and only forward, so a sweep that stops half way
    (a deploy, a crash, the programme switched off) resumes where it was."""

    name = models.CharField(max_length=32, unique=True)
    changed_at = models.DateTimeField()
    # The last order id at `changed_at` already done; empty: none at that moment yet (ids
    # sharing one updated_at are taken in id order, so a tie is never skipped or redone).
    order_id = models.CharField(max_length=64, blank=True)
    completed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.changed_at.isoformat()} {self.order_id}"


class SweepRetry(models.Model):
    """An order the sweep failed to reconcile. The mark moves past it so one broken order cannot
    hold up the rest; the order stays here and every sweep tries it again (with a growing pause
    between attempts, at most a day) until it succeeds, however long that takes."""

    order_id = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveIntegerField(default=1)
    first_failed_at = models.DateTimeField()
    last_failed_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.attempts} failed attempts"
