"""Attribution of orders to distributors, on PostgreSQL through the same task Saleor's hooks use."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from saleor_wfx_plugin.domain.attribution import DistributorStatus
from saleor_wfx_plugin.models import CustomerBinding, ReferralAttribution
from saleor_wfx_plugin.services.attribution import attribute_order
from saleor_wfx_plugin.services.distributors import change_upline, create_distributor, set_status

from .conftest import MASK, SERUM
from .helpers import net_by_level

pytestmark = pytest.mark.django_db


def test_the_tests_run_on_postgresql():
    assert connection.vendor == "postgresql"


def test_code_in_checkout_metadata_attributes_the_order_and_freezes_the_chain(shop, tree):
    _a, b, c, d = tree
    order = shop.place_order([SERUM], referral_code="  ddd444 ")
    attribution = ReferralAttribution.objects.get(order_id=order.order_id)
    assert attribution.source == "code"
    assert (attribution.seller, attribution.upline, attribution.grand_upline) == (d, c, b)
    assert attribution.code_rejection is None


def test_later_tree_changes_never_change_a_placed_order(shop, tree):
    a, d = tree[0], tree[3]
    order = shop.place_order([SERUM], referral_code="DDD444")
    change_upline(d, a)  # staff move D directly under A
    shop.pay(order.order_id)
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("29.90")),
        2: ("CCC333", Decimal("14.95")),
        3: ("BBB222", Decimal("5.98")),
    }
    next_order = shop.place_order([SERUM], referral_code="DDD444", email="new@example.com")
    shop.pay(next_order.order_id)
    assert net_by_level(next_order)[2] == ("AAA111", Decimal("14.95"))
    assert 3 not in net_by_level(next_order)  # A has no upline


@pytest.mark.parametrize(
    ("code", "status", "reason"),
    [
        ("NOPE99", None, "unknown_code"),
        ("<script>", None, "malformed_code"),
        ("EEE555", DistributorStatus.SUSPENDED, "suspended_distributor"),
        ("EEE555", DistributorStatus.PENDING, "inactive_distributor"),
    ],
)
def test_codes_that_cannot_earn_are_recorded_with_the_reason(shop, tree, code, status, reason):
    if status is not None:
        create_distributor(code="EEE555", email="e@example.com", status=status)
    order = shop.place_order([SERUM], referral_code=code)
    shop.pay(order.order_id)
    attribution = ReferralAttribution.objects.get(order_id=order.order_id)
    assert attribution.seller is None
    assert attribution.code_rejection == reason
    assert attribution.submitted_code == code
    assert net_by_level(order) == {}


def test_own_code_earns_nothing_when_self_purchase_is_off(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444", user_id="4", email="other@x.cn")
    shop.pay(order.order_id)
    attribution = ReferralAttribution.objects.get(order_id=order.order_id)
    assert attribution.code_rejection == "self_purchase"
    assert net_by_level(order) == {}


def test_own_code_earns_when_self_purchase_is_on(shop, tree, program):
    program(self_purchase_commission="true")
    order = shop.place_order([SERUM], referral_code="DDD444", user_id="4")
    shop.pay(order.order_id)
    assert net_by_level(order)[1] == ("DDD444", Decimal("29.90"))


def test_a_bound_customer_orders_again_without_a_code(shop, tree):
    first = shop.place_order([SERUM], referral_code="DDD444", email="Amy@Example.com")
    shop.pay(first.order_id)
    second = shop.place_order([MASK], email="amy@example.com")
    shop.pay(second.order_id)
    attribution = ReferralAttribution.objects.get(order_id=second.order_id)
    assert attribution.source == "binding"
    assert attribution.seller.code == "DDD444"
    binding = CustomerBinding.objects.get()
    assert binding.customer_key == "email:amy@example.com"
    assert str(binding.source_order_id) == first.order_id


def test_a_binding_lapses_after_its_days(shop, tree, program):
    program(customer_binding_days="30")
    placed = timezone.now() - timedelta(days=31)
    old = shop.place_order([SERUM], referral_code="DDD444", user_id="50", placed_at=placed)
    shop.pay(old.order_id)
    later = shop.place_order([SERUM], user_id="50")
    assert ReferralAttribution.objects.filter(order_id=later.order_id).exists() is False
    # The lapsed binding goes to whoever refers the customer now.
    new = shop.place_order([SERUM], referral_code="CCC333", user_id="50")
    shop.pay(new.order_id)
    assert CustomerBinding.objects.get(customer_key="user:50").distributor.code == "CCC333"


def test_first_referrer_keeps_the_customer_while_bound(shop, tree):
    first = shop.place_order([SERUM], referral_code="DDD444", user_id="60")
    shop.pay(first.order_id)
    other = shop.place_order([SERUM], referral_code="CCC333", user_id="60")
    shop.pay(other.order_id)
    assert ReferralAttribution.objects.get(order_id=other.order_id).seller.code == "CCC333"
    assert CustomerBinding.objects.get(customer_key="user:60").distributor.code == "DDD444"
    plain = shop.place_order([SERUM], user_id="60")
    assert ReferralAttribution.objects.get(order_id=plain.order_id).seller.code == "DDD444"


def test_binding_off_binds_nobody(shop, tree, program):
    program(customer_binding="false")
    first = shop.place_order([SERUM], referral_code="DDD444", user_id="70")
    shop.pay(first.order_id)
    later = shop.place_order([SERUM], user_id="70")
    assert not CustomerBinding.objects.exists()
    assert not ReferralAttribution.objects.filter(order_id=later.order_id).exists()


def test_an_unpaid_order_binds_nobody(shop, tree):
    # Anyone can start a checkout with a stranger's e-mail and their own code; only a paid order
    # may bind the customer.
    shop.place_order([SERUM], referral_code="DDD444", email="victim@example.com")
    assert not CustomerBinding.objects.exists()


def test_orders_with_neither_code_nor_binding_leave_no_row(shop, tree):
    order = shop.place_order([SERUM])
    shop.pay(order.order_id)
    assert not ReferralAttribution.objects.filter(order_id=order.order_id).exists()


def test_referral_older_than_the_window_is_refused(shop, tree, program):
    program(attribution_window_days="7")
    clicked = (timezone.now() - timedelta(days=8)).isoformat()
    order = shop.place_order(
        [SERUM], referral_code="DDD444", metadata={"referral_code_at": clicked}
    )
    assert ReferralAttribution.objects.get(order_id=order.order_id).code_rejection == (
        "referral_expired"
    )


def test_a_custom_metadata_key_is_honoured(shop, tree, program):
    program(referral_metadata_key="wfx_ref")
    order = shop.place_order([SERUM], metadata={"wfx_ref": "dDd444"})
    assert ReferralAttribution.objects.get(order_id=order.order_id).seller.code == "DDD444"


def test_attributing_twice_keeps_the_first_decision(shop, tree, program):
    order = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    settings = program()
    first = attribute_order(order, settings)
    set_status(tree[3], DistributorStatus.SUSPENDED)
    again = attribute_order(order, settings)
    assert first.pk == again.pk
    assert ReferralAttribution.objects.count() == 1
