"""Through the API: the identity on the profile, bank batches, the bank's answers, bulk actions
and the withholding return, with the errors a dashboard shows."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from graphql_relay import from_global_id, to_global_id

from saleor_wfx_plugin.models import Payout, TaxExport

from .conftest import staff
from .test_money_api import CASHIER, REQUEST, D, fund, payout_input

pytestmark = pytest.mark.django_db

MANAGER = staff("MANAGE_USERS", user_id="903")
BULK_APPROVE = """mutation($ids: [ID!]!) { payoutBulkApprove(ids: $ids) {
  results { line outcome payout { id status } errors { field code } } errors { code } } }"""
BATCH_CREATE = """mutation { payoutBatchCreate(method: BANK) {
  batch { id payoutCount totals { amount currency } } export { filename rows content }
  errors { code } } }"""
RECONCILE = """mutation($file: Upload!) { payoutBulkMarkPaid(file: $file) {
  results { line outcome payout { status transferReference failureReason }
            errors { field code } } errors { field code } } }"""


def request(api, amount, key, **overrides):
    data = api.ok(REQUEST, {"input": payout_input(amount, key, **overrides)}, viewer=D)
    return data["payoutRequest"]["payout"]["id"]


def upload(text):
    file = io.BytesIO(text.encode())
    file.name = "bank.csv"
    return {"0": ("variables.file", file)}


def test_from_approval_to_the_banks_answer_in_batches(api, tree):
    fund(tree[3], "1000")
    first = request(api, "300", "a")
    # The ID number is on the profile now: the next request leaves it out.
    second = request(api, "200", "b", idNumber=None)
    approved = api.ok(BULK_APPROVE, {"ids": [first, second, "bm9wZQ=="]}, viewer=CASHIER)
    assert [
        (r["line"], r["outcome"], r["errors"]) for r in approved["payoutBulkApprove"]["results"]
    ] == [
        (1, "APPROVED", []),
        (2, "APPROVED", []),
        (3, "ERROR", [{"field": "ids", "code": "NOT_FOUND"}]),
    ]

    made = api.ok(BATCH_CREATE, viewer=CASHIER)["payoutBatchCreate"]
    assert made["batch"]["payoutCount"] == 2
    assert made["batch"]["totals"] == [{"amount": "500.00", "currency": "CNY"}]
    assert made["export"]["rows"] == 2
    rows = list(csv.DictReader(io.StringIO(made["export"]["content"])))
    assert [row["account"] for row in rows] == ["6222021234567890123"] * 2
    again = api(BATCH_CREATE, viewer=CASHIER)["data"]["payoutBatchCreate"]
    assert (again["batch"], again["errors"]) == (None, [{"code": "NOTHING_TO_EXPORT"}])
    downloaded = api.ok(
        "query($id: ID!) { payoutBatch(id: $id) { transfersCsv { content } } }",
        {"id": made["batch"]["id"]},
        viewer=CASHIER,
    )["payoutBatch"]["transfersCsv"]["content"]
    assert downloaded == made["export"]["content"]

    reject = api(
        'mutation($id: ID!) { payoutReject(id: $id, reason: "x") { errors { code } } }',
        {"id": first},
        viewer=CASHIER,
    )["data"]["payoutReject"]
    assert reject["errors"] == [{"code": "INVALID_STATUS"}]

    first_pk, second_pk = (from_global_id(i)[1] for i in (first, second))
    bank_file = (
        "payout_id,reference,status,reason\n"
        f"{first_pk},ICBC-0001,paid,\n{second_pk},,failed,户名不符\n"
    )
    answered = api.ok(RECONCILE, {"file": None}, viewer=CASHIER, files=upload(bank_file))
    assert [(r["outcome"], r["payout"]) for r in answered["payoutBulkMarkPaid"]["results"]] == [
        ("PAID", {"status": "PAID", "transferReference": "ICBC-0001", "failureReason": ""}),
        ("FAILED", {"status": "FAILED", "transferReference": "", "failureReason": "户名不符"}),
    ]
    replayed = api.ok(RECONCILE, {"file": None}, viewer=CASHIER, files=upload(bank_file))
    assert {r["outcome"] for r in replayed["payoutBulkMarkPaid"]["results"]} == {"UNCHANGED"}
    balances = api.ok("{ me { balances { available { amount } paid { amount } } } }", viewer=D)
    assert balances["me"]["balances"] == [
        {"available": {"amount": "700.00"}, "paid": {"amount": "300.00"}}
    ]
    unreadable = api(RECONCILE, {"file": None}, viewer=CASHIER, files=upload("id;ref\n1;x\n"))
    assert unreadable["data"]["payoutBulkMarkPaid"]["errors"] == [
        {"field": "file", "code": "INVALID_FILE"}
    ]


def test_mark_failed_needs_an_exported_payout_and_the_banks_reason(api, tree):
    fund(tree[3], "500")
    payout = request(api, "300", "a")
    mutation = """mutation($id: ID!, $reason: String!) { payoutMarkFailed(id: $id, reason: $reason)
                  { payout { status } errors { field code } } }"""
    body = api(mutation, {"id": payout, "reason": "closed"}, viewer=CASHIER)
    assert body["data"]["payoutMarkFailed"]["errors"] == [{"field": None, "code": "INVALID_STATUS"}]
    api.ok(
        "mutation($id: ID!) { payoutApprove(id: $id) { errors { code } } }",
        {"id": payout},
        viewer=CASHIER,
    )
    api.ok(BATCH_CREATE, viewer=CASHIER)
    blank = api(mutation, {"id": payout, "reason": " "}, viewer=CASHIER)["data"]
    assert blank["payoutMarkFailed"]["errors"] == [{"field": "reason", "code": "REASON_REQUIRED"}]
    failed = api.ok(mutation, {"id": payout, "reason": "card closed"}, viewer=CASHIER)
    assert failed["payoutMarkFailed"]["payout"] == {"status": "FAILED"}


IDENTITY = """mutation($id: ID!, $number: String!, $reason: String) {
  distributorSetIdentity(id: $id, legalName: "丁大伟", idNumber: $number, reason: $reason) {
    distributor { identity { legalName idNumber setBy } } errors { field code } } }"""


def test_staff_keep_the_identity_and_everyone_sees_it_masked(api, tree):
    d_id = to_global_id("Distributor", tree[3].pk)
    invalid = api(IDENTITY, {"id": d_id, "number": "123"}, viewer=MANAGER)["data"]
    assert invalid["distributorSetIdentity"]["errors"] == [
        {"field": "idNumber", "code": "INVALID_ID_NUMBER"}
    ]
    first = api.ok(IDENTITY, {"id": d_id, "number": "11010519491231002X"}, viewer=MANAGER)
    assert first["distributorSetIdentity"]["distributor"]["identity"] == {
        "legalName": "丁大伟",
        "idNumber": "110***********002X",
        "setBy": "user:903",
    }
    change = {"id": d_id, "number": "110101199003071233"}
    no_reason = api(IDENTITY, change, viewer=MANAGER)["data"]["distributorSetIdentity"]
    assert no_reason["errors"] == [{"field": "reason", "code": "REASON_REQUIRED"}]
    api.ok(IDENTITY, {**change, "reason": "wrong card on file"}, viewer=MANAGER)

    own = api.ok("{ me { distributor { identity { idNumber } } } }", viewer=D)
    assert own["me"]["distributor"]["identity"] == {"idNumber": "110***********1233"}
    # A payout request with the old number is refused: only staff change it.
    fund(tree[3], "100")
    body = api(REQUEST, {"input": payout_input("50", "x")}, viewer=D)["data"]["payoutRequest"]
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("idNumber", "IDENTITY_MISMATCH")]
    request(api, "50", "y", idNumber=None)
    # Cashiers see who a payout is taxed under, masked too.
    paying = api.ok(
        "{ payouts(first: 5) { edges { node { distributor { identity { idNumber } } } } } }",
        viewer=CASHIER,
    )
    assert paying["payouts"]["edges"] == [
        {"node": {"distributor": {"identity": {"idNumber": "110***********1233"}}}}
    ]
    events = api.ok(
        '{ distributor(code: "DDD444") { events(first: 5) { edges { node { kind data } } } } }',
        viewer=MANAGER,
    )["distributor"]["events"]["edges"]
    # Newest first: the set-up's staff adjustment (the 100 funded), then the two identity events.
    assert [e["node"]["kind"] for e in events[:3]] == [
        "ADJUSTMENT_APPLIED",
        "IDENTITY_CHANGED",
        "IDENTITY_SET",
    ]
    assert "11010519491231002X" not in str(events)


WITHHOLDING = """mutation($month: Date!) { taxWithholdingExport(month: $month) {
  export { filename rows content } record { month exportedBy rows taxWithheld { amount } }
  errors { field code } } }"""


def test_the_withholding_return_of_a_past_month_is_recorded_and_files_its_payouts(api, tree):
    fund(tree[3], "3000")
    payout = request(api, "3000", "a")
    api.ok(
        "mutation($id: ID!) { payoutApprove(id: $id) { errors { code } } }",
        {"id": payout},
        viewer=CASHIER,
    )
    this_month = timezone.localdate().replace(day=1)
    not_over = api(WITHHOLDING, {"month": this_month.isoformat()}, viewer=CASHIER)["data"]
    assert not_over["taxWithholdingExport"]["errors"] == [
        {"field": "month", "code": "MONTH_NOT_OVER"}
    ]
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    # As if it had been approved last month.
    Payout.objects.update(tax_month=last_month)
    done = api.ok(WITHHOLDING, {"month": last_month.isoformat()}, viewer=CASHIER)
    export = done["taxWithholdingExport"]
    assert export["record"] == {
        "month": last_month.isoformat(),
        "exportedBy": "user:901",
        "rows": 1,
        "taxWithheld": {"amount": "440.00"},
    }
    [row] = csv.DictReader(io.StringIO(export["export"]["content"]))
    assert (row["证件号码"], row["收入额"], row["已扣缴税额"]) == (
        "11010519491231002X",
        "3000.00",
        "440.00",
    )
    listed = api.ok(
        "{ taxExports(first: 5) { totalCount edges { node { exportedBy rows } } } }", viewer=CASHIER
    )
    assert listed["taxExports"]["edges"] == [{"node": {"exportedBy": "user:901", "rows": 1}}]
    assert TaxExport.objects.count() == 1
    rejected = api(
        'mutation($id: ID!) { payoutReject(id: $id, reason: "late") { errors { code } } }',
        {"id": payout},
        viewer=CASHIER,
    )["data"]["payoutReject"]
    assert rejected["errors"] == [{"code": "TAX_MONTH_EXPORTED"}]


def test_a_distributor_never_reaches_the_batch_file_through_their_payouts(api, tree):
    fund(tree[3], "500")
    payout = request(api, "300", "a")
    api.ok(
        "mutation($id: ID!) { payoutApprove(id: $id) { errors { code } } }",
        {"id": payout},
        viewer=CASHIER,
    )
    api.ok(BATCH_CREATE, viewer=CASHIER)
    # The batch file holds every payee's full account number.
    own = api.ok(
        """{ me { payouts(first: 5) { edges { node {
             status batch { transfersCsv { content } } } } } } }""",
        viewer=D,
    )
    assert own["me"]["payouts"]["edges"] == [{"node": {"status": "EXPORTED", "batch": None}}]
    staff_view = api.ok(
        "{ payouts(first: 5) { edges { node { batch { payoutCount } } } } }", viewer=CASHIER
    )
    assert staff_view["payouts"]["edges"] == [{"node": {"batch": {"payoutCount": 1}}}]
