"""Staff reverse an order's commission for a refund made in the payment provider's console, and
see the reversal on the order's commission."""

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from saleor_wfx_plugin.models import ExternalRefund
from tests.services.conftest import SERUM
from tests.services.helpers import net_by_level

from .conftest import customer, permission_denied, staff

pytestmark = pytest.mark.django_db

ORDER_CLERK = staff("MANAGE_ORDERS", user_id="910")
CASHIER = staff("HANDLE_PAYMENTS", user_id="911")

REVERSE = """
mutation ($orderId: ID, $orderNumber: String, $amount: Decimal, $currency: String,
          $everything: Boolean, $reason: String!, $key: String!) {
  orderCommissionReverse(orderId: $orderId, orderNumber: $orderNumber, amount: $amount,
                         currency: $currency, everything: $everything, reason: $reason,
                         idempotencyKey: $key) {
    reversal { amount { amount currency } everything reason actor }
    orderCommission {
      orderNumber givenBack { amount currency }
      commissions { level amount { amount } status }
    }
    errors { field code message }
  }
}
"""
ORDER_COMMISSION = """
query ($orderId: ID, $orderNumber: String) {
  orderCommission(orderId: $orderId, orderNumber: $orderNumber) {
    orderNumber currency cancelled overRefunded givenBack { amount }
    commissions { level distributor { code } amount { amount } }
    reversals { amount { amount currency } everything reason actor createdAt }
  }
}
"""


@pytest.fixture
def paid_order(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444", shipping=Decimal("10"))
    shop.pay(order.order_id)
    return order


def variables(order, **overrides):
    return {
        "orderNumber": order.number,
        "amount": "74.75",
        "currency": "CNY",
        "reason": "Refunded in the WeChat Pay merchant console",
        "key": "wx-refund-1",
        **overrides,
    }


def test_an_order_clerk_reverses_part_of_an_orders_commission(api, paid_order):
    payload = api.ok(REVERSE, variables(paid_order), viewer=ORDER_CLERK)["orderCommissionReverse"]
    assert payload["reversal"] == {
        "amount": {"amount": "74.75", "currency": "CNY"},
        "everything": False,
        "reason": "Refunded in the WeChat Pay merchant console",
        "actor": "user:910",
    }
    assert payload["orderCommission"]["givenBack"] == {"amount": "74.75", "currency": "CNY"}
    assert [
        (row["level"], row["amount"]["amount"], row["status"])
        for row in payload["orderCommission"]["commissions"]
    ] == [
        (1, "22.43", "PARTIALLY_REVERSED"),
        (2, "11.21", "PARTIALLY_REVERSED"),
        (3, "4.49", "PARTIALLY_REVERSED"),
    ]
    # A retry of the same request (a double click, a lost response) changes nothing.
    again = api.ok(REVERSE, variables(paid_order), viewer=ORDER_CLERK)["orderCommissionReverse"]
    assert again["reversal"] == payload["reversal"]
    assert ExternalRefund.objects.count() == 1
    assert net_by_level(paid_order)[1] == ("DDD444", Decimal("22.43"))


def test_the_reversal_is_on_the_orders_commission_by_saleor_order_id(api, paid_order):
    api.ok(
        REVERSE,
        variables(
            paid_order,
            orderNumber=None,
            orderId=to_global_id("Order", paid_order.order_id),
            amount=None,
            currency=None,
            everything=True,
        ),
        viewer=ORDER_CLERK,
    )
    found = api.ok(ORDER_COMMISSION, {"orderId": paid_order.order_id}, viewer=ORDER_CLERK)
    view = found["orderCommission"]
    assert (view["orderNumber"], view["currency"], view["overRefunded"]) == (
        paid_order.number,
        "CNY",
        False,
    )
    assert {row["amount"]["amount"] for row in view["commissions"]} == {"0.00"}
    [reversal] = view["reversals"]
    assert (reversal["amount"], reversal["everything"], reversal["actor"]) == (
        None,
        True,
        "user:910",
    )


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"amount": "400"}, "EXCEEDS_REMAINING", "amount"),
        ({"amount": "-1"}, "INVALID_AMOUNT", "amount"),
        ({"currency": "USD"}, "CURRENCY_MISMATCH", "currency"),
        ({"reason": ""}, "REASON_REQUIRED", "reason"),
        ({"orderNumber": "999999"}, "NOT_FOUND", "orderNumber"),
        ({"orderId": "not-an-id", "orderNumber": None}, "NOT_FOUND", "orderId"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(api, paid_order, overrides, code, field):
    body = api(REVERSE, variables(paid_order, **overrides), viewer=ORDER_CLERK)
    assert "errors" not in body
    payload = body["data"]["orderCommissionReverse"]
    assert [(error["code"], error["field"]) for error in payload["errors"]] == [(code, field)]
    assert payload["reversal"] is None
    assert not ExternalRefund.objects.exists()
    assert net_by_level(paid_order)[1] == ("DDD444", Decimal("29.90"))


@pytest.mark.parametrize("viewer", [CASHIER, customer("4", "d@example.com"), None])
def test_only_staff_with_manage_orders_may_reverse_or_look(api, paid_order, viewer):
    assert permission_denied(api(REVERSE, variables(paid_order), viewer=viewer))
    assert permission_denied(
        api(ORDER_COMMISSION, {"orderNumber": paid_order.number}, viewer=viewer)
    )
    assert not ExternalRefund.objects.exists()
