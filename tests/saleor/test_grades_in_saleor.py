"""Grades inside a real Saleor: storefront orders paid and shipped through Saleor's API count toward
a grade in the month their commission leaves the T+3 hold, so the month-end farming sequence
(buy, be upgraded on the 1st, return) no longer upgrades; and a merchant opts in to team-sales
criteria with Saleor's own `pluginUpdate`.

Gold is reached with 15.00 USD of own sales in a month; Saleor's test product sells two units
for 20.00 USD of goods. The shop is in Shanghai; dates are in 2030 (30 April is a Tuesday)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from . import require_saleor

require_saleor()

from freezegun import freeze_time  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402

from saleor_wfx_plugin.models import Distributor, Grade  # noqa: E402
from saleor_wfx_plugin.saleor_host.routes import PLUGIN_ID  # noqa: E402
from saleor_wfx_plugin.services.ledger import settle_due  # noqa: E402
from saleor_wfx_plugin.tasks import evaluate_grades_task  # noqa: E402

from . import test_api_in_saleor as api_tier  # noqa: E402
from . import test_money_in_saleor as money_tier  # noqa: E402

four_generations = money_tier.four_generations  # AAA111 ← BBB222 ← CCC333 ← DDD444
storefront_checkout = money_tier.storefront_checkout
fulfil = money_tier.fulfil
wfx_money = money_tier.wfx_money
sign_in = api_tier.sign_in

# 1 May and 1 June, 02:30 in Shanghai: when Celery beat runs the monthly grade upgrade.
GRADES_RUN_1_MAY = datetime(2030, 4, 30, 18, 30, tzinfo=UTC)
GRADES_RUN_1_JUNE = datetime(2030, 5, 31, 18, 30, tzinfo=UTC)

PLUGIN_UPDATE = """
mutation ($id: ID!, $input: PluginUpdateInput!) {
  pluginUpdate(id: $id, input: $input) { plugin { id } errors { field message code } }
}
"""
GRADE_CREATE = """
mutation ($input: GradeInput!) {
  gradeCreate(input: $input) {
    grade { slug upgradeMinTeamSales { amount currency } } errors { field code }
  }
}
"""


@pytest.fixture
def gold_for_15_usd(db):
    Grade.objects.filter(slug="gold").update(
        upgrade_min_sales=Decimal("15"), upgrade_currency="USD"
    )


def grade_of(code):
    distributor = Distributor.objects.select_related("grade").get(code=code)
    return distributor.grade.slug if distributor.grade else None


def test_buying_at_month_end_to_be_upgraded_then_returning_the_goods_upgrades_nobody(
    wfx_money, gold_for_15_usd, four_generations, storefront_checkout, fulfil, app_api_client
):
    # Tuesday 30 April, 20:00 in Shanghai: 20.00 of goods bought with D's code and shipped at
    # once. T+3 business days: the hold ends when Friday 3 May begins.
    with freeze_time(datetime(2030, 4, 30, 12, 0, tzinfo=UTC)):
        order, payment, total = storefront_checkout([("referral_code", "DDD444")])
        fulfil(order)

    with freeze_time(GRADES_RUN_1_MAY):
        assert evaluate_grades_task()["upgraded"] == []
    assert grade_of("DDD444") is None

    # Thursday 2 May: the goods come back and the payment app refunds everything.
    with freeze_time(datetime(2030, 5, 2, 2, 0, tzinfo=UTC)):
        money_tier.refund_in_full(app_api_client, payment, total)
    # Friday 3 May, 00:05: the maturing task releases what is left of it, nothing.
    assert settle_due(now=datetime(2030, 5, 2, 16, 5, tzinfo=UTC)).released == 3

    with freeze_time(GRADES_RUN_1_JUNE):
        assert evaluate_grades_task() == {
            "month": "2030-05",
            "checked": 4,
            "upgraded": [],
            "skipped_inactive": False,
        }
    assert grade_of("DDD444") is None


def test_an_honest_sale_settling_in_the_next_month_upgrades_on_the_first_after_it(
    wfx_money, gold_for_15_usd, four_generations, storefront_checkout, fulfil
):
    # Shipped Friday 26 April: T+3 ends when Wednesday 1 May begins, after April has closed.
    with freeze_time(datetime(2030, 4, 26, 2, 0, tzinfo=UTC)):
        order, _, _ = storefront_checkout([("referral_code", "DDD444")])
        fulfil(order)
    # 1 May, 00:15: beat's maturing run releases it, before the grade run at 02:30.
    assert settle_due(now=datetime(2030, 4, 30, 16, 15, tzinfo=UTC)).released == 3

    with freeze_time(GRADES_RUN_1_MAY):
        assert evaluate_grades_task()["upgraded"] == []
    with freeze_time(GRADES_RUN_1_JUNE):
        assert evaluate_grades_task()["upgraded"] == [["DDD444", None, "gold"]]
    assert grade_of("DDD444") == "gold"


def test_a_merchant_opts_in_to_team_sales_criteria_with_saleors_plugin_update(
    wfx_money,
    client,
    staff_api_client,
    staff_user,
    permission_manage_plugins,
    sign_in,
):
    staff_user.user_permissions.add(permission_manage_plugins)
    plugin_api = api_tier.PluginApi(client)
    token = sign_in(staff_user)
    diamond = {
        "name": "Diamond",
        "rank": 5,
        "upgradeMinTeamSales": "3000",
        "upgradeCurrency": "USD",
    }

    refused = plugin_api(GRADE_CREATE, {"input": diamond}, token=token)["data"]["gradeCreate"]
    assert refused["errors"] == [{"field": "upgradeMinTeamSales", "code": "TEAM_SALES_RULES_OFF"}]

    switched_on = get_graphql_content(
        staff_api_client.post_graphql(
            PLUGIN_UPDATE,
            {
                "id": PLUGIN_ID,
                "input": {"configuration": [{"name": "grade_team_sales_rules", "value": "true"}]},
            },
        )
    )["data"]["pluginUpdate"]
    assert switched_on["errors"] == []

    created = plugin_api.ok(GRADE_CREATE, {"input": diamond}, token=token)["gradeCreate"]
    assert created["grade"] == {
        "slug": "diamond",
        "upgradeMinTeamSales": {"amount": "3000.00", "currency": "USD"},
    }
