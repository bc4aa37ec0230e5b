"""Growth rules (issue 11): ladder brackets and bonus rules per currency, month-end closes, the
awards they post (per order line, so each traces to its orders), and the ledger's `bonus` kind
that carries them. Additive: existing rows are untouched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wfx", "0014_api_scale_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="BonusRules",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("currency", models.CharField(max_length=3, unique=True)),
                (
                    "team_threshold",
                    models.DecimalField(blank=True, decimal_places=3, max_digits=20, null=True),
                ),
                (
                    "team_extra_rate",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True),
                ),
                (
                    "same_grade_share",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True),
                ),
                (
                    "per_order_amount",
                    models.DecimalField(blank=True, decimal_places=3, max_digits=20, null=True),
                ),
                (
                    "per_order_monthly_cap",
                    models.DecimalField(blank=True, decimal_places=3, max_digits=20, null=True),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.CreateModel(
            name="GrowthAward",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "rule",
                    models.CharField(
                        choices=[
                            ("ladder", "Ladder"),
                            ("team", "Team"),
                            ("same_grade", "Same Grade"),
                            ("per_order", "Per Order"),
                        ],
                        max_length=16,
                    ),
                ),
                ("currency", models.CharField(max_length=3)),
                ("amount", models.DecimalField(decimal_places=3, max_digits=20)),
            ],
        ),
        migrations.CreateModel(
            name="GrowthAwardLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("order_line_id", models.CharField(max_length=64)),
                ("level", models.PositiveSmallIntegerField()),
                ("rate", models.DecimalField(decimal_places=8, max_digits=14)),
                ("full_amount", models.DecimalField(decimal_places=3, max_digits=20)),
                ("amount", models.DecimalField(decimal_places=3, max_digits=20)),
                ("is_reversal", models.BooleanField(default=False)),
            ],
        ),
        migrations.CreateModel(
            name="LadderBracket",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("currency", models.CharField(max_length=3)),
                ("min_sales", models.DecimalField(decimal_places=3, max_digits=20)),
                ("rate", models.DecimalField(decimal_places=2, max_digits=5)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ("currency", "min_sales"),
            },
        ),
        migrations.CreateModel(
            name="MonthClose",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(unique=True)),
                ("closed_at", models.DateTimeField(auto_now_add=True)),
                ("actor", models.CharField(blank=True, max_length=128)),
            ],
            options={
                "ordering": ("-month",),
            },
        ),
        migrations.RemoveConstraint(
            model_name="ledgerentry",
            name="wfx_ledger_entry_traces_to_its_cause",
        ),
        migrations.AlterField(
            model_name="ledgerentry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("accrual", "Accrual"),
                    ("reversal", "Reversal"),
                    ("confirmation", "Confirmation"),
                    ("release", "Release"),
                    ("reservation", "Reservation"),
                    ("reservation_return", "Reservation Return"),
                    ("payout", "Payout"),
                    ("tax", "Tax"),
                    ("fee", "Fee"),
                    ("adjustment", "Adjustment"),
                    ("bonus", "Bonus"),
                ],
                max_length=24,
            ),
        ),
        migrations.AddConstraint(
            model_name="bonusrules",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("team_extra_rate__isnull", True), ("team_threshold__isnull", True)),
                    models.Q(
                        ("team_extra_rate__gt", 0),
                        ("team_extra_rate__lte", 100),
                        ("team_threshold__gt", 0),
                    ),
                    _connector="OR",
                ),
                name="wfx_team_bonus_complete",
            ),
        ),
        migrations.AddField(
            model_name="growthaward",
            name="distributor",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="awards",
                to="wfx.distributor",
            ),
        ),
        migrations.AddField(
            model_name="ledgerentry",
            name="award",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="entries",
                to="wfx.growthaward",
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
                    models.Q(("award__isnull", False), ("kind", "bonus")),
                    _connector="OR",
                ),
                name="wfx_ledger_entry_traces_to_its_cause",
            ),
        ),
        migrations.AddField(
            model_name="growthawardline",
            name="attribution",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="growth_award_lines",
                to="wfx.referralattribution",
            ),
        ),
        migrations.AddField(
            model_name="growthawardline",
            name="award",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="lines",
                to="wfx.growthaward",
            ),
        ),
        migrations.AddConstraint(
            model_name="ladderbracket",
            constraint=models.UniqueConstraint(
                fields=("currency", "min_sales"), name="wfx_one_bracket_per_threshold"
            ),
        ),
        migrations.AddConstraint(
            model_name="ladderbracket",
            constraint=models.CheckConstraint(
                condition=models.Q(("rate__gte", 0), ("rate__lte", 100)),
                name="wfx_bracket_rate_0_100",
            ),
        ),
        migrations.AddConstraint(
            model_name="ladderbracket",
            constraint=models.CheckConstraint(
                condition=models.Q(("min_sales__gt", 0)), name="wfx_bracket_above_zero"
            ),
        ),
        migrations.AddField(
            model_name="growthaward",
            name="close",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="awards",
                to="wfx.monthclose",
            ),
        ),
        migrations.AddIndex(
            model_name="growthawardline",
            index=models.Index(fields=["attribution"], name="wfx_award_line_order"),
        ),
        migrations.AddConstraint(
            model_name="growthawardline",
            constraint=models.CheckConstraint(
                condition=models.Q(("level__gte", 1), ("level__lte", 3)), name="wfx_award_level_1_3"
            ),
        ),
        migrations.AddConstraint(
            model_name="growthaward",
            constraint=models.UniqueConstraint(
                fields=("close", "distributor", "rule", "currency"),
                name="wfx_one_award_per_month_rule",
            ),
        ),
    ]
