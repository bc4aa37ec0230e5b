"""The people income tax is filed under, and the record of every withholding-return download.

Only `services/identity.py` reads or writes a `TaxIdentity`'s number, which is encrypted at rest
(`encryption.py`): the database holds the ciphertext, a keyed hash to find a person by number,
and the masked form screens show, never the number itself.
"""

from __future__ import annotations

from django.db import models

from .fields import MONEY_DIGITS


class TaxIdentity(models.Model):
    """One natural person as the tax office knows them: the ID document and the legal name it
    belongs to. Several distributor accounts of one person point at the same row, so their
    income is assessed together (one 800-yuan allowance a month, not one per account)."""

    class IdType(models.TextChoices):
        # The only document the checksum check (domain/payees.py) understands today.
        RESIDENT_ID = "resident_id", "居民身份证"

    id_type = models.CharField(max_length=16, choices=IdType.choices, default=IdType.RESIDENT_ID)
    # Fernet token of the number; empty once erased.
    id_number_ciphertext = models.TextField()
    # HMAC-SHA256 of the number under a key derived from the first encryption key (hex), so the
    # same number finds the same person; "erased:<id>" once erased.
    id_number_hash = models.CharField(max_length=64)
    # "110***********002X": what the API and the tax summary show, without decrypting.
    id_number_masked = models.CharField(max_length=32)
    legal_name = models.CharField(max_length=128)
    # Set when the person's data was erased (PIPL); the row stays for the tax months it was in.
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One person, one row: what makes two accounts share an allowance.
            models.UniqueConstraint(
                fields=("id_type", "id_number_hash"), name="wfx_one_tax_identity_by_hash"
            )
        ]

    def __str__(self) -> str:
        # Never the number: this string ends up in logs and the Django admin's history.
        return f"tax identity {self.pk}"


class TaxExport(models.Model):
    """One download of a month's withholding return (扣缴申报), which carries full ID numbers:
    who took it, when, and what it held. Once a month has one, its payouts are filed and can no
    longer be rejected."""

    month = models.DateField(help_text="First day of the tax month (the approval month).")
    exported_by = models.CharField(max_length=128)
    exported_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField()
    income = models.DecimalField(**MONEY_DIGITS)
    tax_withheld = models.DecimalField(**MONEY_DIGITS)
    # Of the CSV as handed out, to show later exactly which file was filed.
    content_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ("-exported_at", "-id")
        indexes = [models.Index(fields=("month",), name="wfx_tax_export_month")]

    def __str__(self) -> str:
        return f"tax export of {self.month:%Y-%m} by {self.exported_by}"
