"""Money given back: the gift-card rule frozen on an order when it first earns, and refunds made
outside Saleor as staff record them (append-only on PostgreSQL, like the ledgers)."""

import django.db.models.deletion
from django.db import migrations, models

FORBID_CHANGES = """
CREATE TRIGGER wfx_externalrefund_append_only
    BEFORE UPDATE OR DELETE ON wfx_externalrefund
    FOR EACH ROW EXECUTE FUNCTION wfx_table_is_append_only();
"""

ALLOW_CHANGES = """
DROP TRIGGER IF EXISTS wfx_externalrefund_append_only ON wfx_externalrefund;
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("wfx", "0008_rate_cap_and_referral_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="referralattribution",
            name="promotional_gift_cards_earn",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="ExternalRefund",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "amount",
                    models.DecimalField(blank=True, decimal_places=3, max_digits=20, null=True),
                ),
                ("currency", models.CharField(max_length=3)),
                ("everything", models.BooleanField(default=False)),
                ("reason", models.TextField()),
                ("actor", models.CharField(max_length=255)),
                ("idempotency_key", models.CharField(max_length=128)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "attribution",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="external_refunds",
                        to="wfx.referralattribution",
                    ),
                ),
            ],
            options={
                "ordering": ("created_at", "id"),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("attribution", "idempotency_key"), name="wfx_external_refund_key"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("everything", True), ("amount__isnull", True)),
                            models.Q(("everything", False), ("amount__gt", 0)),
                            _connector="OR",
                        ),
                        name="wfx_external_refund_amount_or_everything",
                    ),
                ],
            },
        ),
        # 0006 defined the trigger function every append-only table uses.
        migrations.RunPython(_on_postgresql(FORBID_CHANGES), _on_postgresql(ALLOW_CHANGES)),
    ]
