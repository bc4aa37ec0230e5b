"""On PostgreSQL, refuse UPDATE and DELETE of commission entries at the database itself, so no code
path (the ORM's queryset.update(), a raw query, an admin) can rewrite the ledger."""

from django.db import migrations

FORBID_CHANGES = """
CREATE OR REPLACE FUNCTION wfx_ledger_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'wfx_commissionentry is append-only: post a reversal instead of %', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER wfx_commissionentry_append_only
    BEFORE UPDATE OR DELETE ON wfx_commissionentry
    FOR EACH ROW EXECUTE FUNCTION wfx_ledger_is_append_only();
"""

ALLOW_CHANGES = """
DROP TRIGGER IF EXISTS wfx_commissionentry_append_only ON wfx_commissionentry;
DROP FUNCTION IF EXISTS wfx_ledger_is_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("wfx", "0001_initial")]

    operations = [
        migrations.RunPython(_on_postgresql(FORBID_CHANGES), _on_postgresql(ALLOW_CHANGES)),
    ]
