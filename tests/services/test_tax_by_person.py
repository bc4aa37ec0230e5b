"""Income tax per person: the resident ID belongs to the distributor's profile (set once, changed
only by staff with a reason), a person's accounts share one month's allowance, the month is
assessed again when an approved payout leaves it, and a filed month's payouts stay filed."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections, transaction
from django.utils import timezone

from saleor_wfx_plugin.domain.tax import labour_remuneration_tax
from saleor_wfx_plugin.errors import ProgrammeError
from saleor_wfx_plugin.models import Distributor, DistributorApplication, DistributorEvent, Payout
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.applications import approve_application
from saleor_wfx_plugin.services.identity import masked_identity, set_identity
from saleor_wfx_plugin.services.payouts import (
    PayeeDetails,
    approve_payout,
    export_withholding_return,
    mark_paid,
    reject_payout,
)

from .test_payouts import CARD, ID_NUMBER, PROGRAM, ask, codes, fund

pytestmark = pytest.mark.django_db

OTHER_ID = "110101199003071233"
NO_ID = PayeeDetails("bank", "王小明", "6222021234567890123", "ICBC")


def approve(payout, actor="user:900"):
    """Approved in full: by a second staff user too when the distributor's requests of the last
    24 hours are above the threshold."""
    payout = approve_payout(payout, actor=actor, program=PROGRAM)
    if payout.status == Payout.Status.FIRST_APPROVED:
        payout = approve_payout(payout, actor="user:901", program=PROGRAM)
    return payout


def next_month():
    return timezone.now() + timedelta(days=32)


def test_the_first_request_sets_the_profile_and_later_ones_need_not_repeat_it(tree):
    d = tree[3]
    fund(d, "500")
    ask(d, "100", key="first")
    d.refresh_from_db()
    assert masked_identity(d).id_number_masked == "110***********002X"
    assert masked_identity(d).legal_name == "王小明"
    [event] = DistributorEvent.objects.filter(distributor=d, kind="identity_set")
    assert (event.actor, event.data["source"]) == ("user:4", "payout_request")
    # The audit trail is shown in the API: the number is masked there too.
    assert ID_NUMBER not in str(event.data)

    later = ask(d, "100", key="later", payee=NO_ID)
    assert later.status == Payout.Status.REQUESTED
    typo = PayeeDetails("bank", "王小明", "6222021234567890123", "ICBC", OTHER_ID)
    assert codes(ask, d, "100", key="typo", payee=typo) == ("identity_mismatch", "idNumber")
    assert ask(d, "100", key="same", payee=CARD).status == Payout.Status.REQUESTED
    assert balance(d, "CNY").reserved == Decimal("300.00")


def test_a_number_on_file_under_another_name_is_refused(tree):
    c, d = tree[2], tree[3]
    fund(c, "100")
    fund(d, "100")
    ask(d, "50")
    someone_else = PayeeDetails("alipay", "李四", "13812345678", "", ID_NUMBER)
    assert codes(ask, c, "50", payee=someone_else) == ("identity_mismatch", "idNumber")
    c.refresh_from_db()
    assert c.identity is None and balance(c, "CNY").reserved == 0


def test_staff_record_the_identity_and_change_it_only_with_a_reason(tree):
    d = tree[3]
    d = set_identity(d, legal_name="王小明", id_number="11010519491231002x", actor="user:900")
    assert masked_identity(d).set_by == "user:900"
    with pytest.raises(ProgrammeError) as refused:
        set_identity(d, legal_name="王小明", id_number=OTHER_ID, actor="user:900")
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    with pytest.raises(ProgrammeError) as invalid:
        set_identity(d, legal_name="王小明", id_number="110105194912310021", actor="u", reason="x")
    assert (invalid.value.code, invalid.value.field) == ("invalid_id_number", "idNumber")

    d = set_identity(
        d, legal_name="王小明", id_number=OTHER_ID, actor="user:901", reason="typo on the card"
    )
    assert masked_identity(d).id_number_masked == "110***********1233"
    changed = DistributorEvent.objects.get(distributor=d, kind="identity_changed")
    assert (changed.actor, changed.reason) == ("user:901", "typo on the card")
    assert (changed.data["previous_id_number"], changed.data["id_number"]) == (
        "110***********002X",
        "110***********1233",
    )
    # The same call again (a retried request) changes and records nothing.
    set_identity(d, legal_name="王小明", id_number=OTHER_ID, actor="user:901", reason="again")
    assert DistributorEvent.objects.filter(distributor=d, kind__startswith="identity").count() == 2


def test_staff_record_the_identity_when_they_approve_the_application(tree):
    application = DistributorApplication.objects.create(
        user_id="77", phone="+8613800000077", name="赵六"
    )
    distributor = approve_application(application, actor="user:900", id_number=OTHER_ID)
    view = masked_identity(Distributor.objects.get(pk=distributor.pk))
    assert (view.legal_name, view.id_number_masked) == ("赵六", "110***********1233")


def test_two_accounts_of_one_person_share_one_allowance(tree):
    c, d = tree[2], tree[3]
    fund(c, "3000")
    fund(d, "3000")
    first = approve(ask(d, "3000"))
    same_person = PayeeDetails("alipay", "王小明", "13812345678", "", ID_NUMBER)
    second = approve(ask(c, "3000", payee=same_person))
    # 3,000 alone: taxable 2,200, 440.00. The person's month: 6,000 > 4,000, taxable 4,800,
    # 960.00, of which the first payout withheld 440.00.
    assert (first.tax, second.tax) == (Decimal("440.00"), Decimal("520.00"))
    assert second.taxable == Decimal("2600.00")  # 4,800 - 2,200
    assert first.tax + second.tax == labour_remuneration_tax(Decimal(6000)).tax
    assert first.tax_identity_id == second.tax_identity_id
    # Another person's account keeps their own allowance.
    b = tree[1]
    fund(b, "3000")
    other = PayeeDetails("alipay", "李四", "13912345678", "", OTHER_ID)
    assert approve(ask(b, "3000", payee=other)).tax == Decimal("440.00")


def test_an_approval_without_an_identity_on_file_is_refused(tree, program):
    d = tree[3]
    fund(d, "500")
    untaxed = program(tax_policy="none")
    payout = ask(d, "100", payee=NO_ID, program=untaxed)
    # The merchant switched to labour remuneration before approving.
    assert codes(approve_payout, payout, actor="user:900", program=PROGRAM) == (
        "id_number_required",
        None,
    )


def test_rejecting_an_approved_payout_assesses_the_rest_of_the_month_again(tree):
    d = tree[3]
    fund(d, "7200")
    small = approve(ask(d, "800", key="a"))
    middle = approve(ask(d, "3200", key="b"))
    last = approve(ask(d, "3200", key="c"))
    # 800: no tax. 4,000: 3,200 × 20 % = 640.00. 7,200: 5,760 × 20 % = 1,152.00, less 640.00.
    assert (small.tax, middle.tax, last.tax) == (
        Decimal("0.00"),
        Decimal("640.00"),
        Decimal("512.00"),
    )
    middle = reject_payout(middle, actor="user:900", reason="name does not match the card")
    # What was paid is 4,000, which owes 640.00; the payouts left withhold only 512.00: the
    # 128.00 still owed is taken from the money the rejection gives back.
    assert middle.tax_correction == Decimal("128.00")
    now = balance(d, "CNY")
    assert (now.available, now.tax) == (Decimal("3072.00"), Decimal("128.00"))
    mark_paid(small, actor="user:900", transfer_reference="R1")
    mark_paid(last, actor="user:900", transfer_reference="R2")
    now = balance(d, "CNY")
    assert (now.paid, now.tax) == (Decimal("3488.00"), Decimal("640.00"))
    assert now.tax == labour_remuneration_tax(Decimal(4000)).tax


def test_tax_withheld_too_much_is_given_back_to_the_person(tree):
    c, d = tree[2], tree[3]
    fund(c, "3000")
    fund(d, "3000")
    first = approve(ask(d, "3000"))
    same_person = PayeeDetails("alipay", "王小明", "13812345678", "", ID_NUMBER)
    second = approve(ask(c, "3000", payee=same_person))
    first = reject_payout(first, actor="user:900", reason="duplicate request")
    # C's 3,000 alone owes 440.00 but withholds 520.00: the 80.00 comes back with D's money.
    assert first.tax_correction == Decimal("-80.00")
    assert balance(d, "CNY").available == Decimal("3080.00")
    mark_paid(second, actor="user:900", transfer_reference="R1")
    assert balance(c, "CNY").tax + balance(d, "CNY").tax == Decimal("440.00")


def test_a_payout_of_a_filed_tax_month_cannot_be_rejected(tree):
    d = tree[3]
    fund(d, "600")
    approved = approve(ask(d, "100", key="a"))
    waiting = ask(d, "100", key="b")
    export_withholding_return(approved.tax_month, actor="user:900", now=next_month())
    assert codes(reject_payout, approved, actor="user:900", reason="too late") == (
        "tax_month_exported",
        None,
    )
    assert balance(d, "CNY").reserved == Decimal("200.00")
    # Not yet approved: in no tax month, so it can still be rejected.
    assert reject_payout(waiting, actor="user:900", reason="x").status == Payout.Status.REJECTED
    assert mark_paid(approved, actor="user:900", transfer_reference="R").status == "paid"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_approvals_of_one_persons_accounts_share_the_allowance(tree):
    c, d = tree[2], tree[3]
    fund(c, "3000")
    fund(d, "3000")
    first = ask(d, "3000")
    second = ask(c, "3000", payee=PayeeDetails("alipay", "王小明", "13812345678", "", ID_NUMBER))
    first_inside = threading.Barrier(2, timeout=10)
    taxes = {}

    def approve_and_hold():
        # The first approval stays uncommitted while the second one runs.
        try:
            with transaction.atomic():
                taxes["first"] = approve(Payout.objects.get(pk=first.pk)).tax
                first_inside.wait()
                threading.Event().wait(0.5)
        finally:
            close_old_connections()

    def approve_meanwhile():
        try:
            first_inside.wait()
            taxes["second"] = approve(Payout.objects.get(pk=second.pk), actor="user:901").tax
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=approve_and_hold),
        threading.Thread(target=approve_meanwhile),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Without the person's lock the second approval would not see the first and withhold 440.00
    # as if the allowance were unused.
    assert taxes == {"first": Decimal("440.00"), "second": Decimal("520.00")}
