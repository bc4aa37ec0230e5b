"""The one-ledger migration (0007) on a populated database: a shop upgrading keeps every amount,
now in one ledger, with nothing written twice and nothing lost."""

import importlib
import uuid
from decimal import Decimal

import pytest
from django.apps import apps as current_apps
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum
from django.utils import timezone

BEFORE = ("wfx", "0006_money_ledger_append_only")

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = [target] if target else executor.loader.graph.leaf_nodes("wfx")
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def at_0006():
    old = migrate(BEFORE)
    yield old
    migrate(None)
    # A transactional test empties every table afterwards, the default grades too.
    Grade = current_apps.get_model("wfx", "Grade")
    if not Grade.objects.exists():
        importlib.import_module(
            "saleor_wfx_plugin.migrations.0004_default_grades"
        ).create_default_grades(current_apps, None)


def populate(old):
    """Two orders of one seller as 0006 kept them: one paid after the money ledger existed (its
    commission written twice, confirmed and on hold), one paid before it (commission entries
    only: an accrual and a partial refund, no settlement, no ledger rows)."""
    Distributor = old.get_model("wfx", "Distributor")
    ReferralAttribution = old.get_model("wfx", "ReferralAttribution")
    CommissionLine = old.get_model("wfx", "CommissionLine")
    CommissionEntry = old.get_model("wfx", "CommissionEntry")
    Settlement = old.get_model("wfx", "Settlement")
    LedgerEntry = old.get_model("wfx", "LedgerEntry")
    now = timezone.now()
    seller = Distributor.objects.create(code="DDD444", status="active", user_id="4")

    def order(number):
        attribution = ReferralAttribution.objects.create(
            order_id=uuid.uuid4(),
            order_number=number,
            channel_slug="default-channel",
            currency="CNY",
            source="code",
            seller=seller,
            placed_at=now,
            commissionable_at=now,
        )
        line = CommissionLine.objects.create(
            attribution=attribution,
            order_line_id=f"line-{number}",
            level=1,
            distributor=seller,
            rate=Decimal("10"),
            base=Decimal("299.00"),
            quantity=1,
        )
        return attribution, line

    recent, recent_line = order("1001")
    entry = CommissionEntry.objects.create(
        commission_line=recent_line,
        distributor=seller,
        level=1,
        sequence=1,
        kind="accrual",
        amount=Decimal("29.90"),
        currency="CNY",
        event="order_fully_paid",
    )
    settlement = Settlement.objects.create(
        attribution=recent, distributor=seller, currency="CNY", confirmed_at=now
    )
    LedgerEntry.objects.create(
        distributor=seller,
        currency="CNY",
        bucket="pending",
        kind="accrual",
        amount=Decimal("29.90"),
        movement=uuid.uuid4(),
        commission_entry=entry,
        settlement=settlement,
        actor="system",
    )
    confirmation = uuid.uuid4()
    for bucket, amount in (("pending", Decimal("-29.90")), ("hold", Decimal("29.90"))):
        LedgerEntry.objects.create(
            distributor=seller,
            currency="CNY",
            bucket=bucket,
            kind="confirmation",
            amount=amount,
            movement=confirmation,
            settlement=settlement,
            actor="system",
        )
    _, old_line = order("0999")
    for sequence, kind, amount, event in (
        (1, "accrual", Decimal("10.00"), "order_fully_paid"),
        (2, "reversal", Decimal("-4.00"), "order_refunded"),
    ):
        CommissionEntry.objects.create(
            commission_line=old_line,
            distributor=seller,
            level=1,
            sequence=sequence,
            kind=kind,
            amount=amount,
            currency="CNY",
            event=event,
        )
    return seller.pk, recent_line.pk, old_line.pk


def test_existing_commission_moves_into_the_one_ledger_and_back(at_0006):
    seller_id, recent_line_id, old_line_id = populate(at_0006)

    new = migrate(None)
    LedgerEntry = new.get_model("wfx", "LedgerEntry")
    Settlement = new.get_model("wfx", "Settlement")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('wfx_commissionentry')")
        assert cursor.fetchone() == (None,)
    commission = LedgerEntry.objects.filter(kind__in=["accrual", "reversal"]).order_by("id")
    assert [
        (e.commission_line_id, e.level, e.sequence, e.kind, e.amount, e.bucket, e.event)
        for e in commission
    ] == [
        (recent_line_id, 1, 1, "accrual", Decimal("29.900"), "pending", "order_fully_paid"),
        (old_line_id, 1, 1, "accrual", Decimal("10.000"), "pending", "order_fully_paid"),
        (old_line_id, 1, 2, "reversal", Decimal("-4.000"), "pending", "order_refunded"),
    ]
    # The order paid before the money ledger now has its settlement, waiting for its next
    # reconciliation to learn when it was fulfilled.
    carried = Settlement.objects.get(attribution__order_number="0999")
    assert (carried.distributor_id, carried.confirmed_at) == (seller_id, None)
    assert all(e.settlement_id is not None for e in commission)
    buckets = dict(
        LedgerEntry.objects.filter(distributor_id=seller_id)
        .values_list("bucket")
        .annotate(total=Sum("amount"))
    )
    assert buckets == {"pending": Decimal("6.000"), "hold": Decimal("29.900")}
    # Still append-only, and the carried rows cannot be written twice.
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(kind="accrual").update(amount=Decimal("1"))

    old = migrate(BEFORE)
    CommissionEntry = old.get_model("wfx", "CommissionEntry")
    assert sorted(
        CommissionEntry.objects.values_list("commission_line_id", "sequence", "amount")
    ) == sorted(
        [
            (recent_line_id, 1, Decimal("29.900")),
            (old_line_id, 1, Decimal("10.000")),
            (old_line_id, 2, Decimal("-4.000")),
        ]
    )
    OldLedger = old.get_model("wfx", "LedgerEntry")
    assert OldLedger.objects.filter(commission_entry__isnull=False).count() == 3
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        CommissionEntry.objects.update(amount=Decimal("1"))
