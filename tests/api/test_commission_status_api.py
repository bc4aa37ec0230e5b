"""A commission's status as staff filter by it and as the API shows it: the same rule, whether the
database works it out (a filter) or the API does (a page's rows), and a page that sums each
line's ledger entries once per figure, not once per use (issue 9, Scale)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_wfx_plugin.models import CommissionLine
from saleor_wfx_plugin.selectors.commissions import commission_lines
from tests.services.conftest import SERUM

from .conftest import staff

pytestmark = pytest.mark.django_db

CLERK = staff("MANAGE_ORDERS", user_id="910")
PAGE = """query($status: [CommissionStatusEnum!]) { commissions(first: 50,
  filter: {status: $status}) { edges { node { orderNumber level productName status
  accrued { amount } reversed { amount } amount { amount } } } } }"""


@pytest.fixture
def four_orders(shop, tree):
    """Four orders of one serum (299.00) sold by D: paid; paid and refunded in full; paid and
    refunded 100.00; paid, with a free sample beside the serum (a line at rate 0, which has
    accrued nothing)."""
    numbers, orders = {}, {}
    for name in ("paid", "refunded", "part_refunded", "with_sample"):
        orders[name] = shop.place_order([SERUM], referral_code="DDD444")
        numbers[orders[name].number] = name
        shop.pay(orders[name].order_id)
    serum = CommissionLine.objects.filter(
        attribution__order_number=orders["with_sample"].number, level=1
    ).get()
    CommissionLine.objects.create(
        attribution=serum.attribution,
        order_line_id="sample",
        level=1,
        distributor=serum.distributor,
        rate=Decimal("0"),
        base=Decimal("0"),
        quantity=1,
        product_id="sample",
        category_id="samples",
        product_name="Sample",
    )
    shop.refund(orders["refunded"].order_id, Decimal("299.00"))
    shop.refund(orders["part_refunded"].order_id, Decimal("100.00"))
    return numbers


def page(api, status=None):
    body = api.ok(PAGE, {"status": status}, viewer=CLERK)
    return [edge["node"] for edge in body["commissions"]["edges"]]


def test_each_status_filter_keeps_exactly_the_lines_shown_with_that_status(api, four_orders):
    lines = page(api)
    shown = {_key(line): line["status"] for line in lines}
    by_order = {}
    for (number, _level, _product), status in shown.items():
        by_order.setdefault(four_orders[number], set()).add(status)
    # Stated from the outside: what happened to each order.
    assert by_order["paid"] == {"PENDING"}
    assert by_order["refunded"] == {"REVERSED"}
    assert by_order["part_refunded"] == {"PARTIALLY_REVERSED"}
    assert by_order["with_sample"] == {"PENDING", "ZERO"}
    for line in lines:
        net = Decimal(line["accrued"]["amount"]) + Decimal(line["reversed"]["amount"])
        assert Decimal(line["amount"]["amount"]) == net

    for status in ("ZERO", "PENDING", "PARTIALLY_REVERSED", "REVERSED"):
        kept = {_key(line) for line in page(api, [status])}
        assert kept == {key for key, shown_status in shown.items() if shown_status == status}


def test_a_page_sums_each_lines_entries_once_per_figure(api, four_orders):
    """Accrued, reversed and net: three sums. The net and the status were built on the other
    two, which repeated their subqueries: eight per row."""
    with CaptureQueriesContext(connection) as captured:
        page(api)
    (statement,) = [q["sql"] for q in captured.captured_queries if "wfx_commissionline" in q["sql"]]
    assert statement.count('FROM "wfx_ledgerentry"') == 3, statement


def _key(line):
    return (line["orderNumber"], line["level"], line["productName"])


def test_the_list_built_once_is_a_fresh_queryset_for_each_caller(four_orders, tree):
    """`commission_lines()` hands out clones of one queryset built once: one caller's filter or
    rows never reach the next caller."""
    everything = commission_lines()
    ds_level_1 = everything.filter(level=1, distributor=tree[3])
    assert len(ds_level_1) == 5  # the four serums and the sample
    assert commission_lines() is not everything
    assert commission_lines().count() == 4 * 3 + 1
    assert commission_lines()._result_cache is None
