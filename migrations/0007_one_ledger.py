"""One ledger: commission entries become ledger entries that carry their plan line.

Until now every accrual and reversal was written twice, once in `wfx_commissionentry` (what
earnings read) and once in `wfx_ledgerentry` (what balances read). This migration gives each
ledger entry of commission its plan line, level, sequence and event from its commission entry,
carries over the commission entries that have no ledger entry (written before the money ledger
of 0005 existed; they land in the bucket their order's settlement is in, pending when the order
has none yet), and drops the second table. The append-only trigger is suspended for the copy
only, inside this migration's transaction.

Going back (`migrate wfx 0006`) rebuilds `wfx_commissionentry` from the ledger.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

FORWARD_SQL = """
ALTER TABLE wfx_ledgerentry DISABLE TRIGGER wfx_ledgerentry_append_only;

UPDATE wfx_ledgerentry AS l
SET commission_line_id = e.commission_line_id, level = e.level, sequence = e.sequence,
    event = e.event
FROM wfx_commissionentry AS e
WHERE l.commission_entry_id = e.id;

INSERT INTO wfx_settlement (attribution_id, distributor_id, currency, created_at)
SELECT DISTINCT cl.attribution_id, e.distributor_id, e.currency, now()
FROM wfx_commissionentry AS e
JOIN wfx_commissionline AS cl ON cl.id = e.commission_line_id
WHERE NOT EXISTS (SELECT 1 FROM wfx_ledgerentry AS le WHERE le.commission_entry_id = e.id)
ON CONFLICT (attribution_id, distributor_id) DO NOTHING;

INSERT INTO wfx_ledgerentry
    (distributor_id, currency, bucket, kind, amount, movement, commission_line_id, level,
     sequence, event, settlement_id, actor, reason, created_at)
SELECT e.distributor_id, e.currency,
       CASE WHEN s.released_at IS NOT NULL THEN 'available'
            WHEN s.confirmed_at IS NOT NULL THEN 'hold'
            ELSE 'pending' END,
       e.kind, e.amount, md5('wfx-one-ledger:' || e.id)::uuid, e.commission_line_id, e.level,
       e.sequence, e.event, s.id, 'system', '', e.created_at
FROM wfx_commissionentry AS e
JOIN wfx_commissionline AS cl ON cl.id = e.commission_line_id
JOIN wfx_settlement AS s ON s.attribution_id = cl.attribution_id
                        AND s.distributor_id = e.distributor_id
WHERE NOT EXISTS (SELECT 1 FROM wfx_ledgerentry AS le WHERE le.commission_entry_id = e.id)
ORDER BY e.id;

-- Django's foreign keys are deferred; their checks must run before the table is altered again.
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE wfx_ledgerentry ENABLE TRIGGER wfx_ledgerentry_append_only;
"""

BACKWARD_SQL = """
ALTER TABLE wfx_ledgerentry DISABLE TRIGGER wfx_ledgerentry_append_only;

INSERT INTO wfx_commissionentry
    (id, commission_line_id, distributor_id, level, sequence, kind, amount, currency, event,
     created_at)
SELECT id, commission_line_id, distributor_id, level, sequence, kind, amount, currency, event,
       created_at
FROM wfx_ledgerentry
WHERE commission_line_id IS NOT NULL
ORDER BY id;

SELECT setval(pg_get_serial_sequence('wfx_commissionentry', 'id'),
              COALESCE((SELECT MAX(id) FROM wfx_commissionentry), 0) + 1, false);

UPDATE wfx_ledgerentry SET commission_entry_id = id WHERE commission_line_id IS NOT NULL;

SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE wfx_ledgerentry ENABLE TRIGGER wfx_ledgerentry_append_only;
"""

# 0002's trigger on the table that goes away, and its function.
DROP_COMMISSION_TRIGGER = """
DROP TRIGGER IF EXISTS wfx_commissionentry_append_only ON wfx_commissionentry;
DROP FUNCTION IF EXISTS wfx_ledger_is_append_only();
"""

RESTORE_COMMISSION_TRIGGER = """
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


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def carry_commission_over(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD_SQL, params=None)
        return
    # SQLite (the demo's database): no trigger to suspend; the same steps through the ORM.
    CommissionEntry = apps.get_model("wfx", "CommissionEntry")
    LedgerEntry = apps.get_model("wfx", "LedgerEntry")
    Settlement = apps.get_model("wfx", "Settlement")
    mirrored = {}
    for entry in LedgerEntry.objects.filter(commission_entry__isnull=False):
        mirrored[entry.commission_entry_id] = entry
    for commission in CommissionEntry.objects.select_related("commission_line").order_by("id"):
        entry = mirrored.get(commission.pk)
        if entry is not None:
            LedgerEntry.objects.filter(pk=entry.pk).update(
                commission_line_id=commission.commission_line_id,
                level=commission.level,
                sequence=commission.sequence,
                event=commission.event,
            )
            continue
        settlement, _ = Settlement.objects.get_or_create(
            attribution_id=commission.commission_line.attribution_id,
            distributor_id=commission.distributor_id,
            defaults={"currency": commission.currency},
        )
        bucket = (
            "available"
            if settlement.released_at
            else "hold"
            if settlement.confirmed_at
            else "pending"
        )
        LedgerEntry.objects.create(
            distributor_id=commission.distributor_id,
            currency=commission.currency,
            bucket=bucket,
            kind=commission.kind,
            amount=commission.amount,
            movement=uuid.uuid5(uuid.NAMESPACE_OID, f"wfx-one-ledger:{commission.pk}"),
            commission_line_id=commission.commission_line_id,
            level=commission.level,
            sequence=commission.sequence,
            event=commission.event,
            settlement=settlement,
            actor="system",
        )


def rebuild_commission_entries(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD_SQL, params=None)
        return
    CommissionEntry = apps.get_model("wfx", "CommissionEntry")
    LedgerEntry = apps.get_model("wfx", "LedgerEntry")
    for entry in LedgerEntry.objects.filter(commission_line__isnull=False).order_by("id"):
        CommissionEntry.objects.create(
            id=entry.pk,
            commission_line_id=entry.commission_line_id,
            distributor_id=entry.distributor_id,
            level=entry.level,
            sequence=entry.sequence,
            kind=entry.kind,
            amount=entry.amount,
            currency=entry.currency,
            event=entry.event,
        )
        LedgerEntry.objects.filter(pk=entry.pk).update(commission_entry_id=entry.pk)


class Migration(migrations.Migration):
    dependencies = [("wfx", "0006_money_ledger_append_only")]

    operations = [
        migrations.RemoveConstraint(
            model_name="ledgerentry", name="wfx_ledger_entry_traces_to_its_cause"
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="commission_line",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="wfx.commissionline",
            ),
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="event",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="level",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="sequence",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(carry_commission_over, rebuild_commission_entries),
        migrations.RemoveField(model_name="ledgerentry", name="commission_entry"),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.UniqueConstraint(
                condition=models.Q(("commission_line__isnull", False)),
                fields=("commission_line", "sequence"),
                name="wfx_ledger_commission_sequence",
            ),
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("level__isnull", True),
                    models.Q(("level__gte", 1), ("level__lte", 3)),
                    _connector="OR",
                ),
                name="wfx_ledger_level_1_3",
            ),
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind__in", ("accrual", "reversal")), _negated=True),
                    models.Q(("kind", "accrual"), ("amount__gt", 0)),
                    models.Q(("kind", "reversal"), ("amount__lt", 0)),
                    _connector="OR",
                ),
                name="wfx_ledger_commission_sign_matches_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("commission_line__isnull", False),
                        ("kind__in", ("accrual", "reversal")),
                        ("level__isnull", False),
                        ("sequence__isnull", False),
                        ("settlement__isnull", False),
                    ),
                    models.Q(
                        ("kind__in", ["confirmation", "release"]), ("settlement__isnull", False)
                    ),
                    models.Q(
                        ("kind__in", ["reservation", "reservation_return", "payout", "tax", "fee"]),
                        ("payout__isnull", False),
                    ),
                    models.Q(
                        ("kind", "adjustment"),
                        models.Q(("actor", ""), _negated=True),
                        models.Q(("reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="wfx_ledger_entry_traces_to_its_cause",
            ),
        ),
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind__in", ("accrual", "reversal")),
                    models.Q(
                        ("commission_line__isnull", True),
                        ("level__isnull", True),
                        ("sequence__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="wfx_ledger_plan_line_only_on_commission",
            ),
        ),
        migrations.RunPython(
            _on_postgresql(DROP_COMMISSION_TRIGGER), _on_postgresql(RESTORE_COMMISSION_TRIGGER)
        ),
        migrations.DeleteModel(name="CommissionEntry"),
    ]
