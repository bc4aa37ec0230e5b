"""What the dashboard's screens read: the overview's statistics, a distributor's figures for
staff, lookups by Saleor user id, sorting and filters, counts per status, commission totals and
CSV, and bulk approval of applications. Worked numbers: the article's rates (10 % / 5 % / 2 %),
Serum at 299.00, the tree A ← B ← C ← D."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_wfx_plugin.models import Distributor, DistributorApplication
from saleor_wfx_plugin.services.distributors import create_distributor

from .conftest import customer, permission_denied
from .helpers import (
    CASHIER,
    MANAGER,
    USERS_ONLY,
    D,
    fund,
    gid,
    pay_out,
    request_payout,
    today,
)

pytestmark = pytest.mark.django_db


LIST = """query($sort: DistributorSortingInput, $filter: DistributorFilterInput) {
  distributors(first: 20, sortBy: $sort, filter: $filter) { totalCount edges { node {
    code teamSize uplineChain { code }
    balances { currency available { amount } }
    monthSales { currency ownSales { amount } teamSales { amount } orders }
  } } } }"""


def codes(data):
    return [edge["node"]["code"] for edge in data["distributors"]["edges"]]


def test_staff_see_each_distributors_figures_and_two_levels_of_team(api, tree, month_of_sales):
    fund(tree[1], "80")
    rows = {
        edge["node"]["code"]: edge["node"]
        for edge in api.ok(LIST, viewer=USERS_ONLY)["distributors"]["edges"]
    }
    # A's team is B and C: D is a third level down and never part of a team.
    assert {code: row["teamSize"] for code, row in rows.items()} == {
        "AAA111": 2,
        "BBB222": 2,
        "CCC333": 1,
        "DDD444": 0,
    }
    assert [u["code"] for u in rows["DDD444"]["uplineChain"]] == ["CCC333", "BBB222"]
    assert rows["AAA111"]["uplineChain"] == []
    assert rows["DDD444"]["monthSales"] == [
        {
            "currency": "CNY",
            "ownSales": {"amount": "299.00"},
            "teamSales": {"amount": "299.00"},
            "orders": 1,
        }
    ]
    # C's own Serum was cancelled: C's sales are the 299.00 D sold below them.
    assert rows["CCC333"]["monthSales"] == [
        {
            "currency": "CNY",
            "ownSales": {"amount": "0.00"},
            "teamSales": {"amount": "299.00"},
            "orders": 0,
        }
    ]
    assert rows["BBB222"]["balances"] == [{"currency": "CNY", "available": {"amount": "80.00"}}]
    # A earned 5.98 on C's Serum and gave it back when it was cancelled.
    assert rows["AAA111"]["balances"] == [{"currency": "CNY", "available": {"amount": "0.00"}}]


def test_a_page_of_figures_costs_the_same_queries_for_more_rows(api, tree, month_of_sales):
    def statements():
        with CaptureQueriesContext(connection) as queries:
            api.ok(LIST, viewer=USERS_ONLY)
        return len(queries)

    few = statements()
    for n in range(12):
        create_distributor(code=f"EXTRA{n:02d}", email=f"x{n}@example.com", upline=tree[n % 4])
    assert Distributor.objects.count() == 16
    assert statements() == few


def test_sorting_by_this_months_sales_balance_and_code(api, tree, month_of_sales):
    fund(tree[0], "10")
    fund(tree[2], "500")
    by_sales = api.ok(
        LIST, {"sort": {"field": "MONTH_SALES", "currency": "CNY"}}, viewer=USERS_ONLY
    )
    assert codes(by_sales)[0] == "DDD444"  # the only one with own sales kept this month
    by_balance = api.ok(
        LIST,
        {"sort": {"field": "AVAILABLE_BALANCE", "direction": "DESC", "currency": "CNY"}},
        viewer=USERS_ONLY,
    )
    assert codes(by_balance)[:2] == ["CCC333", "AAA111"]
    by_code = api.ok(LIST, {"sort": {"field": "CODE", "direction": "ASC"}}, viewer=USERS_ONLY)
    assert codes(by_code) == ["AAA111", "BBB222", "CCC333", "DDD444"]


def test_joined_between_counts_whole_days_in_the_shop_time_zone(api, tree):
    long_ago = timezone.now() - timedelta(days=40)
    Distributor.objects.filter(pk=tree[0].pk).update(created_at=long_ago)
    recent = {"joinedAt": {"gte": str(today() - timedelta(days=1)), "lte": str(today())}}
    assert codes(api.ok(LIST, {"filter": recent}, viewer=USERS_ONLY)) == [
        "DDD444",
        "CCC333",
        "BBB222",
    ]
    old = {"joinedAt": {"lte": str(today() - timedelta(days=30))}}
    assert codes(api.ok(LIST, {"filter": old}, viewer=USERS_ONLY)) == ["AAA111"]


def test_the_team_connection_is_the_two_levels_below(api, tree):
    team = api.ok(
        """query($id: ID) { distributor(id: $id) { team(first: 10) { totalCount
             edges { node { code teamLevel teamSize } } } } }""",
        {"id": gid(tree[0])},
        viewer=USERS_ONLY,
    )["distributor"]["team"]
    assert team["totalCount"] == 2
    assert [
        (e["node"]["code"], e["node"]["teamLevel"], e["node"]["teamSize"]) for e in team["edges"]
    ] == [("BBB222", 1, 2), ("CCC333", 2, 1)]


def test_a_distributors_own_figures_but_not_their_team_or_upline(api, tree, month_of_sales):
    body = api(
        """query($id: ID) { distributor(id: $id) { teamSize uplineChain { code }
             team { totalCount } balances { currency } ledger { totalCount }
             commissions { totalCount } } }""",
        {"id": gid(tree[3])},
        viewer=D,
    )
    own = body["data"]["distributor"]
    assert own == {
        "teamSize": 0,
        "uplineChain": [],
        "team": None,
        "balances": [{"currency": "CNY"}],
        "ledger": {"totalCount": 1},
        "commissions": {"totalCount": 1},
    }
    # The team (staff's view, MANAGE_USERS) is refused as a PermissionDenied, not a silent null.
    [refused] = body["errors"]
    assert (refused["path"], refused["extensions"]["exception"]["code"]) == (
        ["distributor", "team"],
        "PermissionDenied",
    )
    # A staff member who only manages users sees no ledger or payouts (HANDLE_PAYMENTS).
    body = api(
        "query($id: ID) { distributor(id: $id) { ledger { totalCount } payouts { totalCount } } }",
        {"id": gid(tree[3])},
        viewer=USERS_ONLY,
    )
    assert body["data"]["distributor"] == {"ledger": None, "payouts": None}
    assert sorted(
        (error["path"][-1], error["extensions"]["exception"]["code"]) for error in body["errors"]
    ) == [("ledger", "PermissionDenied"), ("payouts", "PermissionDenied")]
    assert all("HANDLE_PAYMENTS" in error["message"] for error in body["errors"])


def test_counts_per_status_include_zeros(api, tree):
    fund(tree[3], "1000")
    pay_out(api, request_payout(api, "300", "p-1"))
    request_payout(api, "100", "p-2")
    assert api.ok("{ applicationCounts { status count } }", viewer=USERS_ONLY) == {
        "applicationCounts": [
            {"status": "PENDING", "count": 0},
            {"status": "APPROVED", "count": 0},
            {"status": "REJECTED", "count": 0},
        ]
    }
    counts = api.ok('{ payoutCounts(currency: "CNY") { status count } }', viewer=CASHIER)
    by_status = {row["status"]: row["count"] for row in counts["payoutCounts"]}
    assert by_status["PAID"] == 1 and by_status["REQUESTED"] == 1
    assert by_status["FIRST_APPROVED"] == 0
    assert permission_denied(api("{ payoutCounts { status } }", viewer=USERS_ONLY))


def test_commission_totals_and_csv_follow_the_filter(api, tree, month_of_sales):
    kept, _ = month_of_sales
    totals = api.ok(
        "{ commissionTotals { currency status count amount { amount } } }", viewer=MANAGER
    )["commissionTotals"]
    assert totals == [
        {"currency": "CNY", "status": "PENDING", "count": 3, "amount": {"amount": "50.83"}},
        {"currency": "CNY", "status": "REVERSED", "count": 3, "amount": {"amount": "0.00"}},
    ]
    level_one = api.ok(
        "{ commissionTotals(filter: {level: [1], status: [PENDING]}) { count amount { amount } } }",
        viewer=MANAGER,
    )["commissionTotals"]
    assert level_one == [{"count": 1, "amount": {"amount": "29.90"}}]

    export = api.ok(
        "query($n: String) { commissionsCsv(filter: {orderNumber: $n}) { filename rows content } }",
        {"n": kept.number},
        viewer=MANAGER,
    )["commissionsCsv"]
    assert export["rows"] == 3
    rows = list(csv.DictReader(io.StringIO(export["content"])))
    assert [(r["level"], r["distributor_code"], r["amount"]) for r in rows] == [
        ("1", "DDD444", "29.90"),
        ("2", "CCC333", "14.95"),
        ("3", "BBB222", "5.98"),
    ]
    assert permission_denied(api("{ commissionTotals { count } }", viewer=USERS_ONLY))


def test_commissions_and_payouts_sort_by_amount(api, tree, month_of_sales):
    kept, _ = month_of_sales
    smallest_first = api.ok(
        """query($n: String) { commissions(filter: {orderNumber: $n},
             sortBy: {field: AMOUNT, direction: ASC}) { edges { node { amount { amount } } } } }""",
        {"n": kept.number},
        viewer=MANAGER,
    )["commissions"]["edges"]
    assert [e["node"]["amount"]["amount"] for e in smallest_first] == ["5.98", "14.95", "29.90"]
    fund(tree[3], "1000")
    request_payout(api, "300", "p-1")
    request_payout(api, "100", "p-2")
    request_payout(api, "200", "p-3")
    payouts = api.ok(
        """{ payouts(sortBy: {field: AMOUNT, direction: DESC}) {
             edges { node { amount { amount } } } } }""",
        viewer=CASHIER,
    )["payouts"]["edges"]
    assert [e["node"]["amount"]["amount"] for e in payouts] == ["300.00", "200.00", "100.00"]


BULK = """mutation($ids: [ID!]!) { distributorBulkApprove(ids: $ids) {
  results { id ok error { code message } } errors { code } } }"""


def test_bulk_approval_approves_each_and_reports_the_rest(api, tree):
    for user in ("11", "12"):
        api.ok(
            "mutation($p: String!) { distributorApply(input: {phone: $p}) { errors { code } } }",
            {"p": f"138 0000 00{user}"},
            viewer=customer(user),
        )
    first, second = DistributorApplication.objects.order_by("user_id")
    ids = [
        to_global_id("DistributorApplication", first.pk),
        to_global_id("DistributorApplication", second.pk),
        to_global_id("DistributorApplication", first.pk),
        to_global_id("Distributor", tree[0].pk),
    ]
    results = api(BULK, {"ids": ids}, viewer=USERS_ONLY)["data"]["distributorBulkApprove"]
    assert results["errors"] == []
    assert [(r["ok"], r["error"] and r["error"]["code"]) for r in results["results"]] == [
        (True, None),
        (True, None),
        (False, "INVALID"),
        (False, "NOT_FOUND"),
    ]
    assert Distributor.objects.filter(user_id__in=["11", "12"], status="active").count() == 2
    # Sent again (a double click): nothing changes, each says it was decided already.
    again = api(BULK, {"ids": ids[:2]}, viewer=USERS_ONLY)["data"]["distributorBulkApprove"]
    assert [r["error"]["code"] for r in again["results"]] == ["ALREADY_REVIEWED"] * 2
    assert Distributor.objects.count() == 6
    assert permission_denied(api(BULK, {"ids": ids[:1]}, viewer=CASHIER))
