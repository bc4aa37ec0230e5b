"""The month-end close inside a real Saleor: a storefront order placed, paid and shipped through
Saleor's API with a distributor's code settles in April; `wfx_close_month` posts the ladder
top-up, which the plugin's API shows in the statement and the seller's ledger.

Saleor's test product sells two units for 20.00 USD of goods; the seller earns 10 %. The ladder
here pays 15 % from 15.00 USD of own monthly sales, so the close tops up 5 % of 20.00 = 1.00."""

from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest

from . import require_saleor

require_saleor()

from django.core.management import call_command  # noqa: E402
from freezegun import freeze_time  # noqa: E402

from saleor_wfx_plugin.models import LadderBracket  # noqa: E402
from saleor_wfx_plugin.services.ledger import settle_due  # noqa: E402

from . import test_money_in_saleor as money_tier  # noqa: E402

four_generations = money_tier.four_generations  # AAA111 ← BBB222 ← CCC333 ← DDD444
storefront_checkout = money_tier.storefront_checkout
fulfil = money_tier.fulfil
wfx_money = money_tier.wfx_money
wfx_payouts = money_tier.wfx_payouts
cashier_api = money_tier.cashier_api

STATEMENTS = """query { monthlyStatements(month: "2030-04-01") {
  distributorCode ownSales { amount currency } commissionByLevel { level amount { amount } }
  bonuses { rule amount { amount currency } } } }"""


@pytest.fixture
def ladder(db):
    LadderBracket.objects.create(currency="USD", min_sales=Decimal("15"), rate=Decimal("15"))


def test_wfx_close_month_posts_a_ladder_top_up_that_the_api_shows(
    wfx_money, ladder, four_generations, storefront_checkout, fulfil, cashier_api
):
    # Shipped Wednesday 10 April 2030; T+3 ends long before April does.
    with freeze_time(datetime(2030, 4, 10, 2, 0, tzinfo=UTC)):
        order, _, _ = storefront_checkout([("referral_code", "DDD444")])
        fulfil(order)
    assert settle_due(now=datetime(2030, 4, 20, 2, 0, tzinfo=UTC)).released == 3

    out = StringIO()
    with freeze_time(datetime(2030, 5, 1, 2, 0, tzinfo=UTC)):
        call_command("wfx_close_month", "--month", "2030-04", stdout=out)
        call_command("wfx_close_month", "--month", "2030-04", stdout=out)
    assert out.getvalue().splitlines() == [
        "2030-04 closed: 1 awards posted (1.00 USD), 0 refunded lines reversed.",
        "2030-04 was already closed: nothing posted.",
    ]

    statements = cashier_api(STATEMENTS)["monthlyStatements"]
    seller = next(row for row in statements if row["distributorCode"] == "DDD444")
    assert seller["ownSales"] == {"amount": "20.00", "currency": "USD"}
    assert seller["commissionByLevel"] == [{"level": 1, "amount": {"amount": "2.00"}}]
    assert seller["bonuses"] == [
        {"rule": "LADDER", "amount": {"amount": "1.00", "currency": "USD"}}
    ]
    # The fourth generation above the seller is in no statement of this order.
    assert "AAA111" not in {row["distributorCode"] for row in statements}
