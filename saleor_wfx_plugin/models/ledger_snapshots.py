"""Periodic sums of the ledger, so that reading a balance does not grow with its history."""

from __future__ import annotations

from django.db import models

from .distributors import Distributor
from .fields import MONEY_DIGITS


class LedgerSnapshot(models.Model):
    """The sum of one distributor's ledger rows in one currency, bucket and kind, up to and
    including ledger id `through_id`. A balance is these sums plus the rows after `through_id`.

    A cache, never a record: every row can be dropped and rebuilt from the ledger (the ledger
    itself is append-only, so a sum up to an id never goes stale). All rows of a distributor
    carry the same `through_id`: they are rewritten together in one transaction."""

    distributor = models.ForeignKey(
        Distributor, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    currency = models.CharField(max_length=3)
    bucket = models.CharField(max_length=16)
    kind = models.CharField(max_length=24)
    # Wider than one amount: a sum of many.
    total = models.DecimalField(max_digits=MONEY_DIGITS["max_digits"] + 6, decimal_places=3)
    through_id = models.BigIntegerField()
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [
            # Leads with the distributor: the balance read finds a distributor's rows from it.
            models.UniqueConstraint(
                fields=("distributor", "currency", "bucket", "kind"),
                name="wfx_ledger_snapshot_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.total} {self.currency} {self.bucket} to #{self.through_id}"
