"""Staff see why an order earned nothing, and attribute by hand an order placed while the
programme was off (MANAGE_ORDERS)."""

import pytest

from saleor_wfx_plugin.models import ReferralAttribution
from saleor_wfx_plugin.tasks import reconcile_recent_orders_task
from tests.services.conftest import SERUM

from .conftest import customer, permission_denied, staff

pytestmark = pytest.mark.django_db

ORDERS_STAFF = staff("MANAGE_ORDERS")
ATTRIBUTION_FIELDS = """orderNumber submittedCode source reason sellerCode earnedAt
  refunded { amount currency }
  events { totalCount edges { node { kind actor reason data } } }"""
ATTRIBUTE = f"""mutation($number: String, $code: String, $reason: String!) {{
  orderAttribute(orderNumber: $number, distributorCode: $code, reason: $reason) {{
    attribution {{ {ATTRIBUTION_FIELDS} }}
    errors {{ field code message }} }} }}"""
ONE = f"""query($number: String) {{ orderAttribution(orderNumber: $number) {{
  {ATTRIBUTION_FIELDS} }} }}"""
OFF_ORDERS = """{ orderAttributions(first: 10, filter: {reason: [PROGRAMME_OFF]}) {
  totalCount edges { node { orderNumber reason } } } }"""
SWITCHES = "{ programmeSwitches(first: 5) { edges { node { active source } } } }"
COMMISSIONS = """query($number: String) { commissions(filter: {orderNumber: $number}) {
  edges { node { level distributor { code } amount { amount } } } } }"""


@pytest.fixture
def off_order(shop, tree):
    shop.switch_plugin(False)
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    shop.switch_plugin(True)
    reconcile_recent_orders_task()
    return order


def test_staff_see_an_order_placed_while_off_with_its_reason(api, off_order):
    data = api.ok(ONE, {"number": off_order.number}, viewer=ORDERS_STAFF)["orderAttribution"]
    assert data["reason"] == "PROGRAMME_OFF"
    assert (data["source"], data["sellerCode"], data["submittedCode"]) == (
        "NONE",
        None,
        "DDD444",
    )
    listed = api.ok(OFF_ORDERS, viewer=ORDERS_STAFF)["orderAttributions"]
    assert [edge["node"]["orderNumber"] for edge in listed["edges"]] == [off_order.number]
    switches = api.ok(SWITCHES, viewer=ORDERS_STAFF)["programmeSwitches"]["edges"]
    assert [edge["node"] for edge in switches[:2]] == [
        {"active": True, "source": "PLUGIN_UPDATE"},
        {"active": False, "source": "PLUGIN_UPDATE"},
    ]


def test_staff_attribute_an_off_order_by_hand_and_it_earns(api, off_order):
    payload = api.ok(
        ATTRIBUTE,
        {"number": off_order.number, "reason": "Merchant pays the campaign week"},
        viewer=ORDERS_STAFF,
    )["orderAttribute"]
    attribution = payload["attribution"]
    assert (attribution["source"], attribution["reason"], attribution["sellerCode"]) == (
        "STAFF",
        None,
        "DDD444",
    )
    assert attribution["earnedAt"] is not None
    event = attribution["events"]["edges"][0]["node"]
    assert (event["kind"], event["actor"], event["reason"]) == (
        "ATTRIBUTED_BY_HAND",
        "user:900",
        "Merchant pays the campaign week",
    )
    lines = api.ok(COMMISSIONS, {"number": off_order.number}, viewer=ORDERS_STAFF)
    amounts = sorted(
        (
            edge["node"]["level"],
            edge["node"]["distributor"]["code"],
            edge["node"]["amount"]["amount"],
        )
        for edge in lines["commissions"]["edges"]
    )
    assert amounts == [(1, "DDD444", "29.90"), (2, "CCC333", "14.95"), (3, "BBB222", "5.98")]


def test_bad_input_is_an_error_with_a_code_and_writes_nothing(api, off_order, tree):
    cases = [
        ({"number": off_order.number, "reason": ""}, ("reason", "REASON_REQUIRED")),
        (
            {"number": off_order.number, "code": "NOPE99", "reason": "x"},
            ("distributorCode", "INVALID_CODE"),
        ),
        ({"number": "999999", "reason": "x"}, ("orderNumber", "NOT_FOUND")),
    ]
    for variables, (field, code) in cases:
        errors = api(ATTRIBUTE, variables, viewer=ORDERS_STAFF)["data"]["orderAttribute"]["errors"]
        assert [(error["field"], error["code"]) for error in errors] == [(field, code)]
    attribution = ReferralAttribution.objects.get(order_id=off_order.order_id)
    assert (attribution.code_rejection, attribution.seller_id) == ("programme_off", None)
    assert not attribution.events.exists()


def test_an_order_that_was_not_off_is_refused(api, shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    errors = api(
        ATTRIBUTE, {"number": order.number, "code": "CCC333", "reason": "x"}, viewer=ORDERS_STAFF
    )["data"]["orderAttribute"]["errors"]
    assert [error["code"] for error in errors] == ["NOT_PROGRAMME_OFF"]


@pytest.mark.parametrize(
    "viewer",
    [None, customer("4", "d@example.com"), staff("MANAGE_USERS", "HANDLE_PAYMENTS")],
)
def test_only_staff_with_manage_orders_see_or_attribute_orders(api, off_order, viewer):
    assert permission_denied(api(ONE, {"number": off_order.number}, viewer=viewer))
    assert permission_denied(api(OFF_ORDERS, viewer=viewer))
    assert permission_denied(api(SWITCHES, viewer=viewer))
    assert permission_denied(
        api(ATTRIBUTE, {"number": off_order.number, "reason": "x"}, viewer=viewer)
    )
    assert ReferralAttribution.objects.get(order_id=off_order.order_id).seller_id is None
