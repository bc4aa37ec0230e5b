"""Staff attribute by hand an order placed while the programme was off, for a merchant who does
want to pay it; anything else is refused with nothing written."""

from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.attribution import DistributorStatus
from saleor_wfx_plugin.errors import OrderError
from saleor_wfx_plugin.models import AttributionEvent, ReferralAttribution
from saleor_wfx_plugin.services.distributors import set_status
from saleor_wfx_plugin.services.manual_attribution import attribute_by_hand, find_attribution

from .conftest import SERUM
from .helpers import entry_count, net_by_level

pytestmark = pytest.mark.django_db

STAFF = "user:900"


@pytest.fixture
def off_order(shop, tree):
    """A referred order placed and paid while the programme was off, seen after it was back on."""
    shop.switch_plugin(False)
    order = shop.place_order([SERUM], referral_code="DDD444", email="buyer@example.com")
    shop.pay(order.order_id)
    shop.switch_plugin(True)
    from saleor_wfx_plugin.tasks import reconcile_recent_orders_task

    reconcile_recent_orders_task()
    assert ReferralAttribution.objects.get(order_id=order.order_id).code_rejection == (
        "programme_off"
    )
    return order


def _attribute(shop, order, code=None, reason="Campaign week honoured after all"):
    attribution = find_attribution(order_number=order.number)
    return attribute_by_hand(shop(), attribution, distributor_code=code, reason=reason, actor=STAFF)


def test_attributing_by_hand_pays_the_submitted_codes_chain_and_records_who_and_why(
    shop, off_order
):
    done = _attribute(shop, off_order)

    assert len(done.posted) == 3
    assert net_by_level(off_order) == {
        1: ("DDD444", Decimal("29.90")),
        2: ("CCC333", Decimal("14.95")),
        3: ("BBB222", Decimal("5.98")),
    }
    attribution = ReferralAttribution.objects.get(order_id=off_order.order_id)
    assert (attribution.source, attribution.code_rejection) == ("staff", None)
    event = AttributionEvent.objects.get(attribution=attribution)
    assert (event.kind, event.actor, event.reason) == (
        "attributed_by_hand",
        STAFF,
        "Campaign week honoured after all",
    )
    assert event.data["previous_reason"] == "programme_off"
    assert event.data["distributor"] == "DDD444"


def test_staff_may_name_another_distributor(shop, off_order):
    _attribute(shop, off_order, code=" ccc333 ")
    assert net_by_level(off_order) == {
        1: ("CCC333", Decimal("29.90")),
        2: ("BBB222", Decimal("14.95")),
        3: ("AAA111", Decimal("5.98")),
    }


def test_a_later_refund_reverses_a_hand_attributed_order_like_any_other(shop, off_order):
    _attribute(shop, off_order)
    shop.refund(off_order.order_id, Decimal("299.00"))
    assert net_by_level(off_order)[1] == ("DDD444", Decimal("0.00"))


def test_an_order_attributed_once_is_not_attributed_again(shop, off_order):
    _attribute(shop, off_order)
    with pytest.raises(OrderError) as refused:
        _attribute(shop, off_order, code="CCC333")
    assert refused.value.code == "not_programme_off"
    assert net_by_level(off_order)[1] == ("DDD444", Decimal("29.90"))
    assert AttributionEvent.objects.count() == 1


def test_only_orders_placed_while_off_are_attributed_by_hand(shop, tree):
    order = shop.place_order([SERUM], referral_code="NOPE99")
    shop.pay(order.order_id)
    with pytest.raises(OrderError) as refused:
        _attribute(shop, order, code="DDD444")
    assert refused.value.code == "not_programme_off"
    assert entry_count(order) == 0


@pytest.mark.parametrize(
    ("code", "error"),
    [("NOPE99", "invalid_code"), ("x", "invalid_code"), ("DDD444", "inactive_distributor")],
)
def test_a_distributor_who_cannot_earn_is_refused_and_nothing_is_written(
    shop, tree, off_order, code, error
):
    set_status(tree[3], DistributorStatus.SUSPENDED)
    with pytest.raises(OrderError) as refused:
        _attribute(shop, off_order, code=code)
    assert (refused.value.code, refused.value.field) == (error, "distributorCode")
    attribution = ReferralAttribution.objects.get(order_id=off_order.order_id)
    assert (attribution.code_rejection, attribution.seller_id) == ("programme_off", None)
    assert not AttributionEvent.objects.exists()
    assert entry_count(off_order) == 0


def test_the_buyers_own_code_is_refused_when_self_purchase_is_off(shop, tree):
    shop.switch_plugin(False)
    order = shop.place_order([SERUM], referral_code="DDD444", email="d@example.com")
    shop.pay(order.order_id)
    shop.switch_plugin(True)
    from saleor_wfx_plugin.tasks import process_order_event

    process_order_event(order.order_id, "sweep")
    with pytest.raises(OrderError) as refused:
        _attribute(shop, order)
    assert refused.value.code == "self_purchase"


def test_a_reason_is_required(shop, off_order):
    with pytest.raises(OrderError) as refused:
        _attribute(shop, off_order, reason="   ")
    assert refused.value.code == "reason_required"


def test_nothing_is_attributed_while_the_programme_is_off(shop, off_order):
    shop.switch_plugin(False)
    with pytest.raises(OrderError) as refused:
        _attribute(shop, off_order)
    assert refused.value.code == "program_inactive"
    assert entry_count(off_order) == 0
