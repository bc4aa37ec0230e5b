"""Staff work the fraud review queue, freeze a balance, see and change a customer's binding and
create distributors' vouchers through the API; each with the permission Saleor would ask."""

from decimal import Decimal

import pytest

from saleor_wfx_plugin.models import LedgerEntry
from saleor_wfx_plugin.shop import CustomerContacts
from tests.services.conftest import SERUM

from .conftest import customer, permission_denied, staff

pytestmark = pytest.mark.django_db

ORDERS_STAFF = staff("MANAGE_ORDERS")
USERS_STAFF = staff("MANAGE_USERS")
QUEUE = """{ fraudReviews(first: 10) { totalCount edges { node {
  order { orderNumber } sellerCode score signals status } } } }"""
DECIDED = """{ fraudReviews(first: 10, status: [REJECTED]) { edges { node {
  order { orderNumber events { edges { node { kind reason } } } } decidedBy reason } } } }"""
REJECT = """mutation($id: UUID!, $reason: String!) {
  fraudReviewReject(orderId: $id, reason: $reason) { review { status } errors { code field } } }"""
ALLOW = """mutation($id: UUID!) { fraudReviewAllow(orderId: $id) {
  review { status } errors { code field } } }"""
FREEZE = """mutation($id: ID!, $frozen: Boolean!, $reason: String!) {
  distributorBalanceFreeze(id: $id, frozen: $frozen, reason: $reason) {
  distributor { code balanceFrozen } errors { code } } }"""
BINDINGS = """query($user: String) { customerBindings(userId: $user) {
  bindings { customerKey distributor { code } }
  events { kind fromDistributorCode toDistributorCode reason } } }"""
REBIND = """mutation($user: String, $code: String!, $reason: String!) {
  customerRebind(userId: $user, distributorCode: $code, reason: $reason) {
  bindings { distributor { code } } errors { code field } } }"""
UNBIND = """mutation($user: String, $reason: String!) {
  customerUnbind(userId: $user, reason: $reason) { ended errors { code } } }"""
VOUCHERS = """mutation($codes: [String!]!) { distributorVouchersCreate(distributorCodes: $codes,
  prefix: "VIP", channel: "default-channel", discountType: "percentage", discountValue: "5") {
  vouchers { code distributor { code } campaign } errors { code field } } }"""


@pytest.fixture
def held_order(shop, tree, program):
    shop.contacts["4"] = CustomerContacts(addresses=("9 Home Rd, Suzhou",))
    program(fraud_review="true")
    order = shop.place_order(
        [SERUM], referral_code="DDD444", email="x@example.com", shipping_address="9 HOME RD SUZHOU"
    )
    shop.pay(order.order_id)
    return order


def test_staff_see_the_queue_and_reject_with_a_reason(api, held_order):
    queue = api.ok(QUEUE, viewer=ORDERS_STAFF)["fraudReviews"]
    assert queue["totalCount"] == 1
    assert queue["edges"][0]["node"] == {
        "order": {"orderNumber": held_order.number},
        "sellerCode": "DDD444",
        "score": 60,
        "signals": ["SHIPPING_ADDRESS_IS_DISTRIBUTORS"],
        "status": "HELD",
    }
    rejected = api.ok(
        REJECT, {"id": held_order.order_id, "reason": "ships to D's home"}, viewer=ORDERS_STAFF
    )
    assert rejected["fraudReviewReject"]["review"] == {"status": "REJECTED"}
    assert api.ok(QUEUE, viewer=ORDERS_STAFF)["fraudReviews"]["totalCount"] == 0
    (decided,) = api.ok(DECIDED, viewer=ORDERS_STAFF)["fraudReviews"]["edges"]
    assert decided["node"]["reason"] == "ships to D's home"
    kinds = [e["node"]["kind"] for e in decided["node"]["order"]["events"]["edges"]]
    assert kinds == ["FRAUD_REJECTED", "FRAUD_HELD"]
    # 29.90 + 14.95 + 5.98 accrued, all reversed.
    assert sum(LedgerEntry.objects.commission().values_list("amount", flat=True)) == Decimal(0)
    # A second decision: the order is no longer held.
    again = api(ALLOW, {"id": held_order.order_id}, viewer=ORDERS_STAFF)["data"]
    assert again["fraudReviewAllow"]["errors"] == [{"code": "NOT_HELD", "field": "orderId"}]


def test_the_queue_and_decisions_need_manage_orders(api, held_order):
    assert permission_denied(api(QUEUE, viewer=USERS_STAFF))
    assert permission_denied(api(ALLOW, {"id": held_order.order_id}, viewer=customer("4")))


def test_staff_freeze_and_unfreeze_a_balance(api, tree):
    from graphene import Node

    distributor_id = Node.to_global_id("Distributor", tree[3].pk)
    payments = staff("HANDLE_PAYMENTS")
    data = api.ok(
        FREEZE, {"id": distributor_id, "frozen": True, "reason": "case 17"}, viewer=payments
    )
    assert data["distributorBalanceFreeze"]["distributor"] == {
        "code": "DDD444",
        "balanceFrozen": True,
    }
    missing_reason = api(
        FREEZE, {"id": distributor_id, "frozen": False, "reason": ""}, viewer=payments
    )["data"]["distributorBalanceFreeze"]
    assert missing_reason["errors"] == [{"code": "REASON_REQUIRED"}]
    assert permission_denied(
        api(FREEZE, {"id": distributor_id, "frozen": False, "reason": "x"}, viewer=USERS_STAFF)
    )


def test_staff_see_rebind_and_unbind_a_customer(api, shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444", user_id="77")
    shop.pay(order.order_id)
    seen = api.ok(BINDINGS, {"user": "77"}, viewer=USERS_STAFF)["customerBindings"]
    assert seen == {
        "bindings": [{"customerKey": "user:77", "distributor": {"code": "DDD444"}}],
        "events": [],
    }
    api.ok(REBIND, {"user": "77", "code": "CCC333", "reason": "moved city"}, viewer=USERS_STAFF)
    api.ok(UNBIND, {"user": "77", "reason": "asked to be left alone"}, viewer=USERS_STAFF)
    seen = api.ok(BINDINGS, {"user": "77"}, viewer=USERS_STAFF)["customerBindings"]
    assert seen == {
        "bindings": [],
        "events": [
            {
                "kind": "UNBOUND",
                "fromDistributorCode": "CCC333",
                "toDistributorCode": None,
                "reason": "asked to be left alone",
            },
            {
                "kind": "REBOUND",
                "fromDistributorCode": "DDD444",
                "toDistributorCode": "CCC333",
                "reason": "moved city",
            },
        ],
    }
    assert permission_denied(api(BINDINGS, {"user": "77"}, viewer=ORDERS_STAFF))


def test_staff_create_distributor_vouchers_with_manage_discounts(api, tree):
    data = api.ok(VOUCHERS, {"codes": ["DDD444"]}, viewer=staff("MANAGE_DISCOUNTS"))
    assert data["distributorVouchersCreate"]["vouchers"] == [
        {"code": "VIP-DDD444", "distributor": {"code": "DDD444"}, "campaign": ""}
    ]
    again = api(VOUCHERS, {"codes": ["DDD444"]}, viewer=staff("MANAGE_DISCOUNTS"))["data"]
    assert again["distributorVouchersCreate"]["errors"] == [
        {"code": "VOUCHER_EXISTS", "field": "prefix"}
    ]
    assert permission_denied(api(VOUCHERS, {"codes": ["DDD444"]}, viewer=USERS_STAFF))


GROUP_START = """mutation($product: String!) { groupStart(productId: $product) {
  group { code productId size bonusRate memberCount rewarded } errors { code } } }"""


def test_a_distributor_starts_a_group_and_its_code_attributes_orders(api, shop, tree):
    data = api.ok(GROUP_START, {"product": "serum"}, viewer=customer("4", "d@example.com"))
    group = data["groupStart"]["group"]
    assert group["code"].startswith("G")
    assert (group["productId"], group["size"], Decimal(group["bonusRate"])) == (
        "serum",
        5,
        Decimal("5"),
    )
    order = shop.place_order([SERUM], metadata={"group_code": group["code"]})
    shop.pay(order.order_id)
    assert LedgerEntry.objects.commission().filter(distributor=tree[3]).exists()
    assert permission_denied(api(GROUP_START, {"product": "serum"}, viewer=customer("999")))
