"""Money through the API: balances, a payout from request to payment, who may do what, the
ledger and the exports."""

import csv
import io

import pytest
from graphql_relay import to_global_id

from saleor_wfx_plugin.models import Payout

from .conftest import customer, permission_denied, staff
from .helpers import fund, payout_input

pytestmark = pytest.mark.django_db

D = customer("4", "d@example.com")
C = customer("3", "c@example.com")
CASHIER = staff("HANDLE_PAYMENTS", user_id="901")
SECOND_CASHIER = staff("HANDLE_PAYMENTS", user_id="902")

REQUEST = """mutation($input: PayoutRequestInput!) { payoutRequest(input: $input) {
  payout { id status amount { amount currency } account idNumber }
  errors { field code message } } }"""


def test_a_distributor_requests_and_staff_approve_and_pay(api, tree):
    fund(tree[3], "1000")
    requested = api.ok(REQUEST, {"input": payout_input()}, viewer=D)["payoutRequest"]["payout"]
    assert requested["status"] == "REQUESTED"
    assert requested["account"] == "**** 0123"
    assert requested["idNumber"] == "110***********002X"
    again = api.ok(REQUEST, {"input": payout_input()}, viewer=D)["payoutRequest"]["payout"]
    assert again["id"] == requested["id"]

    balances = api.ok(
        "{ me { balances { currency available { amount } reserved { amount } } } }", viewer=D
    )["me"]["balances"]
    assert balances == [
        {"currency": "CNY", "available": {"amount": "700.00"}, "reserved": {"amount": "300.00"}}
    ]

    approved = api.ok(
        """mutation($id: ID!) { payoutApprove(id: $id) {
             payout { status tax { amount } net { amount } } errors { code } } }""",
        {"id": requested["id"]},
        viewer=CASHIER,
    )["payoutApprove"]["payout"]
    # 300 ≤ 800: no income tax withheld.
    assert approved == {
        "status": "APPROVED",
        "tax": {"amount": "0.00"},
        "net": {"amount": "300.00"},
    }

    export = api.ok(
        "{ payoutTransfersCsv(method: BANK) { filename rows content } }", viewer=CASHIER
    )["payoutTransfersCsv"]
    assert export["rows"] == 1
    [row] = csv.DictReader(io.StringIO(export["content"]))
    assert row["account"] == "6222021234567890123"  # the bank needs the full number

    paid = api.ok(
        """mutation($id: ID!) { payoutMarkPaid(id: $id, transferReference: "ICBC-0001") {
             payout { status transferReference } errors { code } } }""",
        {"id": requested["id"]},
        viewer=CASHIER,
    )["payoutMarkPaid"]["payout"]
    assert paid == {"status": "PAID", "transferReference": "ICBC-0001"}
    ledger = api.ok(
        """query($d: ID!) { ledger(distributor: $d, first: 20) { totalCount
             edges { node { bucket kind amount { amount } } } } }""",
        {"d": to_global_id("Distributor", tree[3].pk)},
        viewer=CASHIER,
    )["ledger"]
    kinds = [(e["node"]["kind"], e["node"]["bucket"]) for e in ledger["edges"]]
    assert ("PAYOUT", "PAID") in kinds and ("RESERVATION", "RESERVED") in kinds


def test_request_errors_come_back_with_field_and_code(api, tree):
    fund(tree[3], "100")
    errors = api(REQUEST, {"input": payout_input(amount="500")}, viewer=D)["data"]["payoutRequest"]
    assert [(e["field"], e["code"]) for e in errors["errors"]] == [("amount", "INSUFFICIENT_FUNDS")]
    no_id = payout_input(key="x", idNumber=None)
    body = api(REQUEST, {"input": no_id}, viewer=D)["data"]["payoutRequest"]
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("idNumber", "ID_NUMBER_REQUIRED")]
    assert Payout.objects.count() == 0


def test_two_approvers_for_a_large_payout(api, tree):
    fund(tree[3], "9000")
    payout_id = api.ok(REQUEST, {"input": payout_input(amount="6000")}, viewer=D)["payoutRequest"][
        "payout"
    ]["id"]
    approve = """mutation($id: ID!) { payoutApprove(id: $id) { payout { status }
                  errors { code } } }"""
    first = api.ok(approve, {"id": payout_id}, viewer=CASHIER)["payoutApprove"]
    assert first["payout"]["status"] == "FIRST_APPROVED"
    same = api(approve, {"id": payout_id}, viewer=CASHIER)["data"]["payoutApprove"]
    assert same["errors"] == [{"code": "SAME_APPROVER"}]
    second = api.ok(approve, {"id": payout_id}, viewer=SECOND_CASHIER)["payoutApprove"]
    assert second["payout"]["status"] == "APPROVED"


def test_only_the_owner_cancels_and_only_cashiers_decide(api, tree):
    fund(tree[3], "500")
    payout_id = api.ok(REQUEST, {"input": payout_input()}, viewer=D)["payoutRequest"]["payout"][
        "id"
    ]
    cancel = "mutation($id: ID!) { payoutCancel(id: $id) { payout { status } errors { code } } }"
    assert permission_denied(api(cancel, {"id": payout_id}, viewer=C))
    for mutation in (
        "mutation($id: ID!) { payoutApprove(id: $id) { errors { code } } }",
        'mutation($id: ID!) { payoutReject(id: $id, reason: "x") { errors { code } } }',
        'mutation($id: ID!) { payoutMarkPaid(id: $id, transferReference: "x") '
        "{ errors { code } } }",
    ):
        for outsider in (D, staff("MANAGE_USERS", "MANAGE_ORDERS", "MANAGE_PLUGINS"), None):
            assert permission_denied(api(mutation, {"id": payout_id}, viewer=outsider))
    for query in (
        "{ payouts(first: 5) { totalCount } }",
        "{ payoutTransfersCsv { rows } }",
        '{ taxRecordsCsv(month: "2026-11-01") { rows } }',
    ):
        assert permission_denied(api(query, viewer=D))
    assert api.ok(cancel, {"id": payout_id}, viewer=D)["payoutCancel"]["payout"] == {
        "status": "CANCELLED"
    }
    # C sees none of D's payouts among their own.
    assert api.ok("{ me { payouts(first: 5) { totalCount } } }", viewer=C)["me"]["payouts"] == {
        "totalCount": 0
    }


def test_staff_adjust_a_balance_once_per_key_with_a_reason(api, tree):
    mutation = """mutation($d: ID!, $reason: String!) { balanceAdjust(distributor: $d,
        currency: "CNY", amount: "50", reason: $reason, idempotencyKey: "fair-2026") {
        balance { available { amount } } errors { field code } } }"""
    d_id = to_global_id("Distributor", tree[3].pk)
    assert permission_denied(
        api(mutation, {"d": d_id, "reason": "x"}, viewer=staff("MANAGE_USERS"))
    )
    no_reason = api(mutation, {"d": d_id, "reason": " "}, viewer=CASHIER)["data"]["balanceAdjust"]
    assert no_reason["errors"] == [{"field": "reason", "code": "REASON_REQUIRED"}]
    for _ in range(2):
        done = api.ok(mutation, {"d": d_id, "reason": "trade fair bonus"}, viewer=CASHIER)
        assert done["balanceAdjust"]["balance"]["available"] == {"amount": "50.00"}
