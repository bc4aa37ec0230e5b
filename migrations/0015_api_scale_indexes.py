"""Indexes for the API's pages at a real shop's scale: balances and earnings summed from a
covering index (an index-only scan instead of reading every ledger row), staff's lists of
distributors and payouts and the commission of orders read newest first off an index, orders
found by number."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("wfx", "0012_personal_data")]

    operations = [
        migrations.RemoveIndex(model_name="ledgerentry", name="wfx_ledger_balance"),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                fields=["distributor", "currency", "bucket", "kind"],
                include=["amount"],
                name="wfx_ledger_totals",
            ),
        ),
        migrations.RemoveIndex(model_name="referralattribution", name="wfx_attr_placed"),
        migrations.AddIndex(
            model_name="referralattribution",
            index=models.Index(fields=["placed_at", "id"], name="wfx_attr_newest"),
        ),
        migrations.AddIndex(
            model_name="referralattribution",
            index=models.Index(fields=["order_number"], name="wfx_attr_order_number"),
        ),
        migrations.AddIndex(
            model_name="distributor",
            index=models.Index(fields=["created_at", "id"], name="wfx_distributor_newest"),
        ),
        migrations.AddIndex(
            model_name="payout",
            index=models.Index(fields=["created_at", "id"], name="wfx_payout_newest"),
        ),
    ]
