"""团队拼团奖励: groups distributors start for a product, and the orders that joined them."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('wfx', '0018_fraud_bindings_vouchers'),
    ]

    operations = [
        migrations.CreateModel(
            name='GroupBuy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=32, unique=True)),
                ('product_id', models.CharField(max_length=64)),
                ('size', models.PositiveIntegerField()),
                ('bonus_rate', models.DecimalField(decimal_places=2, max_digits=5)),
                ('started_at', models.DateTimeField()),
                ('ends_at', models.DateTimeField()),
                ('rewarded', models.BooleanField(default=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('distributor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='groups', to='wfx.distributor')),
            ],
            options={
                'ordering': ('-started_at', '-id'),
            },
        ),
        migrations.CreateModel(
            name='GroupMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('customer_key', models.CharField(max_length=320)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('attribution', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='group_membership', to='wfx.referralattribution')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='members', to='wfx.groupbuy')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('group', 'customer_key'), name='wfx_one_member_per_customer')],
            },
        ),
    ]
