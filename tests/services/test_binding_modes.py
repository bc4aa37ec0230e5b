"""锁粉 on PostgreSQL: permanent, N days and last-referrer bindings, the protection period, new
customers only, renewal by repeat orders, and staff re-binding and unbinding with a reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_wfx_plugin.domain.binding import PERMANENT_UNTIL
from saleor_wfx_plugin.errors import ProgrammeError
from saleor_wfx_plugin.models import BindingEvent, CustomerBinding, ReferralAttribution
from saleor_wfx_plugin.services.bindings import rebind_customer, unbind_customer

from .conftest import SERUM
from .helpers import net_by_level

pytestmark = pytest.mark.django_db


def order(shop, code=None, *, days_ago=0, user_id="80", pay=True):
    placed = timezone.now() - timedelta(days=days_ago)
    placed_order = shop.place_order([SERUM], referral_code=code, user_id=user_id, placed_at=placed)
    if pay:
        shop.pay(placed_order.order_id)
    return placed_order


def seller_of(placed_order):
    return ReferralAttribution.objects.get(order_id=placed_order.order_id).seller.code


def bound_to(user_id="80"):
    return CustomerBinding.objects.get(customer_key=f"user:{user_id}").distributor.code


def test_permanent_binding_outlives_any_number_of_days(shop, tree, program):
    program(customer_binding_mode="permanent")
    order(shop, "DDD444", days_ago=400)
    assert CustomerBinding.objects.get().expires_at == PERMANENT_UNTIL
    later = order(shop)
    assert seller_of(later) == "DDD444"


def test_last_referrer_takes_the_customer_with_their_code(shop, tree, program):
    program(customer_binding_mode="last_referrer")
    order(shop, "DDD444", days_ago=10)
    order(shop, "CCC333", days_ago=5)
    assert bound_to() == "CCC333"
    assert seller_of(order(shop)) == "CCC333"


def test_in_the_protection_period_another_code_earns_the_bound_distributor(shop, tree, program):
    program(customer_binding_mode="last_referrer", customer_binding_protection_days="7")
    order(shop, "DDD444", days_ago=3)
    poached = order(shop, "CCC333", days_ago=1)
    attribution = ReferralAttribution.objects.get(order_id=poached.order_id)
    assert (attribution.seller.code, attribution.source, attribution.code_rejection) == (
        "DDD444",
        "binding",
        "bound_customer_protected",
    )
    # D earns the seller's 10 % of 299.00 on it; C nothing.
    assert net_by_level(poached)[1] == ("DDD444", Decimal("29.90"))
    assert bound_to() == "DDD444"
    # Ten days after binding the protection is over: C's code takes the order and the customer.
    program(customer_binding_protection_days="2")
    after = order(shop, "CCC333")
    assert (seller_of(after), bound_to()) == ("CCC333", "CCC333")


def test_new_customers_only_does_not_bind_a_customer_who_bought_before(shop, tree, program):
    program(customer_binding_new_customers_only="true")
    order(shop, days_ago=20)  # an ordinary paid order, no code
    order(shop, "DDD444", days_ago=10)
    assert not CustomerBinding.objects.exists()
    # A first-time customer is bound.
    order(shop, "DDD444", user_id="81")
    assert bound_to("81") == "DDD444"


def test_a_repeat_order_renews_the_binding(shop, tree, program):
    program(customer_binding_days="30", customer_binding_renew_on_repeat="true")
    order(shop, "DDD444", days_ago=25)
    repeat = order(shop, days_ago=20)  # through the binding: renewed until 30 days after it
    binding = CustomerBinding.objects.get()
    assert binding.expires_at == repeat.placed_at + timedelta(days=30)
    # 31 days after the first order (bound for 30), 11 after the repeat one: still bound.
    assert seller_of(order(shop, days_ago=-6)) == "DDD444"


def test_without_renewal_a_repeat_order_leaves_the_end_date(shop, tree, program):
    program(customer_binding_days="30")
    first = order(shop, "DDD444", days_ago=25)
    order(shop, days_ago=20)
    assert CustomerBinding.objects.get().expires_at == ReferralAttribution.objects.get(
        order_id=first.order_id
    ).placed_at + timedelta(days=30)


def test_staff_rebind_and_unbind_with_a_reason_on_the_audit_trail(shop, tree, program):
    settings = program()
    order(shop, "DDD444", days_ago=2)
    rebind_customer(
        user_id="80",
        email=None,
        distributor_code="ccc333",
        actor="user:staff",
        reason="customer asked to move to C",
        settings=settings,
    )
    assert bound_to() == "CCC333"
    assert seller_of(order(shop)) == "CCC333"
    unbind_customer(user_id="80", email=None, actor="user:staff", reason="left the programme")
    assert not CustomerBinding.objects.exists()
    assert not ReferralAttribution.objects.filter(order_id=order(shop).order_id).exists()
    trail = list(
        BindingEvent.objects.order_by("id").values_list(
            "kind", "from_distributor__code", "to_distributor__code", "actor", "reason"
        )
    )
    assert trail == [
        ("rebound", "DDD444", "CCC333", "user:staff", "customer asked to move to C"),
        ("unbound", "CCC333", None, "user:staff", "left the programme"),
    ]


def test_staff_changes_need_a_reason_an_active_distributor_and_a_bound_customer(
    shop, tree, program
):
    settings = program()
    with pytest.raises(ProgrammeError) as error:
        rebind_customer(
            user_id="80",
            email=None,
            distributor_code="DDD444",
            actor="u",
            reason="",
            settings=settings,
        )
    assert error.value.code == "reason_required"
    with pytest.raises(ProgrammeError) as error:
        rebind_customer(
            user_id="80",
            email=None,
            distributor_code="NOPE99",
            actor="u",
            reason="x",
            settings=settings,
        )
    assert error.value.code == "not_found"
    with pytest.raises(ProgrammeError) as error:
        unbind_customer(user_id="80", email=None, actor="u", reason="x")
    assert error.value.code == "not_bound"
    assert not BindingEvent.objects.exists()
