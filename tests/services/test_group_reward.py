"""团队拼团奖励 on PostgreSQL, through the same task Saleor's hooks use: five distinct customers
buy the serum through D's group within its window, and D's commission on all five orders rises
from 10 % to 15 %; a full refund that drops the group to four takes the extra back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_wfx_plugin.models import GroupBuy, GroupMember, LedgerEntry
from saleor_wfx_plugin.services.groups import start_group
from saleor_wfx_plugin.tasks import process_order_event

from .conftest import MASK, SERUM
from .helpers import entry_count, net_by_level

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(tree, program):
    return start_group(tree[3], product_id="serum", settings=program())


def buy(shop, group, customer, lines=(SERUM,), **kwargs):
    order = shop.place_order(
        list(lines),
        user_id=customer,
        email=f"{customer}@example.com",
        metadata={"group_code": group.code.lower()},
        **kwargs,
    )
    shop.pay(order.order_id)
    return order


def seller_amounts(orders):
    return [net_by_level(order)[1][1] for order in orders]


def test_a_group_of_five_raises_the_sellers_rate_on_every_order_of_it(shop, tree, group):
    orders = [buy(shop, group, f"c{i}") for i in range(4)]
    # Four customers: 10 % of 299.00 each; the group is not complete.
    assert seller_amounts(orders) == [Decimal("29.90")] * 4
    orders.append(buy(shop, group, "c4"))
    # The fifth completes it: 15 % on all five, 44.85 each, 224.25 for D in all.
    assert seller_amounts(orders) == [Decimal("44.85")] * 5
    # The uplines are paid as always: the bonus is the seller's, from sales.
    assert net_by_level(orders[0])[2] == ("CCC333", Decimal("14.95"))
    assert net_by_level(orders[0])[3] == ("BBB222", Decimal("5.98"))
    assert GroupBuy.objects.get().rewarded
    # The extra traces to each order's line; replaying every event posts nothing.
    before = LedgerEntry.objects.count()
    for order in orders:
        process_order_event(order.order_id, "order_fully_paid")
    assert LedgerEntry.objects.count() == before
    assert LedgerEntry.objects.filter(event="group_reward").count() == 4


def test_a_full_refund_that_drops_the_group_below_five_reverses_the_extra(shop, tree, group):
    orders = [buy(shop, group, f"c{i}") for i in range(5)]
    shop.refund(orders[1].order_id, Decimal("299.00"))
    assert seller_amounts(orders) == [
        Decimal("29.90"),
        Decimal("0.00"),
        Decimal("29.90"),
        Decimal("29.90"),
        Decimal("29.90"),
    ]
    assert not GroupBuy.objects.get().rewarded
    # A sixth customer in the window completes it again.
    orders.append(buy(shop, group, "c5"))
    assert seller_amounts(orders) == [Decimal("44.85"), Decimal("0.00")] + [Decimal("44.85")] * 4


def test_only_distinct_customers_in_the_window_buying_the_product_count(shop, tree, group):
    buy(shop, group, "c0")
    buy(shop, group, "c0")  # the same customer again
    buy(shop, group, "c1", lines=(MASK,))  # not the group's product
    buy(shop, group, "c2", placed_at=timezone.now() + timedelta(days=4))  # after the window
    buy(shop, group, "c3", referral_code="CCC333")  # sold by another distributor
    assert GroupMember.objects.count() == 1
    assert not GroupBuy.objects.get().rewarded


def test_the_bonus_stays_within_the_combined_cap(shop, tree, program):
    settings = program(max_total_rate="20")
    group = start_group(tree[3], product_id="serum", settings=settings)
    orders = [buy(shop, group, f"c{i}") for i in range(5)]
    # 10 + 5 + 2 = 17 %: 3 of the 5 fit under 20 %, 299.00 x 13 % = 38.87.
    assert seller_amounts(orders) == [Decimal("38.87")] * 5
    assert entry_count(orders[0]) == 4  # 3 levels, and one top-up of the seller's line


def test_an_order_rejected_in_fraud_review_leaves_the_group(shop, tree, group, program):
    from saleor_wfx_plugin.services.fraud import reject_held_order
    from saleor_wfx_plugin.shop import CustomerContacts

    settings = program(fraud_review="true")
    shop.contacts["4"] = CustomerContacts(addresses=("9 Home Rd, Suzhou",))
    orders = [buy(shop, group, f"c{i}") for i in range(4)]
    # The fifth ships to D's own home: held, but it completes the group for now.
    orders.append(buy(shop, group, "c4", shipping_address="9 home rd suzhou"))
    assert seller_amounts(orders) == [Decimal("44.85")] * 5
    reject_held_order(orders[4].order_id, actor="user:staff", reason="D's own", settings=settings)
    # Four honest customers are not a group of five: back to 10 %, the rejected one at 0.
    assert seller_amounts(orders) == [Decimal("29.90")] * 4 + [Decimal("0.00")]
    assert not GroupBuy.objects.get().rewarded
