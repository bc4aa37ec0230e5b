"""Indexes for the API's pages at a real shop's scale: balances and earnings summed from a
covering index (an index-only scan instead of reading every ledger row), staff's lists of
distributors and payouts and the commission of orders read newest first off an index, orders
found by number. The ledger's own index on the distributor goes: the two new ledger indexes lead
with it.

The indexes are built in the migration's transaction, which holds writes to each table while its
index builds (about a minute for the ledger of a shop with millions of rows): migrate in a quiet
hour."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("wfx", "0013_balance_adjustments")]

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
        # Its leading column is the two indexes' above: one index write less per ledger row.
        migrations.AlterField(
            model_name="ledgerentry",
            name="distributor",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="ledger_entries",
                to="wfx.distributor",
            ),
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(fields=["distributor", "id"], name="wfx_ledger_history"),
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
