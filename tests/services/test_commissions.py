"""Commission on payment, reversal on refund and cancellation, and idempotency under replays."""

import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from saleor_wfx_plugin.domain.attribution import DistributorStatus
from saleor_wfx_plugin.models import (
    CommissionLine,
    CommissionRule,
    LedgerEntry,
    ReferralAttribution,
    Settlement,
)
from saleor_wfx_plugin.services.commissions import reconcile_order
from saleor_wfx_plugin.services.distributors import set_status
from saleor_wfx_plugin.tasks import process_order_event

from .conftest import MASK, SERUM
from .helpers import entry_count, net_by_level

pytestmark = pytest.mark.django_db

FULL_THREE_LEVELS = {
    1: ("DDD444", Decimal("62.77")),
    2: ("CCC333", Decimal("16.44")),
    3: ("BBB222", Decimal("6.57")),
}


@pytest.fixture
def serum_rule(db):
    return CommissionRule.objects.create(
        scope=CommissionRule.Scope.PRODUCT, saleor_id="serum", seller_rate=Decimal("20")
    )


def test_a_paid_order_pays_seller_upline_and_grand_upline_but_not_the_fourth(
    shop, tree, serum_rule
):
    order = shop.place_order([MASK, SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    # D: 10 % of 29.70 + 20 % of 299 = 62.77; C: 5 % of 328.70; B: 2 %. A is the fourth.
    assert net_by_level(order) == FULL_THREE_LEVELS
    assert not LedgerEntry.objects.commission().filter(distributor__code="AAA111").exists()


def test_nothing_is_earned_before_payment(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    assert ReferralAttribution.objects.get(order_id=order.order_id).commissionable_at is None
    assert entry_count(order) == 0


def test_two_levels_setting_pays_seller_and_upline_only(shop, tree, program):
    program(commission_levels="2")
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("29.90")),
        2: ("CCC333", Decimal("14.95")),
    }


def test_partially_paid_order_waits_for_full_payment_by_default(shop, tree, program):
    from dataclasses import replace

    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.orders[order.order_id] = replace(order, is_paid=True)
    process_order_event(order.order_id, "order_paid")
    assert entry_count(order) == 0
    program(commission_trigger="order_paid")
    process_order_event(order.order_id, "order_paid")
    assert net_by_level(order)[1] == ("DDD444", Decimal("29.90"))


def test_replayed_hooks_post_nothing_twice(shop, tree, serum_rule):
    order = shop.place_order([MASK, SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    entries = entry_count(order)
    for event in ["order_created", "order_paid", "order_fully_paid", "order_fully_paid"]:
        assert process_order_event(order.order_id, event) == 0
    assert entry_count(order) == entries
    assert net_by_level(order) == FULL_THREE_LEVELS


def test_hooks_out_of_order_reach_the_same_result(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    shop.pay(order.order_id, notify=False)
    shop.refund(order.order_id, Decimal("149.50"), notify=False)
    for event in ["order_refunded", "order_fully_paid", "order_created", "order_paid"]:
        process_order_event(order.order_id, event)
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("14.95")),
        2: ("CCC333", Decimal("7.48")),
        3: ("BBB222", Decimal("2.99")),
    }
    # Paid first then refunded would have posted accrual and reversal; this posted the net once.
    assert entry_count(order) == 3


def test_partial_refunds_reverse_pro_rata_then_a_full_refund_reverses_all(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444", shipping=Decimal("10"))
    shop.pay(order.order_id)
    # A quarter of the 299 of goods (a refund that names nothing is for goods, not shipping).
    shop.refund(order.order_id, Decimal("74.75"))
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("22.43")),  # 29.90 × 0.75 = 22.425 → 22.43
        2: ("CCC333", Decimal("11.21")),  # 14.95 × 0.75 = 11.2125
        3: ("BBB222", Decimal("4.49")),  # 5.98 × 0.75 = 4.485
    }
    shop.refund(order.order_id, Decimal("234.25"))  # the rest of the 309 charged
    assert {amount for _, amount in net_by_level(order).values()} == {Decimal("0")}
    reversals = LedgerEntry.objects.commission().filter(kind="reversal", distributor__code="DDD444")
    assert [entry.amount for entry in reversals] == [Decimal("-7.47"), Decimal("-22.43")]


def test_refund_of_named_lines_reverses_those_lines(shop, tree, serum_rule):
    order = shop.place_order([MASK, SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    serum_line = next(line for line in order.lines if line.product_id == "serum")
    shop.refund(order.order_id, Decimal("299"), line_quantities={serum_line.line_id: 1})
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("2.97")),
        2: ("CCC333", Decimal("1.49")),
        3: ("BBB222", Decimal("0.59")),
    }


def test_cancel_after_payment_reverses_everything(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    shop.cancel(order.order_id)
    assert {amount for _, amount in net_by_level(order).values()} == {Decimal("0")}
    assert ReferralAttribution.objects.get(order_id=order.order_id).cancelled


def test_cancel_before_payment_earns_nothing_ever(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.cancel(order.order_id)
    shop.pay(order.order_id)  # a late payment hook of a cancelled order
    assert entry_count(order) == 0


def test_a_refund_larger_than_the_order_reverses_all_and_is_flagged(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    shop.refund(order.order_id, Decimal("1000"))
    attribution = ReferralAttribution.objects.get(order_id=order.order_id)
    assert attribution.over_refunded
    assert attribution.refunded_amount == Decimal("1000")
    assert {amount for _, amount in net_by_level(order).values()} == {Decimal("0")}


def test_rates_precedence_product_category_grade_default(shop, tree, gold):
    d = tree[3]
    d.grade = gold
    d.save()
    CommissionRule.objects.create(scope="category", saleor_id="skincare", seller_rate="18")
    CommissionRule.objects.create(scope="product", saleor_id="mask", seller_rate="30")
    order = shop.place_order([MASK, SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    lines = {
        line.product_id: line.rate
        for line in CommissionLine.objects.filter(level=1, attribution__order_id=order.order_id)
    }
    assert lines == {"mask": Decimal("30"), "serum": Decimal("18")}
    c_order = shop.place_order([SERUM], referral_code="CCC333", email="x@example.com")
    shop.pay(c_order.order_id)
    assert net_by_level(c_order)[1] == ("CCC333", Decimal("53.82"))  # category 18 %


def test_grade_rate_applies_when_no_override(shop, tree, gold):
    d = tree[3]
    d.grade = gold
    d.save()
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    assert net_by_level(order)[1] == ("DDD444", Decimal("44.85"))


def test_rate_changes_after_payment_do_not_touch_a_paid_order(shop, tree, program):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    program(default_seller_rate="30", level2_rate="0")
    process_order_event(order.order_id, "sweep")
    assert net_by_level(order)[1] == ("DDD444", Decimal("29.90"))
    assert net_by_level(order)[2] == ("CCC333", Decimal("14.95"))


def test_an_upline_suspended_before_payment_earns_nothing_and_nobody_moves_up(shop, tree):
    c = tree[2]
    order = shop.place_order([SERUM], referral_code="DDD444")
    set_status(c, DistributorStatus.SUSPENDED)
    shop.pay(order.order_id)
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("29.90")),
        3: ("BBB222", Decimal("5.98")),
    }


def test_orders_in_other_currencies_earn_in_their_currency(shop, tree):
    order = shop.place_order(
        [MASK.__class__("Mask", Decimal("1999"), product_id="m")],
        referral_code="DDD444",
        currency="JPY",
    )
    shop.pay(order.order_id)
    assert net_by_level(order)[1] == ("DDD444", Decimal("200"))
    assert set(LedgerEntry.objects.commission().values_list("currency", flat=True)) == {"JPY"}


def test_the_database_refuses_a_fourth_level(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    line = CommissionLine.objects.filter(level=3).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionLine.objects.create(
            attribution=line.attribution,
            order_line_id="x",
            level=4,
            distributor=tree[0],
            rate=Decimal("1"),
            base=Decimal("100"),
            quantity=1,
        )
    # A ledger row that is right in every way but its level: the constraint names the law.
    with pytest.raises(IntegrityError, match="wfx_ledger_level_1_3"), transaction.atomic():
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    commission_line=line,
                    distributor=tree[0],
                    level=4,
                    sequence=99,
                    kind="accrual",
                    amount=Decimal("1"),
                    currency="CNY",
                    bucket="pending",
                    movement=uuid.uuid4(),
                    settlement=Settlement.objects.filter(attribution=line.attribution).first(),
                    actor="system",
                    event="tamper",
                )
            ]
        )


def test_the_ledger_cannot_be_rewritten(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        LedgerEntry.objects.commission().filter(distributor__code="DDD444").update(
            amount=Decimal("999")
        )
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM wfx_ledgerentry WHERE commission_line_id IS NOT NULL")
    entry = LedgerEntry.objects.commission().first()
    with pytest.raises(RuntimeError):
        entry.save()
    assert net_by_level(order)[1] == ("DDD444", Decimal("29.90"))


def test_a_lost_order_is_not_an_error(shop, tree):
    assert process_order_event("00000000-0000-0000-0000-000000000000", "order_created") == 0


def test_an_inactive_programme_does_nothing(shop, tree, settings):
    settings.WFX_PROGRAM_ACTIVE = False
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    assert not ReferralAttribution.objects.exists()


def test_an_order_that_earned_nothing_when_paid_never_earns_later(shop, tree, program):
    d = tree[3]
    program(commission_levels="1")
    order = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    set_status(d, DistributorStatus.SUSPENDED)
    shop.pay(order.order_id)  # the seller is suspended when the order first earns
    set_status(d, DistributorStatus.ACTIVE)
    program(commission_levels="1", default_seller_rate="30")
    process_order_event(order.order_id, "sweep")
    assert entry_count(order) == 0


def test_an_unconfirmed_order_earns_only_once_confirmed(shop, tree):
    from dataclasses import replace

    order = shop.place_order([SERUM], referral_code="DDD444", notify=False)
    shop.orders[order.order_id] = replace(
        order, is_paid=True, is_fully_paid=True, awaiting_confirmation=True
    )
    process_order_event(order.order_id, "order_fully_paid")
    assert entry_count(order) == 0
    shop.orders[order.order_id] = replace(shop.orders[order.order_id], awaiting_confirmation=False)
    process_order_event(order.order_id, "order_confirmed")
    assert net_by_level(order)[1] == ("DDD444", Decimal("29.90"))


def test_a_reconciliation_with_nothing_to_post_writes_nothing(shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    shop.fulfil(order.order_id)
    shop.refund(order.order_id, Decimal("50.00"))
    program = shop().program_settings()

    with CaptureQueriesContext(connection) as queries:
        result = reconcile_order(shop(), order.order_id, program, event="sweep")

    assert result.posted == []
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
