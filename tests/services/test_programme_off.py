"""Off means off: an order placed while the merchant had the programme switched off never earns,
whatever runs after it is back on; a pause the merchant did not ask for is not "off"; money owed
on orders that earned before the switch-off is still reconciled."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_wfx_plugin.models import ProgrammeSwitch, ReferralAttribution
from saleor_wfx_plugin.saleor_host import version
from saleor_wfx_plugin.selectors.programme import programme_active_at
from saleor_wfx_plugin.services.programme_history import observe_programme_state
from saleor_wfx_plugin.services.sweep import sweep_from_mark
from saleor_wfx_plugin.tasks import process_order_event, reconcile_recent_orders_task

from .conftest import PROGRAMME_ON_SINCE, SERUM
from .helpers import entry_count, net_by_level

pytestmark = pytest.mark.django_db


def _attribution(order):
    return ReferralAttribution.objects.get(order_id=order.order_id)


def test_a_referred_order_placed_while_off_earns_nothing_once_the_programme_is_back_on(shop, tree):
    shop.switch_plugin(False)
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    assert not ReferralAttribution.objects.exists()  # hooks do nothing while off

    shop.switch_plugin(True)
    reconcile_recent_orders_task()  # the sweep beat runs after the switch-on
    process_order_event(order.order_id, "order_fully_paid")  # and a late hook

    attribution = _attribution(order)
    assert (attribution.code_rejection, attribution.seller_id) == ("programme_off", None)
    assert attribution.submitted_code == "DDD444"
    assert entry_count(order) == 0


def test_orders_placed_before_the_programme_was_first_switched_on_are_off(shop, tree):
    # Imported with orderBulkCreate, say, carrying an old referral code and its old date.
    order = shop.place_order(
        [SERUM],
        referral_code="DDD444",
        placed_at=PROGRAMME_ON_SINCE - timedelta(seconds=1),
        notify=False,
    )
    shop.pay(order.order_id, notify=False)
    process_order_event(order.order_id, "order_bulk_created")
    assert _attribution(order).code_rejection == "programme_off"
    assert entry_count(order) == 0


def test_an_order_placed_at_the_moment_of_the_switch_on_earns(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444", placed_at=PROGRAMME_ON_SINCE)
    shop.pay(order.order_id)
    assert net_by_level(order)[1] == ("DDD444", Decimal("29.90"))


def test_the_history_records_each_plugin_update_switch_once(shop, tree):
    before = timezone.now()
    shop.switch_plugin(False)
    shop.switch_plugin(False)  # a save that changes only settings
    shop.switch_plugin(True)
    recorded = list(
        ProgrammeSwitch.objects.filter(at__gte=before)
        .order_by("at", "id")
        .values_list("active", "source")
    )
    assert recorded == [(False, "plugin_update"), (True, "plugin_update")]


def test_a_switch_made_outside_plugin_update_is_noticed_at_the_next_reading(shop, tree, settings):
    settings.WFX_PROGRAM_ACTIVE = False  # switched off in Django's admin
    noticed_off = timezone.now()
    reconcile_recent_orders_task()  # beat runs the sweep while off: it notes the switch
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    settings.WFX_PROGRAM_ACTIVE = True
    reconcile_recent_orders_task()

    last_two = list(ProgrammeSwitch.objects.order_by("-at", "-id")[:2])
    assert [(switch.active, switch.source) for switch in last_two] == [
        (True, "observed"),
        (False, "observed"),
    ]
    assert last_two[1].at >= noticed_off
    assert _attribution(order).code_rejection == "programme_off"
    assert entry_count(order) == 0


def test_the_version_pause_is_not_off_and_the_sweep_catches_its_orders_up(shop, tree, monkeypatch):
    sweep_from_mark(shop())  # the mark exists from earlier runs
    monkeypatch.setattr(version, "host_saleor_supported", False)
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    assert reconcile_recent_orders_task()["orders_seen"] == 0  # paused: nothing runs
    assert entry_count(order) == 0

    monkeypatch.setattr(version, "host_saleor_supported", True)  # the right plugin release
    reconcile_recent_orders_task()

    assert programme_active_at(timezone.now())
    assert not ProgrammeSwitch.objects.filter(active=False).exists()
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("29.90")),
        2: ("CCC333", Decimal("14.95")),
        3: ("BBB222", Decimal("5.98")),
    }


def test_a_refund_made_while_off_is_reversed_after_the_switch_on_however_long_it_was_off(
    shop, tree
):
    now = timezone.now()
    order = shop.place_order([SERUM], referral_code="DDD444", placed_at=now - timedelta(days=7))
    shop.pay(order.order_id)
    assert net_by_level(order)[1] == ("DDD444", Decimal("29.90"))
    sweep_from_mark(shop(), now=now - timedelta(days=6))  # the last sweep before the switch-off

    shop.switch_plugin(False, at=now - timedelta(days=5))
    shop.refund(order.order_id, Decimal("100.00"))  # a third of the order, while off
    shop.changed_at[order.order_id] = now - timedelta(days=4)
    shop.switch_plugin(True)
    reconcile_recent_orders_task()

    # 29.90 × (1 - 100/299) = 19.90 after a reversal of 10.00; 14.95 → 9.95; 5.98 → 3.98.
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("19.90")),
        2: ("CCC333", Decimal("9.95")),
        3: ("BBB222", Decimal("3.98")),
    }


def test_an_order_placed_while_on_and_paid_while_off_earns_after_the_switch_on(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.switch_plugin(False)
    shop.pay(order.order_id)
    assert entry_count(order) == 0
    shop.switch_plugin(True)
    reconcile_recent_orders_task()
    assert net_by_level(order)[1] == ("DDD444", Decimal("29.90"))


def test_a_shop_off_at_the_upgrade_is_off_from_its_last_attributed_order(shop, tree, settings):
    earlier = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(earlier.order_id)
    last_seen = _attribution(earlier).created_at
    # The upgrade's seed says "on since the first attributed order"; the plugin is in fact off.
    ProgrammeSwitch.objects.create(
        active=True, at=last_seen - timedelta(days=30), source=ProgrammeSwitch.Source.MIGRATION
    )
    settings.WFX_PROGRAM_ACTIVE = False
    observe_programme_state(False)

    off = ProgrammeSwitch.objects.order_by("-at", "-id").first()
    assert (off.active, off.source, off.at) == (False, "observed", last_seen)
    assert programme_active_at(last_seen - timedelta(microseconds=1))
    assert not programme_active_at(last_seen + timedelta(seconds=1))
