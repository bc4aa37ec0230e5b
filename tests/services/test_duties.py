"""Separation of duties: apps never decide about money, nobody decides about their own, and the
second-approval threshold cannot be dodged by splitting a payout or an adjustment."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections
from django.utils import timezone

from saleor_wfx_plugin.errors import LedgerError
from saleor_wfx_plugin.models import BalanceAdjustment, DistributorEvent, LedgerEntry, Payout
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.adjustments import adjust, approve_adjustment, reject_adjustment
from saleor_wfx_plugin.services.payouts import (
    approve_payout,
    approve_payouts,
    create_batch,
    export_withholding_return,
    mark_failed,
    mark_paid,
    reconcile_bank_file,
    reject_payout,
)

from .test_payouts import PROGRAM, ask, codes, fund

pytestmark = pytest.mark.django_db

APP = "app:7"  # every payment app holds HANDLE_PAYMENTS


def adjusting(distributor, amount, *, actor="user:900", key=None, currency="CNY"):
    return adjust(
        distributor_id=distributor.pk,
        currency=currency,
        amount=Decimal(amount),
        actor=actor,
        reason="goodwill after a lost parcel",
        program=PROGRAM,
        idempotency_key=key,
    )


def test_an_app_approves_rejects_adjusts_and_exports_nothing(tree):
    d = tree[3]
    fund(d, "1000")
    payout = ask(d, "300")
    assert codes(approve_payout, payout, actor=APP, program=PROGRAM) == ("staff_only", None)
    assert codes(approve_payouts, [payout.pk], actor=APP, program=PROGRAM) == ("staff_only", None)
    assert codes(reject_payout, payout, actor=APP, reason="no") == ("staff_only", None)
    assert codes(adjusting, d, "20000", actor=APP) == ("staff_only", None)
    approve_payout(payout, actor="user:900", program=PROGRAM)
    assert codes(create_batch, actor=APP) == ("staff_only", None)
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    assert codes(export_withholding_return, last_month, actor=APP) == ("staff_only", None)
    # Nothing moved: the 300 is approved and still waiting for a batch; no 20,000 appeared.
    payout.refresh_from_db()
    assert (payout.status, payout.batch_id) == ("approved", None)
    assert balance(d, "CNY").available == Decimal("700.00")
    # The only adjustment is the set-up's 1,000.00 by a staff user: the app's 20,000 left none.
    assert list(BalanceAdjustment.objects.values_list("requested_by", "amount", "status")) == [
        ("user:setup-staff", Decimal("1000.000"), "applied")
    ]


def test_an_app_records_transfers_only_when_the_shop_allows_it(tree, settings):
    d = tree[3]
    fund(d, "1000")
    paid = approve_payout(ask(d, "300", key="a"), actor="user:900", program=PROGRAM)
    returned = approve_payout(ask(d, "200", key="b"), actor="user:900", program=PROGRAM)
    create_batch(actor="user:900")
    paid.refresh_from_db()
    returned.refresh_from_db()
    assert codes(mark_paid, paid, actor=APP, transfer_reference="ICBC-1") == ("staff_only", None)
    assert codes(mark_failed, returned, actor=APP, reason="closed") == ("staff_only", None)
    bank_file = f"payout_id,reference\n{paid.pk},ICBC-1\n".encode()
    assert codes(reconcile_bank_file, bank_file, actor=APP) == ("staff_only", None)
    assert balance(d, "CNY").paid == Decimal("0.00")

    settings.WFX_APPS_MAY_MARK_PAID = True
    [row] = reconcile_bank_file(bank_file, actor=APP)
    assert (row.outcome, row.payout.paid_by) == ("paid", APP)
    assert mark_failed(returned, actor=APP, reason="closed").status == "failed"
    # 300 paid (no tax below 800), the 200 back in available: 1,000 − 300.
    assert (balance(d, "CNY").paid, balance(d, "CNY").available) == (
        Decimal("300.00"),
        Decimal("700.00"),
    )


def test_a_staff_member_who_is_a_distributor_cannot_touch_their_own_money(tree, caplog):
    d = tree[3]  # linked to Saleor user 4, who is also on the staff
    fund(d, "1000")
    payout = ask(d, "300")
    assert codes(approve_payout, payout, actor="user:4", program=PROGRAM) == (
        "own_distributor",
        None,
    )
    # The refusal rolls back with its transaction; the security log keeps who tried.
    assert f"To approve the money of distributor {d.pk} refused to user:4 (own_distributor)" in (
        caplog.text
    )
    assert codes(reject_payout, payout, actor="user:4", reason="mine") == ("own_distributor", None)
    assert codes(adjusting, d, "20000", actor="user:4") == ("own_distributor", None)
    [row] = approve_payouts([payout.pk], actor="user:4", program=PROGRAM)
    assert (row.outcome, row.error.code) == ("error", "own_distributor")
    assert balance(d, "CNY").available == Decimal("700.00")
    # Their colleague may; and user 4 may still decide about other distributors' money.
    assert approve_payout(payout, actor="user:900", program=PROGRAM).status == "approved"
    assert adjusting(tree[2], "50", actor="user:4").status == "applied"


def test_the_second_approval_counts_the_requests_of_the_last_24_hours(tree):
    d = tree[3]
    fund(d, "12000")
    # Yesterday's request, 25 hours ago: outside the window.
    old = ask(d, "4000", key="old")
    Payout.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    first = ask(d, "3000", key="a")
    second = ask(d, "2000", key="b")
    cancelled = ask(d, "2500", key="c")
    cancelled.status = Payout.Status.CANCELLED
    cancelled.save(update_fields=["status"])
    third = ask(d, "10", key="d")
    # Threshold CNY 5,000: 3,000 alone is within; 3,000 + 2,000 = 5,000 still is; the next one
    # (10 yuan more; the cancelled 2,500 not counted) is above: it needs two approvers.
    assert approve_payout(old, actor="user:900", program=PROGRAM).status == "approved"
    assert approve_payout(first, actor="user:900", program=PROGRAM).status == "approved"
    assert approve_payout(second, actor="user:900", program=PROGRAM).status == "approved"
    third = approve_payout(third, actor="user:900", program=PROGRAM)
    assert third.status == "first_approved"
    assert approve_payout(third, actor="user:901", program=PROGRAM).status == "approved"


def test_a_staff_token_and_an_app_token_are_never_two_approvers(tree):
    d = tree[3]
    fund(d, "8000")
    payout = approve_payout(ask(d, "6000"), actor="user:900", program=PROGRAM)
    assert payout.status == "first_approved"
    assert codes(approve_payout, payout, actor=APP, program=PROGRAM) == ("staff_only", None)
    payout.refresh_from_db()
    assert (payout.status, payout.approved_by) == ("first_approved", "")


def test_an_adjustment_above_the_threshold_waits_for_a_second_staff_user(tree):
    d = tree[3]
    pending = adjusting(d, "20000", key="bonus-1")
    assert (pending.status, pending.requested_by, pending.approved_by) == (
        "pending",
        "user:900",
        "",
    )
    # No money before the second approval, and a retry does not ask twice.
    assert balance(d, "CNY").available == Decimal("0.00")
    assert not LedgerEntry.objects.filter(kind="adjustment").exists()
    assert adjusting(d, "20000", key="bonus-1").pk == pending.pk
    assert codes(adjusting, d, "2", key="bonus-1") == ("idempotency_conflict", "idempotencyKey")

    assert codes(approve_adjustment, pending, actor="user:900") == ("same_approver", None)
    assert codes(approve_adjustment, pending, actor=APP) == ("staff_only", None)
    assert codes(approve_adjustment, pending, actor="user:4") == ("own_distributor", None)
    applied = approve_adjustment(pending, actor="user:901")
    assert (applied.status, applied.approved_by) == ("applied", "user:901")
    [entry] = LedgerEntry.objects.filter(kind="adjustment")
    assert (entry.amount, entry.actor, entry.bucket) == (
        Decimal("20000.000"),
        "user:901",
        "available",
    )
    assert balance(d, "CNY").available == Decimal("20000.00")
    assert codes(approve_adjustment, applied, actor="user:902") == ("invalid_status", None)
    assert [
        (event.kind, event.actor)
        for event in DistributorEvent.objects.filter(distributor=d, kind__startswith="adjust")
    ] == [("adjustment_applied", "user:901"), ("adjustment_requested", "user:900")]


def test_small_adjustments_add_up_over_24_hours_in_either_direction(tree):
    d = tree[3]
    assert adjusting(d, "3000").status == "applied"
    assert adjusting(d, "-1500").status == "applied"
    # 3,000 + 1,500 + 600 moved = 5,100 > 5,000 within a day: this one waits.
    waiting = adjusting(d, "600")
    assert waiting.status == "pending"
    assert balance(d, "CNY").available == Decimal("1500.00")
    rejected = reject_adjustment(waiting, actor="user:901", reason="no receipt")
    assert (rejected.status, rejected.rejected_by, rejected.rejection_reason) == (
        "rejected",
        "user:901",
        "no receipt",
    )
    assert codes(approve_adjustment, rejected, actor="user:902") == ("invalid_status", None)
    assert balance(d, "CNY").available == Decimal("1500.00")
    # A day later the earlier ones no longer count.
    BalanceAdjustment.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert adjusting(d, "600").status == "applied"
    assert balance(d, "CNY").available == Decimal("2100.00")


@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_one_pending_adjustment_at_once_post_it_once(tree):
    d = tree[3]
    pending = adjusting(d, "8000")
    outcomes = []

    def approve(actor):
        try:
            approve_adjustment(pending, actor=actor)
            outcomes.append("applied")
        except LedgerError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=approve, args=(f"user:90{n}",)) for n in (1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["applied", "invalid_status", "invalid_status"]
    assert LedgerEntry.objects.filter(kind="adjustment").count() == 1
    assert balance(d, "CNY").available == Decimal("8000.00")
