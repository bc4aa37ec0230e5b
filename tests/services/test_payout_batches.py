"""Bank batches: exporting moves approved payouts into one batch each (never twice), the batch's
file downloads again the same, exported payouts are paid or failed as the bank says, and the
bank's reconciliation file applies row by row."""

import csv
import io
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections

from saleor_wfx_plugin.domain.tax import labour_remuneration_tax
from saleor_wfx_plugin.errors import PayoutError
from saleor_wfx_plugin.models import Payout, PayoutBatch, PayoutEvent
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.services.payouts import (
    PayeeDetails,
    approve_payout,
    approve_payouts,
    approved_transfers_csv,
    batch_csv,
    create_batch,
    mark_failed,
    mark_paid,
    reconcile_bank_file,
    reject_payout,
)
from saleor_wfx_plugin.services.payouts.csv_files import csv_cell

from .conftest import SERUM
from .test_payouts import FUTURE_FRIDAY, ID_NUMBER, PROGRAM, ask, codes, fund

pytestmark = pytest.mark.django_db

WECHAT = PayeeDetails("wechat", "王小明", "wxid_alice1", "", ID_NUMBER)


def approved(distributor, amount, key, **kwargs):
    """Approved in full: by a second staff user too when the distributor's requests of the last
    24 hours are above the threshold."""
    payout = approve_payout(
        ask(distributor, amount, key=key, **kwargs), actor="user:900", program=PROGRAM
    )
    if payout.status == Payout.Status.FIRST_APPROVED:
        payout = approve_payout(payout, actor="user:901", program=PROGRAM)
    return payout


def rows(content):
    return list(csv.DictReader(io.StringIO(content)))


def test_exporting_moves_approved_payouts_into_one_batch_once(tree):
    d = tree[3]
    fund(d, "1000")
    first = approved(d, "300", "a")
    second = approved(d, "200", "b")
    waiting = ask(d, "100", key="c")
    batch, content = create_batch(actor="user:900")
    assert [(r["payout_id"], r["amount"]) for r in rows(content)] == [
        (str(first.pk), "300.00"),
        (str(second.pk), "200.00"),
    ]
    assert set(batch.payouts.values_list("status", flat=True)) == {"exported"}
    assert (batch.payout_count, batch.created_by) == (2, "user:900")
    assert PayoutEvent.objects.filter(kind="exported", data__batch=batch.pk).count() == 2
    # No money moves: the payouts stay reserved until the bank answers.
    assert balance(d, "CNY").reserved == Decimal("600.00")

    assert codes(create_batch, actor="user:900") == ("nothing_to_export", None)
    assert PayoutBatch.objects.count() == 1
    assert approved_transfers_csv().count("\n") == 1  # the preview: header only

    later = approve_payout(waiting, actor="user:900", program=PROGRAM)
    next_batch, next_content = create_batch(actor="user:901")
    assert [r["payout_id"] for r in rows(next_content)] == [str(later.pk)]
    # The first batch's file again: the same bytes, whatever happened since.
    mark_paid(first, actor="user:900", transfer_reference="ICBC-1")
    assert batch_csv(batch) == content
    assert next_batch.pk != batch.pk


def test_a_batch_for_one_method_and_currency_leaves_the_others_waiting(tree):
    d = tree[3]
    fund(d, "1000")
    fund(d, "100", currency="USD")
    card = approved(d, "300", "card")
    wechat = approved(d, "200", "wechat", payee=WECHAT)
    batch, content = create_batch(actor="user:900", method="wechat", currency="CNY")
    assert [r["payout_id"] for r in rows(content)] == [str(wechat.pk)]
    card.refresh_from_db()
    assert card.status == Payout.Status.APPROVED and card.batch is None
    assert (batch.method, batch.currency) == ("wechat", "CNY")
    assert codes(create_batch, actor="user:900", currency="C1") == ("invalid", "currency")


def test_an_exported_payout_cannot_be_rejected_only_paid_or_failed(tree):
    d = tree[3]
    fund(d, "3000")
    payout = approved(d, "3000", "a")
    create_batch(actor="user:900")
    payout.refresh_from_db()
    assert codes(reject_payout, payout, actor="user:900", reason="changed my mind") == (
        "invalid_status",
        None,
    )
    assert codes(mark_failed, payout, actor="user:900", reason=" ") == ("reason_required", "reason")
    failed = mark_failed(payout, actor="user:900", reason="户名不符 (name does not match)")
    assert (failed.status, failed.failed_by, failed.failure_reason) == (
        "failed",
        "user:900",
        "户名不符 (name does not match)",
    )
    now = balance(d, "CNY")
    assert (now.available, now.reserved, now.paid, now.tax) == (
        Decimal("3000.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert codes(mark_failed, failed, actor="user:900", reason="again") == ("invalid_status", None)
    assert codes(mark_paid, failed, actor="user:900", transfer_reference="R") == (
        "invalid_status",
        None,
    )
    # The failed payout's income no longer counts: a new request is taxed on its own again,
    # 3,000 → taxable 2,200 → 440.00.
    again = approved(d, "3000", "b")
    assert again.tax == Decimal("440.00") == labour_remuneration_tax(Decimal(3000)).tax


def test_a_failed_early_withdrawal_goes_back_on_hold(shop, tree, program):
    program(confirm_days_after_fulfilment="0")  # confirmed on delivery, the default until 7
    d = tree[3]
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    shop.fulfil(order.order_id, at=FUTURE_FRIDAY)
    settle_due(now=FUTURE_FRIDAY)
    payout = approved(d, "20", "early", early=True)
    create_batch(actor="user:900")
    mark_failed(payout, actor="user:900", reason="card closed")
    now = balance(d, "CNY")
    assert (now.on_hold, now.available, now.fees) == (
        Decimal("29.90"),
        Decimal("0.00"),
        Decimal("0.00"),
    )


def test_a_failure_assesses_the_rest_of_the_month_again(tree):
    d = tree[3]
    fund(d, "7200")
    small = approved(d, "800", "a")
    middle = approved(d, "3200", "b")
    last = approved(d, "3200", "c")
    create_batch(actor="user:900")
    middle.refresh_from_db()
    middle = mark_failed(middle, actor="user:900", reason="account frozen")
    # 4,000 paid owes 640.00; the others withhold 0.00 + 512.00: 128.00 more, from the 3,200.
    assert middle.tax_correction == Decimal("128.00")
    assert balance(d, "CNY").available == Decimal("3072.00")
    assert PayoutEvent.objects.get(payout=middle, kind="failed").data["tax_correction"] == "128.00"
    for payout, reference in ((small, "R1"), (last, "R2")):
        payout.refresh_from_db()
        mark_paid(payout, actor="user:900", transfer_reference=reference)
    assert balance(d, "CNY").tax == Decimal("640.00")


def test_every_cell_of_an_export_is_safe_to_open_in_excel(tree):
    d = tree[3]
    fund(d, "100")
    payee = PayeeDetails(
        "bank", '=HYPERLINK("http://x")', "6222021234567890123", "@ICBC", ID_NUMBER
    )
    approved(d, "50", "a", payee=payee)
    _, content = create_batch(actor="user:900")
    [row] = rows(content)
    assert (row["payee_name"], row["bank"]) == ('\'=HYPERLINK("http://x")', "'@ICBC")
    # Leading spaces do not hide a formula; a line break never splits the row; numbers stay
    # numbers, a negative one too.
    assert [
        csv_cell(v)
        for v in (
            "+1",
            "-2",
            "\tx",
            "\rx",
            "  =1+1",
            "\u3000@x",
            "a\nb",
            "ok",
            7,
            Decimal("-5.00"),
            None,
        )
    ] == ["'+1", "'-2", "'\tx", "' x", "'  =1+1", "'\u3000@x", "a b", "ok", "7", "-5.00", ""]


@pytest.mark.django_db(transaction=True)
def test_two_staff_exporting_at_once_put_each_payout_in_one_batch(tree):
    d = tree[3]
    fund(d, "1000")
    for key in "abcd":
        approved(d, "100", key)
    outcomes = []

    def export():
        try:
            create_batch(actor="user:900")
            outcomes.append("batch")
        except PayoutError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=export) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["batch", "nothing_to_export", "nothing_to_export"]
    assert Payout.objects.filter(status="exported").count() == 4
    assert PayoutBatch.objects.get().payout_count == 4


def test_bulk_approval_reports_each_payout(tree):
    d = tree[3]
    fund(d, "9000")
    small = ask(d, "100", key="a")
    large = ask(d, "6000", key="b")
    cancelled = ask(d, "100", key="c")
    cancelled.status = Payout.Status.CANCELLED  # as if the distributor withdrew it
    cancelled.save()
    results = approve_payouts(
        [small.pk, large.pk, 999_999, cancelled.pk, small.pk], actor="user:900", program=PROGRAM
    )
    assert [(r.line, r.outcome, r.error and r.error.code) for r in results] == [
        (1, "approved", None),
        (2, "first_approved", None),  # above 5,000: a second approver completes it
        (3, "error", "not_found"),
        (4, "error", "invalid_status"),
        (5, "error", "invalid"),
    ]
    assert Payout.objects.get(pk=small.pk).status == "approved"
    assert codes(approve_payouts, [], actor="user:900", program=PROGRAM) == ("required", "ids")


def test_the_banks_reconciliation_file_applies_row_by_row_and_again_harmlessly(tree):
    d = tree[3]
    fund(d, "1000")
    paid, failed, other = (approved(d, "100", key) for key in ("a", "b", "c"))
    create_batch(actor="user:900")
    not_exported = approved(d, "100", "d")
    bank_file = (
        "payout_id,reference,status,reason\n"
        f"{paid.pk},ICBC-0001,paid,\n"
        f"{failed.pk},,failed,账户已冻结\n"
        "abc,ICBC-0003,paid,\n"
        "999999,ICBC-0004,paid,\n"
        f"{other.pk},,paid,\n"
        f"{not_exported.pk},ICBC-0005,refunded,\n"
    ).encode()
    results = reconcile_bank_file(bank_file, actor="user:900")
    assert [(r.line, r.outcome, r.error and (r.error.code, r.error.field)) for r in results] == [
        (2, "paid", None),
        (3, "failed", None),
        (4, "error", ("invalid", "payout_id")),
        (5, "error", ("not_found", "payout_id")),
        (6, "error", ("required", "reference")),
        (7, "error", ("invalid", "status")),
    ]
    assert Payout.objects.get(pk=paid.pk).transfer_reference == "ICBC-0001"
    assert Payout.objects.get(pk=failed.pk).failure_reason == "账户已冻结"
    assert balance(d, "CNY").available == Decimal("700.00")

    again = reconcile_bank_file(bank_file, actor="user:900")
    assert [r.outcome for r in again[:2]] == ["unchanged", "unchanged"]
    assert balance(d, "CNY").available == Decimal("700.00")
    other_reference = f"payout_id,reference\n{paid.pk},ICBC-9999\n".encode()
    [clash] = reconcile_bank_file(other_reference, actor="user:900")
    assert (clash.outcome, clash.error.code) == ("error", "already_paid")


def test_a_reconciliation_file_the_plugin_cannot_read_changes_nothing(tree):
    for data, code in (
        (b"", "invalid_file"),
        (b"id,ref\n1,x\n", "invalid_file"),
        (b"payout_id,reference\n", "invalid_file"),
        (b"\xff\xfe\x00", "invalid_file"),
    ):
        with pytest.raises(PayoutError) as refused:
            reconcile_bank_file(data, actor="user:900")
        assert (refused.value.code, refused.value.field) == (code, "file")


def test_a_failure_after_the_month_was_filed_still_returns_the_money_and_says_so(tree):
    from datetime import timedelta

    from django.utils import timezone

    from saleor_wfx_plugin.services.payouts import export_withholding_return

    d = tree[3]
    fund(d, "500")
    payout = approved(d, "300", "a")
    create_batch(actor="user:900")
    export_withholding_return(
        payout.tax_month, actor="user:900", now=timezone.now() + timedelta(days=32)
    )
    payout.refresh_from_db()
    # The bank did not pay: the money is the distributor's whether or not the month was filed.
    mark_failed(payout, actor="user:900", reason="account closed")
    assert balance(d, "CNY").available == Decimal("500.00")
    event = PayoutEvent.objects.get(payout=payout, kind="failed")
    assert event.data["tax_return_needs_correction"] is True
