"""Separation of duties through the API: a payment app holding HANDLE_PAYMENTS, or a cashier
who is also a distributor, cannot move money as they once could (issue 9, security item 2)."""

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.payouts import PayeeDetails, approve_payout, request_payout
from tests.services.helpers import staff_adjusts_balance

from .conftest import app, permission_denied, staff

pytestmark = pytest.mark.django_db

ADJUST = """mutation($d: ID!, $amount: Decimal!) {
  balanceAdjust(distributor: $d, currency: "CNY", amount: $amount, reason: "bonus",
                idempotencyKey: "adj-1") {
    errors { code }
    balance { available { amount } }
    adjustment { id status requestedBy approvedBy }
  }
}"""
APPROVE_ADJUSTMENT = """mutation($id: ID!) { balanceAdjustmentApprove(id: $id) {
  errors { code } adjustment { status approvedBy } balance { available { amount } } } }"""
APPROVE = "mutation($id: ID!) { payoutApprove(id: $id) { errors { code } payout { status } } }"
PAYMENT_APP = app("HANDLE_PAYMENTS")
CASHIER = staff("HANDLE_PAYMENTS")
SECOND_CASHIER = staff("HANDLE_PAYMENTS", user_id="901")
# Saleor user 4 is on the staff and is distributor DDD444.
CASHIER_WHO_SELLS = staff("HANDLE_PAYMENTS", user_id="4")


def _payout(distributor, amount, key):
    return request_payout(
        distributor,
        currency="CNY",
        amount=amount,
        payee=PayeeDetails("alipay", "丁", "13812345678", "", "11010519491231002X"),
        idempotency_key=key,
        actor="user:4",
        program=ProgramSettings(),
    )


def _fund(distributor, amount):
    staff_adjusts_balance(
        distributor_id=distributor.pk,
        currency="CNY",
        amount=Decimal(amount),
        reason="x",
    )


def test_a_payment_app_neither_adds_money_nor_approves_nor_downloads_accounts(api, tree):
    d = tree[3]
    _fund(d, "1000")
    payout = _payout(d, "300", "a")
    d_id = to_global_id("Distributor", d.pk)
    refused = api(ADJUST, {"d": d_id, "amount": "20000"}, viewer=PAYMENT_APP)["data"]
    assert refused["balanceAdjust"] == {
        "errors": [{"code": "STAFF_ONLY"}],
        "balance": None,
        "adjustment": None,
    }
    approval = api(APPROVE, {"id": to_global_id("Payout", payout.pk)}, viewer=PAYMENT_APP)
    assert approval["data"]["payoutApprove"]["errors"] == [{"code": "STAFF_ONLY"}]
    for query in (
        "{ payoutTransfersCsv { content } }",
        '{ taxRecordsCsv(month: "2026-11-01") { content } }',
        '{ monthlyStatementsCsv(month: "2026-11-01") { content } }',
    ):
        body = api(query, viewer=PAYMENT_APP)
        assert permission_denied(body), body
    assert balance(d, "CNY").available == Decimal("700.00")
    payout.refresh_from_db()
    assert payout.status == "requested"


def test_an_order_app_downloads_no_commissions_file(api, tree):
    body = api("{ commissionsCsv { content } }", viewer=app("MANAGE_ORDERS"))
    assert permission_denied(body), body


def test_a_cashier_who_is_a_distributor_cannot_adjust_or_approve_their_own(api, tree):
    d = tree[3]
    _fund(d, "1000")
    payout = _payout(d, "300", "a")
    d_id = to_global_id("Distributor", d.pk)
    mine = api(ADJUST, {"d": d_id, "amount": "20000"}, viewer=CASHIER_WHO_SELLS)["data"]
    assert mine["balanceAdjust"]["errors"] == [{"code": "OWN_DISTRIBUTOR"}]
    approval = api(APPROVE, {"id": to_global_id("Payout", payout.pk)}, viewer=CASHIER_WHO_SELLS)
    assert approval["data"]["payoutApprove"]["errors"] == [{"code": "OWN_DISTRIBUTOR"}]
    assert balance(d, "CNY").available == Decimal("700.00")


def test_a_large_adjustment_waits_for_a_second_cashier(api, tree):
    d = tree[3]
    d_id = to_global_id("Distributor", d.pk)
    asked = api.ok(ADJUST, {"d": d_id, "amount": "20000"}, viewer=CASHIER)["balanceAdjust"]
    assert asked["balance"] == {"available": {"amount": "0.00"}}
    assert asked["adjustment"]["status"] == "PENDING"
    pending = api.ok(
        "{ balanceAdjustments(status: PENDING, first: 5) { totalCount edges { node { id } } } }",
        viewer=SECOND_CASHIER,
    )["balanceAdjustments"]
    assert pending["totalCount"] == 1
    assert pending["edges"][0]["node"]["id"] == asked["adjustment"]["id"]
    own = api(APPROVE_ADJUSTMENT, {"id": asked["adjustment"]["id"]}, viewer=CASHIER)["data"]
    assert own["balanceAdjustmentApprove"]["errors"] == [{"code": "SAME_APPROVER"}]
    done = api.ok(APPROVE_ADJUSTMENT, {"id": asked["adjustment"]["id"]}, viewer=SECOND_CASHIER)
    assert done["balanceAdjustmentApprove"] == {
        "errors": [],
        "adjustment": {"status": "APPLIED", "approvedBy": "user:901"},
        "balance": {"available": {"amount": "20000.00"}},
    }


def test_a_cashier_and_a_payment_app_are_not_two_approvers(api, tree):
    d = tree[3]
    _fund(d, "8000")
    payout = approve_payout(_payout(d, "6000", "big"), actor="user:900", program=ProgramSettings())
    assert payout.status == "first_approved"
    body = api(APPROVE, {"id": to_global_id("Payout", payout.pk)}, viewer=PAYMENT_APP)
    assert body["data"]["payoutApprove"] == {"errors": [{"code": "STAFF_ONLY"}], "payout": None}
    payout.refresh_from_db()
    assert payout.status == "first_approved"
