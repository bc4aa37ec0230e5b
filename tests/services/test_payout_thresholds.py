"""The payout minimum and the second-approval threshold per currency (`CNY:10, USD:2`): a
currency with no minimum cannot be paid out; one with no threshold needs two approvers."""

from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.errors import PayoutError
from saleor_wfx_plugin.models import LedgerEntry, Payout
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.payouts import PayeeDetails, approve_payout, request_payout
from tests.services.helpers import staff_adjusts_balance

pytestmark = pytest.mark.django_db

WALLET = PayeeDetails("alipay", "王小明", "13812345678", "", "11010519491231002X")
DEFAULTS = ProgramSettings()  # minimum CNY:10, USD:2; second approval CNY:5000, USD:700


def fund(distributor, amount, currency):
    staff_adjusts_balance(
        distributor_id=distributor.pk,
        currency=currency,
        amount=Decimal(amount),
        reason="test funds",
    )


def ask(distributor, amount, currency, *, key="k1", program=DEFAULTS):
    return request_payout(
        distributor,
        currency=currency,
        amount=amount,
        payee=WALLET,
        idempotency_key=key,
        actor=f"user:{distributor.user_id}",
        program=program,
    )


def refusal(call, *args, **kwargs):
    with pytest.raises(PayoutError) as error:
        call(*args, **kwargs)
    return error.value.code, error.value.field, str(error.value)


def test_each_currency_has_its_own_minimum(tree):
    d = tree[3]
    fund(d, "50", "USD")
    fund(d, "50", "CNY")
    # Two dollars may be paid out; before, the one minimum (10) applied to dollars as to yuan.
    assert ask(d, "2.00", "USD", key="usd").amount == Decimal("2.00")
    assert refusal(ask, d, "1.99", "USD", key="usd-small")[:2] == ("below_minimum", "amount")
    code, field, message = refusal(ask, d, "9.99", "CNY", key="cny-small")
    assert (code, field, message) == ("below_minimum", "amount", "The minimum payout is 10 CNY.")
    assert balance(d, "USD").available == Decimal("48.00")


def test_a_currency_without_a_minimum_cannot_be_paid_out_and_nothing_is_written(tree):
    d = tree[3]
    fund(d, "500", "EUR")
    entries = LedgerEntry.objects.count()
    code, field, message = refusal(ask, d, "100", "eur")
    assert (code, field) == ("currency_not_payable", "currency")
    assert message == (
        "Payouts in EUR are not offered: the shop's payout_min_amount setting has no EUR entry."
    )
    assert not Payout.objects.exists()
    assert LedgerEntry.objects.count() == entries
    assert balance(d, "EUR").available == Decimal("500.00")


def test_a_plain_minimum_still_applies_to_every_currency(tree):
    # A configuration saved before minimums were per currency keeps working as it did.
    d = tree[3]
    fund(d, "500", "EUR")
    every = ProgramSettings.from_mapping({"payout_min_amount": "10"})
    assert ask(d, "10", "EUR", program=every).currency == "EUR"
    assert refusal(ask, d, "9", "EUR", key="k2", program=every)[0] == "below_minimum"


def test_the_second_approval_threshold_is_per_currency(tree):
    d = tree[3]
    fund(d, "6000", "CNY")
    fund(d, "6000", "USD")
    # 700.01 dollars need a second approver; 700.01 yuan do not (5000 in CNY).
    dollars = approve_payout(ask(d, "700.01", "USD", key="usd"), actor="user:900", program=DEFAULTS)
    assert dollars.status == Payout.Status.FIRST_APPROVED
    yuan = approve_payout(ask(d, "700.01", "CNY", key="cny"), actor="user:900", program=DEFAULTS)
    assert yuan.status == Payout.Status.APPROVED
    # Exactly 700 dollars is within (asked by another distributor: each one's requests of the
    # last 24 hours count together, and d's 700.01 would).
    c = tree[2]
    fund(c, "1000", "USD")
    at_threshold = ask(c, "700.00", "USD", key="usd-700")
    assert approve_payout(at_threshold, actor="user:900", program=DEFAULTS).status == "approved"


def test_a_currency_without_a_threshold_needs_two_approvers_for_every_payout(tree):
    d = tree[3]
    fund(d, "100", "EUR")
    program = ProgramSettings.from_mapping({"payout_min_amount": "CNY:10, USD:2, EUR:5"})
    assert program.warnings[-1] == (
        "second_approval_above has no EUR entry: every EUR payout needs two approvers"
    )
    payout = approve_payout(ask(d, "5", "EUR", program=program), actor="user:900", program=program)
    assert payout.status == Payout.Status.FIRST_APPROVED
    assert refusal(approve_payout, payout, actor="user:900", program=program)[0] == (
        "same_approver"
    )
    assert approve_payout(payout, actor="user:901", program=program).status == "approved"
