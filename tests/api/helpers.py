"""Roles and steps the API tests share: who asks, and funding, requesting and paying
out a distributor's money through the API."""

from decimal import Decimal

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_wfx_plugin.shop import shop_time_zone
from tests.services.conftest import SERUM
from tests.services.helpers import staff_adjusts_balance

from .conftest import customer, staff

MANAGER = staff("MANAGE_USERS", "MANAGE_ORDERS", "HANDLE_PAYMENTS", user_id="900")
USERS_ONLY = staff("MANAGE_USERS", user_id="901")
CASHIER = staff("HANDLE_PAYMENTS", user_id="902")
PLUGINS_ONLY = staff("MANAGE_PLUGINS", user_id="903")
D = customer("4", "d@example.com")


def gid(distributor):
    return to_global_id("Distributor", distributor.pk)


def today():
    return timezone.localdate(timezone=shop_time_zone())


def fund(distributor, amount="1000"):
    staff_adjusts_balance(
        distributor_id=distributor.pk,
        currency="CNY",
        amount=Decimal(amount),
        reason="opening balance",
    )


def payout_input(amount="300", key="req-1", **overrides):
    """A bank payout request as the storefront sends it."""
    return {
        "currency": "CNY",
        "amount": amount,
        "method": "BANK",
        "payeeName": "王小明",
        "account": "6222 0212 3456 7890 123",
        "bank": "ICBC",
        "idNumber": "11010519491231002X",
        "idempotencyKey": key,
        **overrides,
    }


def request_payout(api, amount, key):
    return api.ok(
        """mutation($input: PayoutRequestInput!) { payoutRequest(input: $input) {
             payout { id } errors { code } } }""",
        {"input": payout_input(amount, key)},
        viewer=D,
    )["payoutRequest"]["payout"]["id"]


def pay_out(api, payout_id):
    api.ok(
        "mutation($id: ID!) { payoutApprove(id: $id) { errors { code } } }",
        {"id": payout_id},
        viewer=CASHIER,
    )
    api.ok(
        'mutation($id: ID!) { payoutMarkPaid(id: $id, transferReference: "ICBC-1") '
        "{ errors { code } } }",
        {"id": payout_id},
        viewer=CASHIER,
    )


@pytest.fixture
def month_of_sales(shop, tree):
    """D sells a Serum (paid); C sells one that is then cancelled."""
    kept = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(kept.order_id)
    cancelled = shop.place_order([SERUM], referral_code="CCC333")
    shop.pay(cancelled.order_id)
    shop.cancel(cancelled.order_id)
    return kept, cancelled
