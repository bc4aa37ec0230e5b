"""Keyset pagination (issue 9, Scale): a cursor carries its row's sort key, so a deep page is
"the rows after that key" with the same SQL as page 1 (no OFFSET), ties are broken by the id,
old offset cursors still work, and a forged cursor is a clear error, never a 500."""

import base64
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.services.helpers import staff_adjusts_balance

from ..services.conftest import SERUM
from .conftest import customer, staff

pytestmark = pytest.mark.django_db

D = customer("4", "d@example.com")
LEDGER = """query($after: String) { me { ledger(first: 4, after: $after) {
  edges { cursor node { amount { amount } } } pageInfo { hasNextPage hasPreviousPage endCursor }
} } }"""
BY_AMOUNT = """query($after: String, $first: Int) { commissions(first: $first, after: $after,
  sortBy: {field: AMOUNT, direction: ASC}) {
  edges { node { orderNumber level amount { amount } } } pageInfo { hasNextPage endCursor }
} }"""


@pytest.fixture
def eleven_adjustments(tree):
    d = tree[3]
    for n in range(1, 12):
        staff_adjusts_balance(
            distributor_id=d.pk,
            currency="CNY",
            amount=Decimal(n),
            actor="user:900",
            reason=f"#{n}",
        )
    return d


def ledger_page(api, after=None):
    return api.ok(LEDGER, {"after": after}, viewer=D)["me"]["ledger"]


def test_a_deep_page_is_the_rows_after_the_cursor_with_page_ones_sql(api, eleven_adjustments):
    seen = []
    statements = []
    after = None
    while True:
        with CaptureQueriesContext(connection) as captured:
            page = ledger_page(api, after)
        statements.append([query["sql"] for query in captured.captured_queries])
        seen += [edge["node"]["amount"]["amount"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert page["pageInfo"]["hasPreviousPage"] == (len(statements) > 1)
    # Newest first: 11.00 … 1.00 over pages of 4, 4 and 3, nothing twice, nothing left out.
    assert seen == [f"{n}.00" for n in range(11, 0, -1)]
    assert len(statements) == 3
    ledger_reads = [
        [sql for sql in page if 'FROM "wfx_ledgerentry"' in sql and "LIMIT" in sql]
        for page in statements
    ]
    assert all(len(reads) == 1 for reads in ledger_reads), ledger_reads
    first, third = ledger_reads[0][0], ledger_reads[2][0]
    assert "OFFSET" not in third, third
    assert third.endswith("LIMIT 5"), third
    assert first.endswith("LIMIT 5"), first
    # A row comparison in the index's order, which PostgreSQL takes as the scan's start.
    assert '("wfx_ledgerentry"."distributor_id", "wfx_ledgerentry"."id") < (' in third, third
    assert len(statements[0]) == len(statements[2])


def test_ties_on_the_sort_key_are_broken_by_the_id_across_pages(api, shop, tree):
    """Five serums sold by D: every order pays D 29.90, C 14.95 and B 5.98, so sorting by
    amount ties five lines at each amount; pages of 4 cut through the ties."""
    for _ in range(5):
        order = shop.place_order([SERUM], referral_code="DDD444")
        shop.pay(order.order_id)
    viewer = staff("MANAGE_ORDERS")
    whole = api.ok(BY_AMOUNT, {"first": 100}, viewer=viewer)["commissions"]["edges"]
    assert [edge["node"]["amount"]["amount"] for edge in whole] == (
        ["5.98"] * 5 + ["14.95"] * 5 + ["29.90"] * 5
    )
    paged, after = [], None
    while True:
        page = api.ok(BY_AMOUNT, {"first": 4, "after": after}, viewer=viewer)["commissions"]
        paged += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert paged == whole


def encoded(text):
    return base64.b64encode(text.encode()).decode()


def test_offset_cursors_given_out_before_still_work(api, eleven_adjustments):
    page = ledger_page(api, encoded("offset:3"))
    assert [edge["node"]["amount"]["amount"] for edge in page["edges"]] == [
        "7.00",
        "6.00",
        "5.00",
        "4.00",
    ]
    assert page["pageInfo"]["hasPreviousPage"] is True
    # And the cursors it gives out are keyset cursors that go on from there.
    following = ledger_page(api, page["pageInfo"]["endCursor"])
    assert [edge["node"]["amount"]["amount"] for edge in following["edges"]] == [
        "3.00",
        "2.00",
        "1.00",
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {"o": 0, "k": [4, "not a number"]},
        {"o": 0, "k": [1, 2, 3]},
        {"o": -1, "k": [4, 1]},
        {"o": 0, "k": [4, {"t": "yesterday"}]},
        {"o": 0, "k": [4, 2**70]},
        {"o": 0, "k": [4, "\x00"]},
        {"o": 0},
    ],
)
def test_a_forged_keyset_cursor_is_a_clear_error(api, eleven_adjustments, payload):
    body = api(LEDGER, {"after": encoded("keyset:" + json.dumps(payload))}, viewer=D)
    assert body["data"]["me"]["ledger"] is None
    [error] = body["errors"]
    assert error["message"].startswith("Invalid cursor")
