"""Commission becomes money inside a real Saleor: a referred storefront order, paid and then
fulfilled with Saleor's own `orderFulfill`, moves the seller's commission from pending to the
T+N hold, and the hold ends on the business day the settings say."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from . import require_saleor

require_saleor()

import graphene  # noqa: E402
from freezegun import freeze_time  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402
from saleor.order import OrderStatus  # noqa: E402
from saleor.plugins.models import PluginConfiguration  # noqa: E402

from saleor_wfx_plugin.models import Settlement  # noqa: E402
from saleor_wfx_plugin.plugin import PLUGIN_ID  # noqa: E402
from saleor_wfx_plugin.selectors.balances import balance  # noqa: E402
from saleor_wfx_plugin.services.ledger import SettleResult, settle_due  # noqa: E402

# Orders are placed exactly as the commission tests place theirs: a storefront checkout through
# Saleor's public API with the code in metadata, paid by an app's transaction, completed.
from . import test_plugin_in_saleor as commission_tier  # noqa: E402

PLUGIN_PATH = commission_tier.PLUGIN_PATH
four_generations = commission_tier.four_generations  # D444's chain: A ← B ← C ← D
storefront_checkout = commission_tier.storefront_checkout

ORDER_FULFILL = """
mutation ($order: ID!, $input: OrderFulfillInput!) {
  orderFulfill(order: $order, input: $input) {
    order { status }
    fulfillments { id status created }
    errors { field message code }
  }
}
"""

SHANGHAI = "Asia/Shanghai"
# In 2030, so the real clock never matures anything by itself during the test. Ordered on
# Thursday 28 February, shipped on Friday 1 March at 10:00 in Shanghai (02:00 UTC).
THURSDAY = datetime(2030, 2, 28, 9, 0, tzinfo=UTC)
FRIDAY_MORNING_IN_SHANGHAI = datetime(2030, 3, 1, 2, 0, tzinfo=UTC)
# T+3 business days from a Friday are Monday, Tuesday, Wednesday: the money is available when
# Wednesday 6 March begins in Shanghai, which is 16:00 UTC on Tuesday.
WEDNESDAY_BEGINS_IN_SHANGHAI = datetime(2030, 3, 5, 16, 0, tzinfo=UTC)
# Saleor's test product: two units at 10.00 USD, no tax configured, so the goods are 20.00.
SELLER_COMMISSION = Decimal("2.00")  # 10 %
UPLINE_COMMISSION = Decimal("1.00")  # 5 %
GRAND_UPLINE_COMMISSION = Decimal("0.40")  # 2 %


@pytest.fixture
def wfx_money(settings, db):
    settings.PLUGINS = [PLUGIN_PATH]
    settings.WFX_TIME_ZONE = SHANGHAI
    return PluginConfiguration.objects.create(
        identifier=PLUGIN_ID,
        active=True,
        configuration=[
            {"name": "commission_levels", "value": "3"},
            {"name": "default_seller_rate", "value": "10"},
            {"name": "level2_rate", "value": "5"},
            {"name": "level3_rate", "value": "2"},
            {"name": "confirm_days_after_fulfilment", "value": "0"},
            {"name": "settlement_days", "value": "3"},
        ],
    )


@pytest.fixture
def fulfil(staff_api_client, permission_group_manage_orders, django_capture_on_commit_callbacks):
    """What the dashboard does when staff ship an order: Saleor's `orderFulfill` with a staff
    token that has MANAGE_ORDERS, every line from the warehouse its stock was allocated in."""
    permission_group_manage_orders.user_set.add(staff_api_client.user)

    def ship(order):
        lines = []
        for line in order.lines.all():
            allocation = line.allocations.select_related("stock").get()
            lines.append(
                {
                    "orderLineId": graphene.Node.to_global_id("OrderLine", line.pk),
                    "stocks": [
                        {
                            "quantity": line.quantity,
                            "warehouse": graphene.Node.to_global_id(
                                "Warehouse", allocation.stock.warehouse_id
                            ),
                        }
                    ],
                }
            )
        with django_capture_on_commit_callbacks(execute=True):
            result = get_graphql_content(
                staff_api_client.post_graphql(
                    ORDER_FULFILL,
                    {
                        "order": graphene.Node.to_global_id("Order", order.pk),
                        "input": {"lines": lines, "notifyCustomer": False},
                    },
                )
            )["data"]["orderFulfill"]
        assert result["errors"] == []
        order.refresh_from_db()
        return result

    return ship


def test_a_fulfilled_referred_order_puts_the_commission_on_hold_until_t_plus_3(
    wfx_money, four_generations, storefront_checkout, fulfil
):
    _, grand_upline, upline, seller = four_generations
    with freeze_time(THURSDAY):
        order, _, _ = storefront_checkout([("referral_code", "DDD444")])
    assert order.subtotal_net_amount == Decimal("20.00")
    # Paid, not yet shipped: earned but not confirmed, however long the parcel waits.
    assert balance(seller, "USD").pending == SELLER_COMMISSION
    assert settle_due(now=WEDNESDAY_BEGINS_IN_SHANGHAI) == SettleResult(confirmed=0, released=0)
    assert balance(seller, "USD").on_hold == 0

    with freeze_time(FRIDAY_MORNING_IN_SHANGHAI):
        shipped = fulfil(order)

    assert shipped["order"]["status"] == "FULFILLED"
    assert order.status == OrderStatus.FULFILLED
    # Saleor's hook confirmed it at once: the whole commission is in the hold, none pending.
    for payee, amount in (
        (seller, SELLER_COMMISSION),
        (upline, UPLINE_COMMISSION),
        (grand_upline, GRAND_UPLINE_COMMISSION),
    ):
        money = balance(payee, "USD")
        assert (money.pending, money.on_hold, money.available) == (0, amount, 0)
    settlement = Settlement.objects.get(distributor=seller)
    assert settlement.fulfilled_at == FRIDAY_MORNING_IN_SHANGHAI
    assert settlement.available_due_at == WEDNESDAY_BEGINS_IN_SHANGHAI

    # The last moment of Tuesday in Shanghai: still held.
    assert settle_due(now=datetime(2030, 3, 5, 15, 59, 59, tzinfo=UTC)).released == 0
    assert balance(seller, "USD").on_hold == SELLER_COMMISSION

    assert settle_due(now=WEDNESDAY_BEGINS_IN_SHANGHAI).released == 3
    money = balance(seller, "USD")
    assert (money.pending, money.on_hold, money.available) == (0, 0, SELLER_COMMISSION)
    assert balance(grand_upline, "USD").available == GRAND_UPLINE_COMMISSION
