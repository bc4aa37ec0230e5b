"""The programme's on/off history, the sweep's mark and retries, and order-level audit events.

The history is seeded from the programme's own records: a shop upgrading with attributions has
had the programme on since its first attributed order, so its recent orders do not become
`programme_off`. (Saleor keeps no history of the plugin's flag to seed from; a shop that is off
at the upgrade has that recorded at the programme's first reading of its settings, backdated to
the last order it attributed: see services/programme_history.py.)"""

import django.db.models.deletion
from django.db import migrations, models

FORBID_CHANGES = """
CREATE TRIGGER wfx_programmeswitch_append_only
    BEFORE UPDATE OR DELETE ON wfx_programmeswitch
    FOR EACH ROW EXECUTE FUNCTION wfx_table_is_append_only();
"""
ALLOW_CHANGES = "DROP TRIGGER IF EXISTS wfx_programmeswitch_append_only ON wfx_programmeswitch;"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def seed_history(apps, schema_editor):
    attributions = apps.get_model("wfx", "ReferralAttribution").objects
    switches = apps.get_model("wfx", "ProgrammeSwitch").objects
    first = attributions.order_by("placed_at").values_list("placed_at", flat=True).first()
    if first is not None and not switches.exists():
        switches.create(active=True, at=first, source="migration")


class Migration(migrations.Migration):
    dependencies = [
        ("wfx", "0009_money_given_back"),
    ]

    operations = [
        migrations.CreateModel(
            name="SweepMark",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=32, unique=True)),
                ("changed_at", models.DateTimeField()),
                ("order_id", models.CharField(blank=True, max_length=64)),
                ("completed_at", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="SweepRetry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order_id", models.CharField(max_length=64, unique=True)),
                ("attempts", models.PositiveIntegerField(default=1)),
                ("first_failed_at", models.DateTimeField()),
                ("last_failed_at", models.DateTimeField()),
                ("next_attempt_at", models.DateTimeField(db_index=True)),
                ("last_error", models.TextField(blank=True)),
            ],
        ),
        migrations.AlterField(
            model_name="referralattribution",
            name="code_rejection",
            field=models.CharField(
                blank=True,
                choices=[
                    ("malformed_code", "Malformed_Code"),
                    ("unknown_code", "Unknown_Code"),
                    ("inactive_distributor", "Inactive_Distributor"),
                    ("suspended_distributor", "Suspended_Distributor"),
                    ("self_purchase", "Self_Purchase"),
                    ("referral_expired", "Referral_Expired"),
                    ("programme_off", "Programme_Off"),
                ],
                max_length=32,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="referralattribution",
            name="source",
            field=models.CharField(
                choices=[
                    ("code", "Code"),
                    ("binding", "Binding"),
                    ("staff", "Staff"),
                    ("none", "None"),
                ],
                max_length=16,
            ),
        ),
        migrations.CreateModel(
            name="AttributionEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("attributed_by_hand", "Attributed By Hand")], max_length=32
                    ),
                ),
                ("actor", models.CharField(max_length=128)),
                ("reason", models.CharField(blank=True, max_length=500)),
                ("data", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "attribution",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="wfx.referralattribution",
                    ),
                ),
            ],
            options={
                "ordering": ("-created_at", "-id"),
            },
        ),
        migrations.CreateModel(
            name="ProgrammeSwitch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("active", models.BooleanField()),
                ("at", models.DateTimeField()),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("plugin_update", "Plugin Update"),
                            ("observed", "Observed"),
                            ("migration", "Migration"),
                        ],
                        max_length=16,
                    ),
                ),
                ("actor", models.CharField(blank=True, max_length=128)),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ("-at", "-id"),
                "indexes": [models.Index(fields=["at", "id"], name="wfx_switch_at")],
            },
        ),
        migrations.RunPython(seed_history, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(FORBID_CHANGES), _on_postgresql(ALLOW_CHANGES)),
    ]
