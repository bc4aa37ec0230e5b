"""The combined rate cap and per-currency payouts as staff and distributors meet them in the API:
errors with the field and a stable code, and the capped rate shown beside the rate paid."""

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from saleor_wfx_plugin.models import Grade, Payout
from tests.services.helpers import staff_adjusts_balance

from ..services.conftest import SERUM
from .conftest import customer, staff

pytestmark = pytest.mark.django_db

MANAGER = staff("MANAGE_PLUGINS")
D = customer("4", "d@example.com")


def test_a_grade_rate_above_the_cap_is_refused_on_seller_rate(api, gold):
    body = api(
        """mutation($id: ID!) { gradeUpdate(id: $id, input: {sellerRate: "50"}) {
             grade { sellerRate } errors { field code message } } }""",
        {"id": to_global_id("Grade", gold.pk)},
        viewer=MANAGER,
    )["data"]["gradeUpdate"]
    assert body["grade"] is None
    [error] = body["errors"]
    assert (error["field"], error["code"]) == ("sellerRate", "RATE_ABOVE_CAP")
    assert "above max_total_rate 40%" in error["message"]
    assert Grade.objects.get(pk=gold.pk).seller_rate == Decimal("15.00")


def test_a_payout_in_a_currency_without_a_minimum_is_refused_on_currency(api, tree):
    staff_adjusts_balance(
        distributor_id=tree[3].pk, currency="EUR", amount=Decimal("80"), reason="x"
    )
    body = api(
        """mutation($input: PayoutRequestInput!) { payoutRequest(input: $input) {
             payout { id } errors { field code } } }""",
        {
            "input": {
                "currency": "EUR",
                "amount": "50",
                "method": "ALIPAY",
                "payeeName": "王小明",
                "account": "13812345678",
                "idempotencyKey": "eur-1",
            }
        },
        viewer=D,
    )["data"]["payoutRequest"]
    assert body == {
        "payout": None,
        "errors": [{"field": "currency", "code": "CURRENCY_NOT_PAYABLE"}],
    }
    assert not Payout.objects.exists()


def test_a_capped_commission_shows_the_rate_it_was_capped_from(api, shop, tree, program):
    program(level2_rate="50")  # stored before the cap existed
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    edges = api.ok(
        """{ commissions(first: 10) { edges { node { level rate uncappedRate
               amount { amount } } } } }""",
        viewer=staff("MANAGE_ORDERS"),
    )["commissions"]["edges"]
    rows = sorted((e["node"]["level"], e["node"]["rate"], e["node"]["uncappedRate"]) for e in edges)
    assert rows == [(1, "10.00", None), (2, "30.00", "50.00"), (3, "0.00", "2.00")]
    amounts = {e["node"]["level"]: e["node"]["amount"]["amount"] for e in edges}
    assert amounts == {1: "29.90", 2: "89.70", 3: "0.00"}
