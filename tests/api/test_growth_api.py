"""Growth rules through the API: staff save rules, run the simulator on a draft, and read the
monthly statements a close produced; distributors read their own statement."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from saleor_wfx_plugin.models import LadderBracket, LedgerEntry
from saleor_wfx_plugin.services.month_close import close_month
from tests.services import test_month_close as month_close

from .conftest import customer, permission_denied, staff

pytestmark = pytest.mark.django_db

# The close's worked months: a shop in Shanghai, orders sold and settled in March 2025.
shanghai = month_close.shanghai
now = month_close.now
sell = month_close.sell

D = Decimal
OWNER = staff("MANAGE_PLUGINS", user_id="901")
CASHIER = staff("HANDLE_PAYMENTS", user_id="902")
DISTRIBUTOR_D = customer("4", "d@example.com")

SAVE = """mutation($input: GrowthRulesInput!) { growthRulesUpdate(input: $input) {
  growthRules { currency ladder { minSales rate } teamThreshold teamExtraRate perOrderAmount }
  errors { field code message } } }"""

SIMULATE = """query($input: GrowthSimulationInput!) { growthSimulation(input: $input) {
  currencies { currency referredSales { amount } was { amount } wouldBe { amount }
               wasShare wouldBeShare shareChange }
  distributors { distributorCode was { amount } wouldBe { amount } change { amount } }
  cappedCount cappedLines { orderNumber what distributorCode wantedRate paidRate } } }"""

STATEMENTS = """query($month: Date!) { monthlyStatements(month: $month) {
  distributorCode currency ownSales { amount } commissionByLevel { level amount { amount } }
  bonuses { rule amount { amount } } bonusReversed { amount } earned { amount } } }"""

ARTICLE_LADDER = [{"minSales": "10000", "rate": "15"}, {"minSales": "30000", "rate": "20"}]


def test_staff_save_the_articles_ladder_and_team_bonus(api):
    data = api.ok(
        SAVE,
        {
            "input": {
                "currency": "cny",
                "ladder": ARTICLE_LADDER,
                "bonuses": {"teamThreshold": "100000", "teamExtraRate": "1"},
            }
        },
        viewer=OWNER,
    )
    rules = data["growthRulesUpdate"]["growthRules"]
    assert rules["currency"] == "CNY"
    assert [(row["minSales"], row["rate"]) for row in rules["ladder"]] == [
        ("10000.000", "15.00"),
        ("30000.000", "20.00"),
    ]
    assert (rules["teamThreshold"], rules["teamExtraRate"], rules["perOrderAmount"]) == (
        "100000.000",
        "1.00",
        None,
    )
    listed = api.ok("{ growthRules { currency } }", viewer=OWNER)["growthRules"]
    assert listed == [{"currency": "CNY"}]


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        (
            {"ladder": [{"minSales": "10000", "rate": "20"}, {"minSales": "30000", "rate": "15"}]},
            "ladder",
            "INVALID",
        ),
        # 35 % at the top bracket + 5 + 2 upline = 42 %, above the 40 % cap.
        ({"ladder": [{"minSales": "10000", "rate": "35"}]}, "ladder", "RATE_ABOVE_CAP"),
        ({"bonuses": {"teamThreshold": "100000"}}, "teamExtraRate", "INVALID"),
    ],
)
def test_unusable_rules_are_refused_with_the_field_and_nothing_saved(api, payload, field, code):
    data = api(SAVE, {"input": {"currency": "CNY", **payload}}, viewer=OWNER)["data"]
    (error,) = data["growthRulesUpdate"]["errors"]
    assert (error["field"], error["code"]) == (field, code)
    assert not LadderBracket.objects.exists()


def test_only_staff_with_manage_plugins_see_or_change_the_rules(api, tree):
    assert permission_denied(api("{ growthRules { currency } }", viewer=CASHIER))
    assert permission_denied(
        api(SAVE, {"input": {"currency": "CNY", "ladder": []}}, viewer=DISTRIBUTOR_D)
    )


def test_the_simulator_shows_a_ladder_drafts_cost_and_writes_nothing(api, tree, sell):
    """D sold 12,000 in March at 10 / 5 / 2 %: paid 1,200 + 600 + 240 = 2,040 (17 %). The
    article's ladder would add 5 % for D: 2,640.00, 22 % of referred sales."""
    sell("DDD444", "12000.00")
    entries = LedgerEntry.objects.count()
    draft = {
        "firstMonth": "2025-03-01",
        "lastMonth": "2025-03-31",
        "growthRules": [{"currency": "CNY", "ladder": ARTICLE_LADDER}],
    }
    result = api.ok(SIMULATE, {"input": draft}, viewer=OWNER)["growthSimulation"]
    assert result["currencies"] == [
        {
            "currency": "CNY",
            "referredSales": {"amount": "12000.00"},
            "was": {"amount": "2040.00"},
            "wouldBe": {"amount": "2640.00"},
            "wasShare": "17.00",
            "wouldBeShare": "22.00",
            "shareChange": "5.00",
        }
    ]
    by_code = {row["distributorCode"]: row["change"]["amount"] for row in result["distributors"]}
    assert by_code == {"BBB222": "0.00", "CCC333": "0.00", "DDD444": "600.00"}
    assert LedgerEntry.objects.count() == entries
    assert not LadderBracket.objects.exists()


def test_the_simulator_names_the_lines_a_draft_over_the_cap_would_cut(api, tree, sell):
    order = sell("DDD444", "1000.00")
    draft = {"firstMonth": "2025-03-01", "lastMonth": "2025-03-01", "level2Rate": "50"}
    result = api.ok(SIMULATE, {"input": draft}, viewer=OWNER)["growthSimulation"]
    assert result["cappedCount"] == 2
    assert {
        (row["orderNumber"], row["distributorCode"], row["wantedRate"], row["paidRate"])
        for row in result["cappedLines"]
    } == {(order.number, "CCC333", "50", "30"), (order.number, "BBB222", "2", "0")}
    assert permission_denied(api(SIMULATE, {"input": draft}, viewer=CASHIER))


def test_a_close_shows_the_ladder_top_up_in_the_statements_and_their_csv(api, program, tree, sell):
    LadderBracket.objects.create(currency="CNY", min_sales=D("10000"), rate=D("15"))
    sell("DDD444", "12000.00")
    close_month(date(2025, 3, 1), program=program())

    rows = api.ok(STATEMENTS, {"month": "2025-03-01"}, viewer=CASHIER)["monthlyStatements"]
    d = next(row for row in rows if row["distributorCode"] == "DDD444")
    assert d["ownSales"] == {"amount": "12000.00"}
    assert d["commissionByLevel"] == [{"level": 1, "amount": {"amount": "1200.00"}}]
    assert d["bonuses"] == [{"rule": "LADDER", "amount": {"amount": "600.00"}}]
    assert d["earned"] == {"amount": "1800.00"}

    export = api.ok(
        'query { monthlyStatementsCsv(month: "2025-03-01") { filename rows content } }',
        viewer=CASHIER,
    )["monthlyStatementsCsv"]
    assert (export["filename"], export["rows"]) == ("wfx-statements-2025-03.csv", 3)
    records = {row["distributor"]: row for row in csv.DictReader(io.StringIO(export["content"]))}
    assert (records["DDD444"]["bonus_ladder"], records["DDD444"]["earned"]) == ("600.00", "1800.00")
    assert records["CCC333"]["commission_level_2"] == "600.00"

    mine = api.ok(
        'query { me { monthlyStatements(month: "2025-03-01") { distributorCode '
        "bonuses { rule amount { amount } } } } }",
        viewer=DISTRIBUTOR_D,
    )["me"]["monthlyStatements"]
    assert mine == [
        {
            "distributorCode": "DDD444",
            "bonuses": [{"rule": "LADDER", "amount": {"amount": "600.00"}}],
        }
    ]
    assert permission_denied(api(STATEMENTS, {"month": "2025-03-01"}, viewer=DISTRIBUTOR_D))
    one = api.ok(
        'query($d: ID) { monthlyStatements(month: "2025-03-01", distributor: $d) '
        "{ distributorCode } }",
        {"d": to_global_id("Distributor", tree[2].pk)},
        viewer=CASHIER,
    )["monthlyStatements"]
    assert one == [{"distributorCode": "CCC333"}]
