"""Money given back, inside a real Saleor 3.24, driven through its public API: a chargeback the
payment app reports reverses the commission; a gift card sold on a line earns nothing; goods a
promotional gift card paid for earn nothing, those a bought one paid for earn in full."""

from decimal import Decimal

import pytest

from . import require_saleor

require_saleor()

import graphene  # noqa: E402
from saleor.giftcard import GiftCardEvents  # noqa: E402
from saleor.giftcard.models import GiftCardEvent  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402

from saleor_wfx_plugin.models import CommissionLine, LedgerEntry  # noqa: E402

from . import test_api_in_saleor as api_tier  # noqa: E402
from . import test_plugin_in_saleor as commission_tier  # noqa: E402

wfx_active = commission_tier.wfx_active
four_generations = commission_tier.four_generations  # AAA111 ← BBB222 ← CCC333 ← DDD444
storefront_checkout = commission_tier.storefront_checkout
commission_by_level = commission_tier.commission_by_level
# The plugin's API through Saleor's route, with Saleor's own tokens.
plugin_api = api_tier.plugin_api
sign_in = api_tier.sign_in
wfx_configuration = api_tier.wfx_configuration

TRANSACTION_EVENT_REPORT = """
mutation ($id: ID!, $type: TransactionEventTypeEnum!, $amount: PositiveDecimal,
          $pspReference: String!) {
  transactionEventReport(id: $id, type: $type, amount: $amount, pspReference: $pspReference) {
    alreadyProcessed
    transaction { chargedAmount { amount } }
    errors { field message code }
  }
}
"""
# Saleor's test product: 10.00 USD a unit, no tax, so two units are 20.00 of goods.
SELLER, UPLINE, GRAND_UPLINE = Decimal("2.00"), Decimal("1.00"), Decimal("0.40")


def report(app_api_client, transaction_id, event_type, amount, psp_reference, capture):
    with capture(execute=True):
        result = get_graphql_content(
            app_api_client.post_graphql(
                TRANSACTION_EVENT_REPORT,
                {
                    "id": transaction_id,
                    "type": event_type,
                    "amount": str(amount),
                    "pspReference": psp_reference,
                },
            )
        )["data"]["transactionEventReport"]
    assert result["errors"] == []
    return result


def test_a_chargeback_the_payment_app_reports_reverses_the_commission(
    wfx_active,
    four_generations,
    storefront_checkout,
    app_api_client,
    django_capture_on_commit_callbacks,
):
    order, transaction_id, total = storefront_checkout([("referral_code", "DDD444")])
    assert commission_by_level(order) == {
        1: ("DDD444", SELLER),
        2: ("CCC333", UPLINE),
        3: ("BBB222", GRAND_UPLINE),
    }
    charged = Decimal(str(total["amount"]))

    def report_the_dispute():
        return report(
            app_api_client,
            transaction_id,
            "CHARGE_BACK",
            Decimal("10.00"),
            "dispute-1",
            django_capture_on_commit_callbacks,
        )

    # The customer disputes 10.00 with their bank; the app reports it. Saleor lowers the
    # charged amount and fires only order_updated.
    result = report_the_dispute()
    assert Decimal(str(result["transaction"]["chargedAmount"]["amount"])) == charged - 10

    # 10.00 of the 20.00 of goods is half (shipping is not goods): half of each level.
    assert commission_by_level(order) == {
        1: ("DDD444", Decimal("1.00")),
        2: ("CCC333", Decimal("0.50")),
        3: ("BBB222", Decimal("0.20")),
    }
    reversals = LedgerEntry.objects.commission().filter(kind="reversal")
    assert set(reversals.values_list("event", flat=True)) == {"order_updated"}

    # The app reporting the same chargeback again is no second chargeback.
    again = report_the_dispute()
    assert again["alreadyProcessed"] is True
    assert reversals.count() == 3
    assert commission_by_level(order)[1] == ("DDD444", Decimal("1.00"))


@pytest.fixture
def checkout(storefront):
    """A storefront checkout of several variants through Saleor's API, with gift card codes
    applied before paying what is left to charge."""

    def place(lines, *, metadata=(("referral_code", "DDD444"),), gift_card_codes=()):
        order, _, _ = storefront.place_order(
            lines, metadata=metadata, gift_card_codes=gift_card_codes
        )
        return order

    return place


def test_a_gift_card_sold_on_a_line_earns_nothing(
    wfx_active, four_generations, checkout, product, shippable_gift_card_product
):
    goods = product.variants.get()
    card = shippable_gift_card_product.variants.get()

    order = checkout([(goods, 2), (card, 1)])

    card_line = order.lines.get(is_gift_card=True)
    assert card_line.total_price_net_amount == Decimal("100.00")
    # Commission on the 20.00 of goods only; the 100.00 card earns when it is spent.
    assert commission_by_level(order) == {
        1: ("DDD444", SELLER),
        2: ("CCC333", UPLINE),
        3: ("BBB222", GRAND_UPLINE),
    }
    assert not CommissionLine.objects.filter(order_line_id=str(card_line.pk)).exists()
    assert CommissionLine.objects.count() == 3


def test_goods_a_promotional_gift_card_paid_for_earn_nothing(
    wfx_active, four_generations, checkout, product, gift_card_created_by_staff
):
    # A 10.00 card staff issued pays half of the 20.00 of goods; the shop receives 10.00.
    order = checkout(
        [(product.variants.get(), 2)], gift_card_codes=[gift_card_created_by_staff.code]
    )

    assert GiftCardEvent.objects.filter(
        order=order, type=GiftCardEvents.USED_IN_ORDER, gift_card=gift_card_created_by_staff
    ).exists()
    assert CommissionLine.objects.get(level=1).base == Decimal("10.00")
    assert commission_by_level(order) == {
        1: ("DDD444", Decimal("1.00")),
        2: ("CCC333", Decimal("0.50")),
        3: ("BBB222", Decimal("0.20")),
    }


def test_goods_a_bought_gift_card_paid_for_earn_in_full(
    wfx_active, four_generations, checkout, product, gift_card, order
):
    # The card a customer bought on an earlier order is money the shop already has.
    GiftCardEvent.objects.create(gift_card=gift_card, order=order, type=GiftCardEvents.BOUGHT)

    placed = checkout([(product.variants.get(), 2)], gift_card_codes=[gift_card.code])

    assert commission_by_level(placed)[1] == ("DDD444", SELLER)


ORDER_COMMISSION_REVERSE = """
mutation ($orderId: ID!, $amount: Decimal, $currency: String, $reason: String!, $key: String!) {
  orderCommissionReverse(orderId: $orderId, amount: $amount, currency: $currency,
                         reason: $reason, idempotencyKey: $key) {
    reversal { amount { amount currency } actor }
    orderCommission { commissions { level amount { amount } } reversals { reason } }
    errors { field code message }
  }
}
"""


def test_staff_reverse_commission_for_a_refund_made_in_the_providers_console(
    plugin_api, four_generations, storefront_checkout, staff_user, permission_manage_orders, sign_in
):
    order, _, _ = storefront_checkout([("referral_code", "DDD444")])
    # Saleor's own permission for granting refunds; the token is Saleor's tokenCreate.
    staff_user.user_permissions.add(permission_manage_orders)
    order_id = graphene.Node.to_global_id("Order", order.pk)  # as the dashboard shows it

    payload = plugin_api.ok(
        ORDER_COMMISSION_REVERSE,
        {
            "orderId": order_id,
            "amount": "5.00",
            "currency": "USD",
            "reason": "Refunded in the Stripe dashboard",
            "key": "stripe-re-1",
        },
        token=sign_in(staff_user),
    )["orderCommissionReverse"]

    assert payload["reversal"] == {
        "amount": {"amount": "5.00", "currency": "USD"},
        "actor": f"user:{staff_user.pk}",
    }
    # 5.00 of the 20.00 of goods: a quarter of each level.
    assert [
        (row["level"], row["amount"]["amount"]) for row in payload["orderCommission"]["commissions"]
    ] == [(1, "1.50"), (2, "0.75"), (3, "0.30")]
    assert payload["orderCommission"]["reversals"] == [
        {"reason": "Refunded in the Stripe dashboard"}
    ]
    # Saleor's next hook of the order keeps the reversal.
    from saleor_wfx_plugin.tasks import process_order_event

    assert process_order_event(str(order.pk), "order_updated") == 0
    assert commission_by_level(order)[1] == ("DDD444", Decimal("1.50"))
