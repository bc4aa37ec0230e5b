"""On PostgreSQL, refuse UPDATE and DELETE of the balance ledger at the database itself, as for
the commission ledger (0002)."""

from django.db import migrations

FORBID_CHANGES = """
CREATE OR REPLACE FUNCTION wfx_table_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: post a correcting movement instead of %',
        TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER wfx_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON wfx_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION wfx_table_is_append_only();
"""

ALLOW_CHANGES = """
DROP TRIGGER IF EXISTS wfx_ledgerentry_append_only ON wfx_ledgerentry;
DROP FUNCTION IF EXISTS wfx_table_is_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("wfx", "0005_money_ledger_settlement_payouts")]

    operations = [
        migrations.RunPython(_on_postgresql(FORBID_CHANGES), _on_postgresql(ALLOW_CHANGES)),
    ]
