"""Payouts: request, approval (one or two approvers), rejection, cancellation, payment with tax
and early-withdrawal fee, and the exports staff transfer and file from."""

import csv
import io
import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import close_old_connections
from django.utils import timezone

from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.errors import ProgrammeError
from saleor_wfx_plugin.models import LedgerEntry, Payout, PayoutEvent
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.services.payouts import (
    PayeeDetails,
    approve_payout,
    approved_transfers_csv,
    cancel_payout,
    mark_paid,
    reject_payout,
    request_payout,
    tax_records,
    tax_records_csv,
)
from saleor_wfx_plugin.services.payouts.accounts import transfer_account
from tests.services.helpers import staff_adjusts_balance

from .conftest import SERUM

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
CARD = PayeeDetails("bank", "王小明", "6222 0212 3456 7890 123", "ICBC", ID_NUMBER)
# Early withdrawal on, as it was by default when these tests were written (now off).
PROGRAM = ProgramSettings(early_withdrawal=True)
FUTURE_FRIDAY = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)


def fund(distributor, amount, currency="CNY"):
    staff_adjusts_balance(
        distributor_id=distributor.pk,
        currency=currency,
        amount=Decimal(amount),
        reason="test funds",
    )


def ask(distributor, amount, key="k1", program=PROGRAM, **kwargs):
    kwargs.setdefault("payee", CARD)
    return request_payout(
        distributor,
        currency="CNY",
        amount=amount,
        idempotency_key=key,
        actor=f"user:{distributor.user_id}",
        program=program,
        **kwargs,
    )


def codes(callable_, *args, **kwargs):
    with pytest.raises(ProgrammeError) as error:
        callable_(*args, **kwargs)
    return error.value.code, error.value.field


def test_a_request_reserves_available_money(tree):
    d = tree[3]
    fund(d, "500")
    payout = ask(d, "300")
    assert payout.status == Payout.Status.REQUESTED
    # The account is encrypted at rest: the bank batch reads it in full, screens masked.
    assert transfer_account(payout) == "6222021234567890123"
    assert payout.payee_account_masked == "**** 0123"
    now = balance(d, "CNY")
    assert (now.available, now.reserved) == (Decimal("200.00"), Decimal("300.00"))


def test_requests_outside_the_rules_are_refused_and_reserve_nothing(tree):
    d = tree[3]
    fund(d, "50")
    assert codes(ask, d, "60") == ("insufficient_funds", "amount")
    assert codes(ask, d, "5") == ("below_minimum", "amount")
    assert codes(ask, d, "0") == ("invalid_amount", "amount")
    assert codes(ask, d, "10.001") == ("invalid_amount", "amount")
    no_id = PayeeDetails("bank", "王小明", "6222021234567890123", "ICBC")
    assert codes(ask, d, "20", payee=no_id) == ("id_number_required", "idNumber")
    bad_card = PayeeDetails("bank", "王小明", "12", "ICBC", ID_NUMBER)
    assert codes(ask, d, "20", payee=bad_card) == ("invalid_payee", "account")
    bad_id = PayeeDetails("alipay", "王小明", "13812345678", "", "110105194912310021")
    assert codes(ask, d, "20", payee=bad_id) == ("invalid_payee", "idNumber")
    assert Payout.objects.count() == 0
    assert balance(d, "CNY").reserved == 0


def test_a_retried_request_returns_the_first_one(tree):
    d = tree[3]
    fund(d, "500")
    first = ask(d, "100", key="tap-1")
    assert ask(d, "100", key="tap-1").pk == first.pk
    assert balance(d, "CNY").reserved == Decimal("100.00")
    assert codes(ask, d, "200", key="tap-1") == ("idempotency_conflict", "idempotencyKey")


def test_payment_splits_the_reservation_into_net_tax_and_fee(tree):
    d = tree[3]
    fund(d, "3000")
    payout = approve_payout(ask(d, "3000"), actor="user:900", program=PROGRAM)
    # Labour remuneration: 3,000 ≤ 4,000 → taxable 2,200 → 20 % = 440.00.
    assert (payout.taxable, payout.tax, payout.net) == (
        Decimal("2200.00"),
        Decimal("440.00"),
        Decimal("2560.00"),
    )
    assert codes(mark_paid, payout, actor="user:900", transfer_reference=" ") == (
        "required",
        "transferReference",
    )
    mark_paid(payout, actor="user:900", transfer_reference="ICBC-20301101-0001")
    now = balance(d, "CNY")
    assert (now.available, now.reserved, now.paid, now.tax) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("2560.00"),
        Decimal("440.00"),
    )
    assert codes(mark_paid, payout, actor="user:900", transfer_reference="again") == (
        "already_paid",
        None,
    )
    assert list(PayoutEvent.objects.filter(payout=payout).values_list("kind", flat=True)) == [
        "requested",
        "approved",
        "paid",
    ]


def test_same_month_payouts_are_taxed_together(tree):
    d = tree[3]
    fund(d, "6000")
    first = approve_payout(ask(d, "3000", key="a"), actor="user:900", program=PROGRAM)
    second = approve_payout(ask(d, "3000", key="b"), actor="user:900", program=PROGRAM)
    # 6,000 asked for within 24 hours is above the 5,000 threshold: a second approver.
    second = approve_payout(second, actor="user:901", program=PROGRAM)
    # Month income 6,000 > 4,000 → taxable 4,800 → 960.00, minus the 440.00 already withheld.
    assert (first.tax, second.tax) == (Decimal("440.00"), Decimal("520.00"))
    per_payout = ProgramSettings.from_mapping({"tax_period": "per_payout"})
    fund(d, "3000")
    third = approve_payout(ask(d, "3000", key="c"), actor="user:900", program=per_payout)
    third = approve_payout(third, actor="user:901", program=per_payout)
    assert third.tax == Decimal("440.00")


def test_large_payouts_need_a_second_different_approver(tree):
    d = tree[3]
    fund(d, "8000")
    payout = ask(d, "6000")
    payout = approve_payout(payout, actor="user:900", program=PROGRAM)
    assert payout.status == Payout.Status.FIRST_APPROVED
    assert codes(mark_paid, payout, actor="user:900", transfer_reference="x") == (
        "invalid_status",
        None,
    )
    assert codes(approve_payout, payout, actor="user:900", program=PROGRAM) == (
        "same_approver",
        None,
    )
    payout = approve_payout(payout, actor="user:901", program=PROGRAM)
    assert payout.status == Payout.Status.APPROVED
    assert (payout.first_approved_by, payout.approved_by) == ("user:900", "user:901")


def test_rejection_and_cancellation_give_the_money_back(tree):
    d = tree[3]
    fund(d, "500")
    rejected = ask(d, "200", key="a")
    assert codes(reject_payout, rejected, actor="user:900", reason="") == (
        "reason_required",
        "reason",
    )
    reject_payout(rejected, actor="user:900", reason="name does not match the card")
    cancelled = ask(d, "300", key="b")
    cancel_payout(cancelled, actor="user:4")
    assert balance(d, "CNY").available == Decimal("500.00")
    approved = approve_payout(ask(d, "100", key="c"), actor="user:900", program=PROGRAM)
    assert codes(cancel_payout, approved, actor="user:4") == ("invalid_status", None)


def test_early_withdrawal_takes_held_money_for_a_fee(shop, tree, program):
    program(confirm_days_after_fulfilment="0")  # confirmed on delivery, the default until 7
    d = tree[3]
    for _ in range(4):
        order = shop.place_order([SERUM], referral_code="DDD444")
        shop.pay(order.order_id)
        shop.fulfil(order.order_id, at=FUTURE_FRIDAY)
    settle_due(now=FUTURE_FRIDAY)
    assert balance(d, "CNY").on_hold == Decimal("119.60")
    assert codes(ask, d, "100") == ("insufficient_funds", "amount")
    off = ProgramSettings.from_mapping({"early_withdrawal": "false"})
    assert codes(ask, d, "100", program=off, early=True) == ("early_withdrawal_disabled", "early")

    payout = ask(d, "100", early=True)
    assert (payout.early_amount, payout.fee) == (Decimal("100.00"), Decimal("0.50"))
    assert balance(d, "CNY").on_hold == Decimal("19.60")
    payout = approve_payout(payout, actor="user:900", program=PROGRAM)
    mark_paid(payout, actor="user:900", transfer_reference="T1")
    # Income 99.50 (after the fee) ≤ 800: no tax.
    now = balance(d, "CNY")
    assert (now.paid, now.fees, now.tax) == (Decimal("99.50"), Decimal("0.50"), Decimal("0.00"))
    # When the hold ends only what was left in it becomes available.
    settle_due(now=datetime(2030, 3, 6, tzinfo=UTC))
    assert balance(d, "CNY").available == Decimal("19.60")


def test_a_cancelled_early_request_returns_money_to_the_hold_not_to_available(shop, tree, program):
    program(confirm_days_after_fulfilment="0")  # confirmed on delivery, the default until 7
    d = tree[3]
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    shop.fulfil(order.order_id, at=FUTURE_FRIDAY)
    settle_due(now=FUTURE_FRIDAY)
    payout = ask(d, "20", early=True)
    cancel_payout(payout, actor="user:4")
    now = balance(d, "CNY")
    assert (now.on_hold, now.available) == (Decimal("29.90"), Decimal("0.00"))


def test_a_negative_balance_holds_payouts_back(shop, tree):
    d = tree[3]
    fund(d, "100")
    waiting = ask(d, "50", key="waiting")
    fund(d, "-80")  # a clawback agreed with the distributor
    assert balance(d, "CNY").available == Decimal("-30.00")
    assert codes(ask, d, "10", key="new") == ("negative_balance", None)
    assert codes(approve_payout, waiting, actor="user:900", program=PROGRAM) == (
        "negative_balance",
        None,
    )


def test_exports_for_the_bank_transfer_and_the_tax_filing(tree):
    d = tree[3]
    fund(d, "3000")
    payout = approve_payout(ask(d, "3000"), actor="user:900", program=PROGRAM)
    rows = list(csv.DictReader(io.StringIO(approved_transfers_csv())))
    assert rows == [
        {
            "payout_id": str(payout.pk),
            "distributor_code": "DDD444",
            "payee_name": "王小明",
            "method": "bank",
            "account": "6222021234567890123",
            "bank": "ICBC",
            "amount": "2560.00",
            "currency": "CNY",
            "approved_at": payout.approved_at.isoformat(),
        }
    ]
    month = timezone.localdate().replace(day=1)
    [record] = tax_records(month)
    assert (record.gross, record.taxable, record.withheld, record.net) == (
        Decimal("3000.00"),
        Decimal("2200.00"),
        Decimal("440.00"),
        Decimal("2560.00"),
    )
    assert record.id_number_masked == "110***********002X"
    assert "110***********002X" in tax_records_csv(month)
    assert ID_NUMBER not in tax_records_csv(month)
    assert tax_records(date(2001, 1, 1)) == []


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_never_overdraw(tree):
    d = tree[3]
    fund(d, "100")
    outcomes = []

    def request(key):
        try:
            ask(d, "30", key=key)
            outcomes.append("ok")
        except ProgrammeError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=request, args=(f"t{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["insufficient_funds"] * 3 + ["ok"] * 3
    now = balance(d, "CNY")
    assert (now.available, now.reserved) == (Decimal("10.00"), Decimal("90.00"))


@pytest.mark.django_db(transaction=True)
def test_simultaneous_mark_paid_pays_once(tree):
    d = tree[3]
    fund(d, "100")
    payout = approve_payout(ask(d, "100"), actor="user:900", program=PROGRAM)
    outcomes = []

    def pay(reference):
        try:
            mark_paid(
                Payout.objects.get(pk=payout.pk), actor="user:900", transfer_reference=reference
            )
            outcomes.append("ok")
        except ProgrammeError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=pay, args=(f"R{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_paid"] * 3 + ["ok"]
    assert LedgerEntry.objects.filter(payout=payout, kind="payout", bucket="paid").count() == 1
    assert balance(d, "CNY").paid == Decimal("100.00")
