"""Personal data: resident ID numbers and payee accounts encrypted at rest (with a keyed hash to
find a person by number), erasure marks on distributors and tax identities, and document files
that can be deleted (retention, erasure) while their rows stay.

Existing numbers and accounts are encrypted here with the first key of `WFX_ENCRYPTION_KEYS`:
a shop that has any needs the key set before migrating (the migration stops with the setting's
name otherwise, having changed nothing). Reversible: going back decrypts them into the old
columns.
"""

from django.db import migrations, models

import saleor_wfx_plugin.models

BATCH = 500


def _encryption():
    # The plugin's own module, so the migration encrypts exactly as the running code will.
    from saleor_wfx_plugin import encryption

    return encryption


def _mask_identity_number(number):
    from saleor_wfx_plugin.domain.masking import mask_identity_number

    return mask_identity_number(number)


def _mask_account(account):
    from saleor_wfx_plugin.domain.masking import mask_account

    return mask_account(account)


def encrypt_existing(apps, schema_editor):
    TaxIdentity = apps.get_model("wfx", "TaxIdentity")
    Payout = apps.get_model("wfx", "Payout")
    if not TaxIdentity.objects.exists() and not Payout.objects.exists():
        return  # a new shop: nothing to encrypt, no key needed yet
    encryption = _encryption()
    batch = []
    for identity in TaxIdentity.objects.order_by("pk").iterator(chunk_size=BATCH):
        identity.id_number_ciphertext = encryption.encrypt(identity.id_number)
        identity.id_number_hash = encryption.lookup_hash(
            identity.id_number, purpose=encryption.RESIDENT_ID
        )
        identity.id_number_masked = _mask_identity_number(identity.id_number)
        batch.append(identity)
        if len(batch) == BATCH:
            TaxIdentity.objects.bulk_update(
                batch, ["id_number_ciphertext", "id_number_hash", "id_number_masked"]
            )
            batch = []
    TaxIdentity.objects.bulk_update(
        batch, ["id_number_ciphertext", "id_number_hash", "id_number_masked"]
    )
    batch = []
    for payout in Payout.objects.order_by("pk").iterator(chunk_size=BATCH):
        payout.payee_account_ciphertext = encryption.encrypt(payout.payee_account)
        payout.payee_account_masked = _mask_account(payout.payee_account)
        batch.append(payout)
        if len(batch) == BATCH:
            Payout.objects.bulk_update(batch, ["payee_account_ciphertext", "payee_account_masked"])
            batch = []
    Payout.objects.bulk_update(batch, ["payee_account_ciphertext", "payee_account_masked"])


def decrypt_back(apps, schema_editor):
    TaxIdentity = apps.get_model("wfx", "TaxIdentity")
    Payout = apps.get_model("wfx", "Payout")
    if not TaxIdentity.objects.exists() and not Payout.objects.exists():
        return
    encryption = _encryption()
    batch = []
    for identity in TaxIdentity.objects.order_by("pk").iterator(chunk_size=BATCH):
        # An erased person has no number left; the old unique column still needs one per row.
        identity.id_number = (
            encryption.decrypt(identity.id_number_ciphertext)
            if identity.id_number_ciphertext
            else f"erased:{identity.pk}"
        )
        batch.append(identity)
    TaxIdentity.objects.bulk_update(batch, ["id_number"], batch_size=BATCH)
    batch = []
    for payout in Payout.objects.order_by("pk").iterator(chunk_size=BATCH):
        payout.payee_account = encryption.decrypt(payout.payee_account_ciphertext)
        batch.append(payout)
    Payout.objects.bulk_update(batch, ["payee_account"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("wfx", "0011_tax_identity_batches")]

    operations = [
        # --- Resident ID numbers ---------------------------------------------------------------
        migrations.AddField(
            model_name="taxidentity",
            name="id_number_ciphertext",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="taxidentity",
            name="id_number_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="taxidentity",
            name="id_number_masked",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="taxidentity",
            name="erased_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        # --- Payee accounts --------------------------------------------------------------------
        migrations.AddField(
            model_name="payout",
            name="payee_account_ciphertext",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="payout",
            name="payee_account_masked",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        # Before the data moves: going back, the old constraint returns only after the numbers
        # are back in their column.
        migrations.RemoveConstraint(model_name="taxidentity", name="wfx_one_tax_identity"),
        migrations.RunPython(encrypt_existing, decrypt_back),
        # A default first, only so that going back can add the columns to rows that exist.
        migrations.AlterField(
            model_name="taxidentity",
            name="id_number",
            field=models.CharField(default="", max_length=32),
        ),
        migrations.AlterField(
            model_name="payout",
            name="payee_account",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RemoveField(model_name="taxidentity", name="id_number"),
        migrations.RemoveField(model_name="payout", name="payee_account"),
        migrations.AddConstraint(
            model_name="taxidentity",
            constraint=models.UniqueConstraint(
                fields=("id_type", "id_number_hash"), name="wfx_one_tax_identity_by_hash"
            ),
        ),
        # --- Erasure ---------------------------------------------------------------------------
        migrations.AddField(
            model_name="distributor",
            name="erased_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="distributor",
            name="erased_by",
            field=models.CharField(blank=True, max_length=128),
        ),
        migrations.AlterField(
            model_name="distributorevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("approved", "Approved"),
                    ("suspended", "Suspended"),
                    ("reactivated", "Reactivated"),
                    ("grade_changed", "Grade Changed"),
                    ("upline_changed", "Upline Changed"),
                    ("imported", "Imported"),
                    ("identity_set", "Identity Set"),
                    ("identity_changed", "Identity Changed"),
                    ("erased", "Erased"),
                ],
                max_length=32,
            ),
        ),
        # --- Document files that can be deleted ------------------------------------------------
        migrations.AlterField(
            model_name="applicationdocument",
            name="file",
            field=models.FileField(
                blank=True,
                max_length=255,
                storage=saleor_wfx_plugin.models._private_storage,
                upload_to=saleor_wfx_plugin.models._document_path,
            ),
        ),
        migrations.AddField(
            model_name="applicationdocument",
            name="file_deletion_reason",
            field=models.CharField(
                blank=True,
                choices=[("retention", "Retention"), ("erasure", "Erasure")],
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="applicationdocument",
            name="file_deleted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
