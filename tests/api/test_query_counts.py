"""Every page of the API costs a fixed number of SQL statements, however many rows it shows: a
shop with 50 distributors on a page must not pay 50 times the statements of a shop with 5.

Each test builds a page of 5 rows, counts the statements of one request, grows the page to 50
rows, counts again. Both counts must be at most 10 and equal."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_wfx_plugin.models import Distributor
from saleor_wfx_plugin.services.distributors import create_distributor
from tests.services.conftest import SERUM
from tests.services.helpers import staff_adjusts_balance

from .conftest import customer, staff
from .helpers import fund

pytestmark = pytest.mark.django_db

MAX_STATEMENTS = 10
SMALL, LARGE = 5, 50

USER_MANAGER = staff("MANAGE_USERS", user_id="920")
ORDER_CLERK = staff("MANAGE_ORDERS", user_id="921")
CASHIER = staff("HANDLE_PAYMENTS", "MANAGE_USERS", user_id="922")
TOP_SELLER = customer("1", "a@example.com")

DISTRIBUTORS = """{ distributors(first: 50) { totalCount edges { node {
  id code name email status grade { name } upline { code } directDownlineCount referralLink
  earnings { accrued { amount currency } reversed { amount } net { amount } }
  identity { legalName } } } } }"""

COMMISSION_FIELDS = """edges { node {
  orderId orderNumber channel level distributor { code grade { name } } productName
  quantity rate base { amount currency } accrued { amount } reversed { amount }
  amount { amount } status placedAt earnedAt } }"""

STAFF_COMMISSIONS = "{ commissions(first: 50) { totalCount " + COMMISSION_FIELDS + " } }"
MY_COMMISSIONS = "{ me { commissions(first: 50) { totalCount " + COMMISSION_FIELDS + " } } }"


def one_orders_commissions(number):
    return (
        '{ commissions(first: 50, filter: {orderNumber: "'
        + number
        + '"}) { '
        + COMMISSION_FIELDS
        + " } }"
    )


MY_TEAM = """{ me { team { directCount indirectCount sales { currency orders sales { amount } }
  members(first: 50) { totalCount edges { node {
    level maskedName maskedPhone maskedEmail grade active joinedAt } } } } } }"""

ME_EVERYTHING = """{ me {
  distributor { code grade { name } referralLink directDownlineCount
    earnings { net { amount currency } } }
  application { status }
  referralLink
  earnings { accrued { amount currency } net { amount } }
  balances { currency pending { amount } onHold { amount } available { amount } }
  sales { currency ownSales { amount } teamSales { amount } orders }
  clicks { clicks referredOrders conversionRate }
  team { directCount indirectCount members(first: 20) { edges { node { maskedName level } } } }
  commissions(first: 20) { edges { node { orderNumber level amount { amount } status } } }
  payouts(first: 20) { edges { node { status amount { amount } } } }
  ledger(first: 20) { edges { node { bucket kind amount { amount } orderNumber } } }
} }"""

PAYOUTS = """{ payouts(first: 50) { totalCount edges { node {
  id status amount { amount currency } fee { amount } net { amount } method payeeName account
  idNumber requestedBy distributor { code name } batch { id }
  events { kind actor reason createdAt } } } } }"""

BALANCES = """{ me { balances { currency pending { amount } onHold { amount } available { amount }
  withdrawable { amount } reserved { amount } paid { amount } } } }"""


def statements(api, query, viewer):
    with CaptureQueriesContext(connection) as captured:
        api.ok(query, viewer=viewer)
    return len(captured.captured_queries)


def assert_flat(api, query, viewer, grow):
    """`grow(n)` makes the page hold n rows."""
    grow(SMALL)
    small = statements(api, query, viewer)
    grow(LARGE)
    large = statements(api, query, viewer)
    assert small <= MAX_STATEMENTS, f"{small} statements for {SMALL} rows"
    assert large == small, f"{small} statements for {SMALL} rows, {large} for {LARGE}"


def distributors_up_to(total):
    """Distributors, each recruited by the previous one, until there are `total`."""
    last = Distributor.objects.order_by("-id").first()
    for number in range(Distributor.objects.count(), total):
        last = create_distributor(
            code=f"D{number:05d}",
            email=f"d{number}@example.com",
            user_id=str(100 + number),
            upline=last,
        )


def test_staff_distributors_page_with_earnings(api, shop, tree):
    def grow(rows):
        distributors_up_to(rows)
        # Earnings for every one of them, so a per-row earnings query would show.
        for distributor in Distributor.objects.filter(ledger_entries__isnull=True):
            order = shop.place_order([SERUM], referral_code=distributor.code)
            shop.pay(order.order_id)

    assert_flat(api, DISTRIBUTORS, USER_MANAGER, grow)
    body = api.ok(DISTRIBUTORS, viewer=USER_MANAGER)["distributors"]
    seller = next(edge["node"] for edge in body["edges"] if edge["node"]["code"] == "D00049")
    # 10 % of 299.00 sold by D00049 alone: its own sale, nothing from below.
    assert seller["earnings"] == [
        {
            "accrued": {"amount": "29.90", "currency": "CNY"},
            "reversed": {"amount": "0.00"},
            "net": {"amount": "29.90"},
        }
    ]
    upline = next(edge["node"] for edge in body["edges"] if edge["node"]["code"] == "D00048")
    # Its own sale (29.90) plus 5 % of D00049's (14.95).
    assert upline["earnings"][0]["accrued"]["amount"] == "44.85"
    assert upline["directDownlineCount"] == 1


def orders_up_to(shop, lines):
    """Paid orders of the tree's D (D, C and B earn on each: three lines) until `lines`."""
    from saleor_wfx_plugin.models import CommissionLine

    while CommissionLine.objects.count() < lines:
        order = shop.place_order([SERUM], referral_code="DDD444")
        shop.pay(order.order_id)


def test_staff_commissions_page(api, shop, tree):
    assert_flat(api, STAFF_COMMISSIONS, ORDER_CLERK, lambda rows: orders_up_to(shop, rows))
    page = api.ok(STAFF_COMMISSIONS, viewer=ORDER_CLERK)["commissions"]
    assert page["totalCount"] == 51
    assert [edge["node"]["level"] for edge in page["edges"][:3]] == [1, 2, 3]
    assert [edge["node"]["amount"]["amount"] for edge in page["edges"][:3]] == [
        "29.90",
        "14.95",
        "5.98",
    ]


def test_staff_commissions_of_one_order(api, shop, tree):
    orders = []

    def grow(rows):
        orders_up_to(shop, rows)
        orders.append(shop.place_order([SERUM] * (rows // 3), referral_code="DDD444"))
        shop.pay(orders[-1].order_id)

    def query():
        return one_orders_commissions(orders[-1].number)

    grow(SMALL)
    small = statements(api, query(), ORDER_CLERK)
    grow(LARGE)
    large = statements(api, query(), ORDER_CLERK)
    assert small <= MAX_STATEMENTS and large == small
    page = api.ok(query(), viewer=ORDER_CLERK)["commissions"]
    assert {edge["node"]["orderNumber"] for edge in page["edges"]} == {orders[-1].number}


def test_my_commissions_page(api, shop, tree):
    assert_flat(api, MY_COMMISSIONS, TOP_SELLER, lambda rows: orders_up_to(shop, rows * 3))
    # A (the tree's root) earns on none of D's orders: D, C and B are the three levels.
    assert api.ok(MY_COMMISSIONS, viewer=TOP_SELLER)["me"]["commissions"]["totalCount"] == 0
    b = api.ok(MY_COMMISSIONS, viewer=customer("2", "b@example.com"))["me"]["commissions"]
    assert b["totalCount"] == 50
    assert {edge["node"]["amount"]["amount"] for edge in b["edges"]} == {"5.98"}


def test_my_team_page(api, tree):
    a = tree[0]

    def grow(rows):
        # Half directly below A, half below its first recruit: both levels grow.
        below = list(Distributor.objects.filter(upline=a).order_by("id"))
        while (
            Distributor.objects.filter(upline=a).count()
            + Distributor.objects.filter(upline__upline=a).count()
            < rows
        ):
            number = Distributor.objects.count()
            upline = a if number % 2 else below[0]
            create_distributor(
                code=f"T{number:05d}",
                email=f"t{number}@example.com",
                user_id=str(200 + number),
                upline=upline,
            )

    assert_flat(api, MY_TEAM, TOP_SELLER, grow)
    team = api.ok(MY_TEAM, viewer=TOP_SELLER)["me"]["team"]
    assert team["directCount"] + team["indirectCount"] == 50
    assert team["members"]["totalCount"] == 50


def test_me_with_everything(api, shop, tree):
    def grow(rows):
        distributors_up_to(rows)
        orders_up_to(shop, rows * 3)
        fund(tree[1], "10")

    assert_flat(api, ME_EVERYTHING, customer("2", "b@example.com"), grow)


def test_balances_of_a_heavy_seller(api, shop, tree):
    def grow(rows):
        orders_up_to(shop, rows * 3)
        for currency in ("CNY", "HKD", "USD"):
            staff_adjusts_balance(
                distributor_id=tree[3].pk,
                currency=currency,
                amount=Decimal("5"),
                reason="bonus",
            )

    d = customer("4", "d@example.com")
    assert_flat(api, BALANCES, d, grow)
    balances = api.ok(BALANCES, viewer=d)["me"]["balances"]
    # Two bonuses of 5.00 per currency, and D's 10 % of 50 orders of 299.00 pending in CNY.
    assert [(row["currency"], row["available"]["amount"]) for row in balances] == [
        ("CNY", "10.00"),
        ("HKD", "10.00"),
        ("USD", "10.00"),
    ]
    assert balances[0]["pending"]["amount"] == "1495.00"


def test_staff_payouts_page(api, tree):
    from saleor_wfx_plugin.models import Payout
    from saleor_wfx_plugin.services.payouts import PayeeDetails, request_payout
    from saleor_wfx_plugin.shop import get_shop

    program = get_shop().program_settings()

    def grow(rows):
        distributors_up_to(rows)
        for distributor in Distributor.objects.filter(payouts__isnull=True)[
            : rows - Payout.objects.count()
        ]:
            fund(distributor)
            request_payout(
                distributor,
                currency="CNY",
                amount="300",
                payee=PayeeDetails(
                    method="bank",
                    name="王小明",
                    account="6222 0212 3456 7890 123",
                    bank="ICBC",
                    id_number="11010519491231002X",
                ),
                idempotency_key="first",
                actor=f"user:{distributor.user_id}",
                program=program,
            )

    assert_flat(api, PAYOUTS, CASHIER, grow)
    page = api.ok(PAYOUTS, viewer=CASHIER)["payouts"]
    assert page["totalCount"] == 50
    assert {edge["node"]["amount"]["amount"] for edge in page["edges"]} == {"300.00"}
    assert {len(edge["node"]["events"]) for edge in page["edges"]} == {1}
