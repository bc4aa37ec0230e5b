"""Fraud review (a score per referred order, held commission, frozen balances), staff changes to
customer bindings (锁粉), distributors' exclusive vouchers, and group rewards (拼团)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wfx", "0015_growth_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="distributor",
            name="balance_frozen",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="referralattribution",
            name="voucher_code",
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AlterField(
            model_name="attributionevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("attributed_by_hand", "Attributed By Hand"),
                    ("fraud_held", "Fraud Held"),
                    ("fraud_allowed", "Fraud Allowed"),
                    ("fraud_rejected", "Fraud Rejected"),
                ],
                max_length=32,
            ),
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
                    ("balance_frozen", "Balance Frozen"),
                    ("balance_unfrozen", "Balance Unfrozen"),
                ],
                max_length=32,
            ),
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
                    ("bound_customer_protected", "Bound_Customer_Protected"),
                    ("voucher_wins", "Voucher_Wins"),
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
                    ("voucher", "Voucher"),
                    ("staff", "Staff"),
                    ("none", "None"),
                ],
                max_length=16,
            ),
        ),
        migrations.CreateModel(
            name="DistributorVoucher",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=255, unique=True)),
                ("saleor_voucher_id", models.CharField(max_length=64)),
                ("campaign", models.CharField(blank=True, max_length=255)),
                ("created_by", models.CharField(max_length=128)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "distributor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="vouchers",
                        to="wfx.distributor",
                    ),
                ),
            ],
            options={
                "ordering": ("-created_at", "-id"),
            },
        ),
        migrations.CreateModel(
            name="GroupBuy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=32, unique=True)),
                ("product_id", models.CharField(max_length=64)),
                ("size", models.PositiveIntegerField()),
                ("bonus_rate", models.DecimalField(decimal_places=2, max_digits=5)),
                ("started_at", models.DateTimeField()),
                ("ends_at", models.DateTimeField()),
                ("rewarded", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "distributor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="groups",
                        to="wfx.distributor",
                    ),
                ),
            ],
            options={
                "ordering": ("-started_at", "-id"),
            },
        ),
        migrations.CreateModel(
            name="BindingEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("customer_key", models.CharField(max_length=320)),
                (
                    "kind",
                    models.CharField(
                        choices=[("rebound", "Rebound"), ("unbound", "Unbound")], max_length=16
                    ),
                ),
                ("actor", models.CharField(max_length=128)),
                ("reason", models.CharField(max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "from_distributor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wfx.distributor",
                    ),
                ),
                (
                    "to_distributor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wfx.distributor",
                    ),
                ),
            ],
            options={
                "ordering": ("-created_at", "-id"),
                "indexes": [
                    models.Index(fields=["customer_key"], name="wfx_binding_event_customer")
                ],
            },
        ),
        migrations.CreateModel(
            name="FraudReview",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("score", models.PositiveIntegerField()),
                ("signals", models.JSONField(blank=True, default=list)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("clear", "Clear"),
                            ("held", "Held"),
                            ("allowed", "Allowed"),
                            ("rejected", "Rejected"),
                        ],
                        max_length=16,
                    ),
                ),
                ("address_hash", models.CharField(blank=True, max_length=64)),
                ("device_hash", models.CharField(blank=True, max_length=64)),
                ("placed_at", models.DateTimeField()),
                ("decided_by", models.CharField(blank=True, max_length=128)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("reason", models.CharField(blank=True, max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "attribution",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="fraud_review",
                        to="wfx.referralattribution",
                    ),
                ),
                (
                    "seller",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wfx.distributor",
                    ),
                ),
            ],
            options={
                "ordering": ("-placed_at", "-id"),
                "indexes": [
                    models.Index(fields=["address_hash", "placed_at"], name="wfx_fraud_address"),
                    models.Index(fields=["device_hash", "placed_at"], name="wfx_fraud_device"),
                    models.Index(fields=["status", "placed_at"], name="wfx_fraud_status"),
                ],
            },
        ),
        migrations.CreateModel(
            name="GroupMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("customer_key", models.CharField(max_length=320)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "attribution",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="group_membership",
                        to="wfx.referralattribution",
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="members",
                        to="wfx.groupbuy",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("group", "customer_key"), name="wfx_one_member_per_customer"
                    )
                ],
            },
        ),
    ]
