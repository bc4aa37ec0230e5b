"""The dashboard demo's opening balances are staff adjustments like any other: they pass the
duty checks (staff only, a second approver above the threshold) and leave the audit trail."""

from decimal import Decimal

import pytest

from saleor_wfx_plugin.models import BalanceAdjustment, DistributorEvent
from saleor_wfx_plugin.sandbox import dashboard_demo
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services import ledger
from saleor_wfx_plugin.services.duties import DutiesError

pytestmark = pytest.mark.django_db

Event = DistributorEvent.Kind


def test_the_demo_s_large_opening_balance_waits_for_a_second_staff_user():
    dashboard_demo.seed_dashboard_data()

    rows = {
        adjustment.distributor.code: (
            adjustment.amount,
            adjustment.status,
            adjustment.requested_by,
            adjustment.approved_by,
        )
        for adjustment in BalanceAdjustment.objects.select_related("distributor")
    }
    # CNY 180.00 is within the default threshold of CNY 5,000.00: one staff user applies it.
    # CNY 6,200.00 is above it: asked for by one staff user, applied by another.
    assert rows == {
        "BBB222": (Decimal("180.00"), "applied", "user:staff-1", "user:staff-1"),
        "CCC333": (Decimal("6200.00"), "applied", "user:staff-1", "user:staff-2"),
    }
    large = BalanceAdjustment.objects.get(distributor__code="CCC333")
    assert list(
        DistributorEvent.objects.filter(distributor=large.distributor)
        .filter(kind__startswith="adjustment_")
        .order_by("pk")
        .values_list("kind", "actor")
    ) == [
        (Event.ADJUSTMENT_REQUESTED, "user:staff-1"),
        (Event.ADJUSTMENT_APPLIED, "user:staff-2"),
    ]
    # The 6,200.00 was on the balance when the demo asked for it as a payout: it is reserved,
    # and the story's own commission (132.23) is what stays available.
    money = balance(large.distributor, "CNY")
    assert (money.reserved, money.available) == (Decimal("6200.00"), Decimal("132.23"))


def test_an_app_cannot_seed_the_demo_s_balances(monkeypatch):
    monkeypatch.setattr(dashboard_demo, "DEMO_STAFF", "app:demo-importer")

    with pytest.raises(DutiesError) as refused:
        dashboard_demo.seed_dashboard_data()

    assert refused.value.code == "staff_only"
    assert not BalanceAdjustment.objects.exists()


def test_the_ledger_offers_no_adjustment_that_skips_the_duty_checks():
    assert not hasattr(ledger, "adjust_balance")
