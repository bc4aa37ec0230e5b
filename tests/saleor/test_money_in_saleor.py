"""Commission becomes money inside a real Saleor: a referred storefront order, paid and then
fulfilled with Saleor's own `orderFulfill`, moves the seller's commission from pending to the
T+N hold, the hold ends on the business day the settings say, the seller is paid out net of tax
through the plugin's API, and a refund after the payout is a debt the next commission pays off.

The clock is moved with freezegun (Saleor's own test dependency); dates are in 2030 so the real
clock never matures anything by itself."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from . import require_saleor

require_saleor()

import graphene  # noqa: E402
from freezegun import freeze_time  # noqa: E402
from saleor.account.tests.fixtures.user import dangerously_create_test_user  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402
from saleor.order import OrderStatus  # noqa: E402

from saleor_wfx_plugin.models import Settlement  # noqa: E402
from saleor_wfx_plugin.selectors.balances import balance  # noqa: E402
from saleor_wfx_plugin.services.ledger import SettleResult, settle_due  # noqa: E402

# Orders are placed exactly as the commission tests place theirs: a storefront checkout through
# Saleor's public API with the code in metadata, paid by an app's transaction, completed.
from . import storefront  # noqa: E402
from . import test_plugin_in_saleor as commission_tier  # noqa: E402

PLUGIN_PATH = commission_tier.PLUGIN_PATH
four_generations = commission_tier.four_generations  # AAA111 ← BBB222 ← CCC333 ← DDD444
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
    settings.WFX_TIME_ZONE = SHANGHAI
    return commission_tier.activate_programme(
        settings, confirm_days_after_fulfilment="0", settlement_days="3"
    )


def configure(plugin_configuration, **values):
    """Change some of the plugin's settings, as a merchant does in the dashboard."""
    kept = [item for item in plugin_configuration.configuration if item["name"] not in values]
    plugin_configuration.configuration = kept + [
        {"name": name, "value": value} for name, value in values.items()
    ]
    plugin_configuration.save(update_fields=["configuration"])


@pytest.fixture
def fulfil(staff_api_client, permission_group_manage_orders):
    """What the dashboard does when staff ship an order: Saleor's `orderFulfill` with a staff
    token that has MANAGE_ORDERS, every line from the warehouse its stock was allocated in.
    (Saleor's test client runs on-commit callbacks, so the plugin's hooks run as after a real
    request.)"""
    permission_group_manage_orders.user_set.add(staff_api_client.user)

    def ship(order):
        # A fresh token at the (frozen) time of shipping: Saleor's access tokens live minutes.
        staff_api_client.regenerate_access_token()
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


# --- The whole way, through the plugin's API with tokens Saleor issued ------------------------
GRAPHQL_URL = "/plugins/global/wfx.distribution/graphql/"
TOKEN_CREATE = """
mutation ($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token errors { field message code } }
}
"""
MY_BALANCES = """
{ me { balances { currency
    pending { amount } onHold { amount } available { amount } negativeCarry { amount }
    reserved { amount } paid { amount } tax { amount } fees { amount } } } }
"""
PAYOUT_REQUEST = """
mutation ($input: PayoutRequestInput!) {
  payoutRequest(input: $input) {
    payout { id status amount { amount currency } account }
    errors { field code message }
  }
}
"""
PAYOUT_APPROVE = """
mutation ($id: ID!) {
  payoutApprove(id: $id) {
    payout { status approvedBy tax { amount } net { amount } }
    errors { field code message }
  }
}
"""
PAYOUT_MARK_PAID = """
mutation ($id: ID!, $reference: String!) {
  payoutMarkPaid(id: $id, transferReference: $reference) {
    payout { status paidBy transferReference }
    errors { field code message }
  }
}
"""
TRANSACTION_UPDATE = storefront.TRANSACTION_UPDATE

# The calendar of the story, all in 2030 and in Shanghai time (UTC+8, no daylight saving).
# The first order ships on FRIDAY_MORNING_IN_SHANGHAI and is available from Wednesday.
PAYOUT_DAY = datetime(2030, 3, 6, 2, 0, tzinfo=UTC)  # Wednesday 10:00
REFUND_DAY = datetime(2030, 3, 7, 2, 0, tzinfo=UTC)  # Thursday 10:00
SECOND_ORDER_SHIPPED = datetime(2030, 3, 8, 2, 0, tzinfo=UTC)  # Friday 10:00
SECOND_ORDER_AVAILABLE = datetime(2030, 3, 12, 16, 0, tzinfo=UTC)  # Wednesday 13 March begins


@pytest.fixture
def wfx_payouts(wfx_money):
    configure(
        wfx_money,
        # One order's commission is a few dollars; the shop lets such small sums be paid out.
        payout_min_amount="1",
        second_approval_above="5000",  # far above these payouts: one approver suffices
        # Labour-remuneration tax is withheld on CNY payouts only; this shop sells in USD and
        # withholds a flat 20 %.
        tax_policy="flat",
        tax_flat_rate="20",
    )
    return wfx_money


@pytest.fixture
def referred_seller(db, customer_user):
    """The seller is a Saleor customer account (so it can sign in and ask to be paid), with an
    upline who earns the direct reward."""
    from saleor_wfx_plugin.services.distributors import create_distributor

    upline = create_distributor(code="UPL222", email="upline@example.com")
    seller = create_distributor(
        code="SEL111", email=customer_user.email, user_id=str(customer_user.pk), upline=upline
    )
    return seller, upline


class SignedIn:
    """Requests to the plugin's GraphQL route with a token from Saleor's own `tokenCreate`,
    taken when the request is made, because the test moves the clock by days and Saleor's
    access tokens live minutes."""

    def __init__(self, client, api_client, user):
        self.client, self.api_client, self.user = client, api_client, user

    def __call__(self, query, variables=None):
        signed_in = get_graphql_content(
            self.api_client.post_graphql(
                TOKEN_CREATE, {"email": self.user.email, "password": "password"}
            )
        )["data"]["tokenCreate"]
        assert signed_in["errors"] == []
        response = self.client.post(
            GRAPHQL_URL,
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {signed_in['token']}",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def balance(self):
        [usd] = self(MY_BALANCES)["me"]["balances"]
        assert usd["currency"] == "USD"
        return {name: Decimal(value["amount"]) for name, value in usd.items() if name != "currency"}


@pytest.fixture
def seller_api(client, api_client, customer_user, wfx_payouts):
    return SignedIn(client, api_client, customer_user)


@pytest.fixture
def cashier_api(client, api_client, permission_manage_payments, wfx_payouts):
    """Finance staff: HANDLE_PAYMENTS in Saleor, nothing else."""
    cashier = dangerously_create_test_user("cashier@example.com", "password", is_staff=True)
    cashier.user_permissions.add(permission_manage_payments)
    return SignedIn(client, api_client, cashier)


def request_payout(seller_api, amount, key, *, early=False):
    """The seller asks for `amount` USD to their Alipay account (payoutRequest)."""
    payout_input = {
        "currency": "USD",
        "amount": amount,
        "method": "ALIPAY",
        "payeeName": "Leslie Wade",
        "account": "13812345678",
        "idempotencyKey": key,
    }
    if early:
        payout_input["early"] = True
    return seller_api(PAYOUT_REQUEST, {"input": payout_input})["payoutRequest"]


def refund_in_full(app_api_client, transaction_id, total):
    """The payment app reports the whole charge refunded, as after a return."""
    updated = get_graphql_content(
        app_api_client.post_graphql(
            TRANSACTION_UPDATE,
            {
                "id": transaction_id,
                "transaction": {
                    "amountCharged": {"amount": "0", "currency": total["currency"]},
                    "amountRefunded": {
                        "amount": str(total["amount"]),
                        "currency": total["currency"],
                    },
                },
            },
        )
    )["data"]["transactionUpdate"]
    assert updated["errors"] == []


def test_paid_out_commission_refunded_later_is_offset_by_the_next_order(
    referred_seller,
    storefront_checkout,
    fulfil,
    seller_api,
    cashier_api,
    app_api_client,
):
    _, upline = referred_seller

    # Given a referred order, paid, shipped on Friday and out of the hold on Wednesday.
    with freeze_time(THURSDAY):
        first, first_payment, first_total = storefront_checkout([("referral_code", "SEL111")])
    with freeze_time(FRIDAY_MORNING_IN_SHANGHAI):
        fulfil(first)
    settle_due(now=WEDNESDAY_BEGINS_IN_SHANGHAI)
    with freeze_time(PAYOUT_DAY):
        assert seller_api.balance()["available"] == SELLER_COMMISSION  # 10 % of 20.00

        # When the seller asks for all of it and finance approve and transfer it.
        requested = request_payout(seller_api, str(SELLER_COMMISSION), "first-payout")
        assert requested["errors"] == []
        payout = requested["payout"]
        assert (payout["status"], payout["account"]) == ("REQUESTED", "**** 5678")
        assert seller_api.balance()["reserved"] == SELLER_COMMISSION

        approved = cashier_api(PAYOUT_APPROVE, {"id": payout["id"]})["payoutApprove"]
        assert approved["errors"] == []
        # Flat 20 % of 2.00 withheld: 0.40 tax, 1.60 to transfer.
        assert approved["payout"]["status"] == "APPROVED"
        assert approved["payout"]["approvedBy"] == f"user:{cashier_api.user.pk}"
        assert (approved["payout"]["tax"], approved["payout"]["net"]) == (
            {"amount": "0.40"},
            {"amount": "1.60"},
        )
        paid = cashier_api(PAYOUT_MARK_PAID, {"id": payout["id"], "reference": "ALI-0306-0001"})
        assert paid["payoutMarkPaid"]["errors"] == []
        assert paid["payoutMarkPaid"]["payout"]["status"] == "PAID"

        # Then the seller has been paid the net and the tax is on record.
        after_payout = seller_api.balance()
        assert after_payout["paid"] == Decimal("1.60")
        assert after_payout["tax"] == Decimal("0.40")
        assert after_payout["available"] == after_payout["reserved"] == 0

    # When the customer returns everything and the payment app refunds the order in full.
    with freeze_time(REFUND_DAY):
        refund_in_full(app_api_client, first_payment, first_total)

        # Then the paid-out commission comes back as a debt: a negative available balance.
        clawed_back = seller_api.balance()
        assert clawed_back["available"] == -SELLER_COMMISSION
        assert clawed_back["negativeCarry"] == SELLER_COMMISSION
        assert clawed_back["paid"] == Decimal("1.60")  # what was transferred stays transferred
        # The upline's share was never paid out, so it simply disappears from available.
        assert balance(upline, "USD").available == 0
        # And no further payout until later commission covers the debt.
        refused = request_payout(seller_api, "1", "while-negative")
        assert [error["code"] for error in refused["errors"]] == ["NEGATIVE_BALANCE"]

    # When the next referred order (three units: 3.00 commission) is shipped and matures.
    with freeze_time(SECOND_ORDER_SHIPPED):
        second, _, _ = storefront_checkout([("referral_code", "SEL111")], quantity=3)
        fulfil(second)
    assert settle_due(now=SECOND_ORDER_AVAILABLE).released == 2  # seller and upline

    # Then it pays the debt off first: 3.00 earned - 2.00 owed = 1.00 available.
    with freeze_time(SECOND_ORDER_AVAILABLE):
        settled = seller_api.balance()
    assert settled["available"] == Decimal("1.00")
    assert settled["negativeCarry"] == 0
    assert (settled["pending"], settled["onHold"], settled["reserved"]) == (0, 0, 0)
    assert (settled["paid"], settled["tax"]) == (Decimal("1.60"), Decimal("0.40"))


# --- What counts as "fulfilled": the moment the goods went out, not a later return ------------
ORDER_FULFILLMENT_RETURN = """
mutation ($order: ID!, $input: OrderReturnProductsInput!) {
  orderFulfillmentReturnProducts(order: $order, input: $input) {
    order { status }
    errors { field message code }
  }
}
"""
ORDER_FULFILLMENT_APPROVE = """
mutation ($id: ID!) {
  orderFulfillmentApprove(id: $id, notifyCustomer: false) {
    order { status }
    errors { field message code }
  }
}
"""
MONDAY = datetime(2030, 3, 4, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
WEDNESDAY = datetime(2030, 3, 6, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def test_a_partial_return_does_not_restart_the_receipt_confirmation_clock(
    wfx_money,
    four_generations,
    storefront_checkout,
    fulfil,
    staff_api_client,
):
    from django.core.management import call_command
    from saleor.order.models import FulfillmentLine

    seller = four_generations[3]
    configure(wfx_money, confirm_days_after_fulfilment="7")
    with freeze_time(THURSDAY):
        order, _, _ = storefront_checkout([("referral_code", "DDD444")])
    with freeze_time(FRIDAY_MORNING_IN_SHANGHAI):
        fulfil(order)
    a_week_after_shipping = datetime(2030, 3, 8, 2, 0, tzinfo=UTC)
    assert Settlement.objects.get(distributor=seller).confirm_due_at == a_week_after_shipping

    # Monday: one of the two units comes back (a return recorded by staff, no refund yet), and
    # the periodic sweep reconciles the order Saleor changed.
    with freeze_time(MONDAY):
        staff_api_client.regenerate_access_token()
        shipped_line = FulfillmentLine.objects.get(fulfillment__order=order)
        returned = get_graphql_content(
            staff_api_client.post_graphql(
                ORDER_FULFILLMENT_RETURN,
                {
                    "order": graphene.Node.to_global_id("Order", order.pk),
                    "input": {
                        "fulfillmentLines": [
                            {
                                "fulfillmentLineId": graphene.Node.to_global_id(
                                    "FulfillmentLine", shipped_line.pk
                                ),
                                "quantity": 1,
                            }
                        ]
                    },
                },
            )
        )["data"]["orderFulfillmentReturnProducts"]
        assert returned["errors"] == []
        order.refresh_from_db()
        assert order.status == OrderStatus.PARTIALLY_RETURNED, returned["order"]["status"]
        call_command("wfx_reconcile", "--hours", "1")

    # The week still runs from Friday's shipment, not from Monday's return.
    assert Settlement.objects.get(distributor=seller).confirm_due_at == a_week_after_shipping
    settle_due(now=a_week_after_shipping)
    assert balance(seller, "USD").on_hold == SELLER_COMMISSION


def test_the_hold_counts_from_the_approval_when_fulfilments_need_one(
    wfx_money, four_generations, storefront_checkout, fulfil, staff_api_client, site_settings
):
    seller = four_generations[3]
    site_settings.fulfillment_auto_approve = False
    site_settings.save(update_fields=["fulfillment_auto_approve"])
    with freeze_time(THURSDAY):
        order, _, _ = storefront_checkout([("referral_code", "DDD444")])

    # Monday the warehouse prepares the parcel; it goes out only when approved on Wednesday.
    with freeze_time(MONDAY):
        prepared = fulfil(order)
    assert prepared["order"]["status"] == "UNFULFILLED"
    assert balance(seller, "USD").pending == SELLER_COMMISSION
    with freeze_time(WEDNESDAY):
        staff_api_client.regenerate_access_token()
        approved = get_graphql_content(
            staff_api_client.post_graphql(
                ORDER_FULFILLMENT_APPROVE, {"id": prepared["fulfillments"][0]["id"]}
            )
        )["data"]["orderFulfillmentApprove"]
    assert approved["errors"] == []
    assert approved["order"]["status"] == "FULFILLED"

    settlement = Settlement.objects.get(distributor=seller)
    assert settlement.fulfilled_at == WEDNESDAY
    # T+3 from Wednesday: Thursday, Friday, Monday; available when Monday 11 March begins in
    # Shanghai (16:00 UTC on Sunday).
    assert settlement.available_due_at == datetime(2030, 3, 10, 16, 0, tzinfo=UTC)
    assert balance(seller, "USD").on_hold == SELLER_COMMISSION


# --- Early withdrawal never gets round a clawback (the net position) ---------------------------
SATURDAY = datetime(2030, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, both holds still running


def test_an_early_withdrawal_cannot_spend_commission_a_refund_took_back(
    referred_seller,
    storefront_checkout,
    fulfil,
    wfx_payouts,
    seller_api,
    cashier_api,
    app_api_client,
    django_capture_on_commit_callbacks,
):
    """The money issue's worked case inside Saleor: order 1's commission is withdrawn early and
    paid, the payment app then reports the order refunded (its hold is now -2.00), order 2 earns
    the same 2.00: the net position is 0.00, so a second early request is refused. Before, it
    was granted and 3.99 left against 2.00 earned."""
    from .test_money_given_back_in_saleor import report

    configure(
        wfx_payouts, early_withdrawal="true", early_withdrawal_fee_rate="0.5", tax_policy="none"
    )
    with freeze_time(THURSDAY):
        first, first_transaction, first_total = storefront_checkout([("referral_code", "SEL111")])
    with freeze_time(FRIDAY_MORNING_IN_SHANGHAI):
        fulfil(first)

    with freeze_time(SATURDAY):
        assert seller_api.balance()["onHold"] == SELLER_COMMISSION
        requested = request_payout(seller_api, "2.00", "early-1", early=True)
        assert requested["errors"] == []
        payout_id = requested["payout"]["id"]
        assert cashier_api(PAYOUT_APPROVE, {"id": payout_id})["payoutApprove"]["errors"] == []
        paid = cashier_api(PAYOUT_MARK_PAID, {"id": payout_id, "reference": "ALI-0302-0001"})
        assert paid["payoutMarkPaid"]["errors"] == []

        # The goods come back: the payment app reports the whole charge refunded.
        report(
            app_api_client,
            first_transaction,
            "REFUND_SUCCESS",
            Decimal(str(first_total["amount"])),
            "refund-1",
            django_capture_on_commit_callbacks,
        )
        money = seller_api.balance()
        assert (money["onHold"], money["available"]) == (-SELLER_COMMISSION, 0)
        assert (money["paid"], money["fees"]) == (Decimal("1.99"), Decimal("0.01"))

        second, _, _ = storefront_checkout([("referral_code", "SEL111")])
        fulfil(second)
        # -2.00 on the first order's hold, +2.00 on the second's: nothing is owed, nothing left.
        assert seller_api.balance()["onHold"] == 0
        refused = request_payout(seller_api, "1.00", "early-2", early=True)
        assert [error["code"] for error in refused["errors"]] == ["INSUFFICIENT_FUNDS"]
        assert seller_api.balance()["reserved"] == 0

    # When both holds end, the second order's commission has paid the first one's refund.
    settle_due(now=SECOND_ORDER_AVAILABLE)
    with freeze_time(SECOND_ORDER_AVAILABLE):
        assert seller_api.balance()["available"] == 0
