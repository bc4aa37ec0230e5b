from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saleor_wfx_plugin.domain.tax import (
    TaxAssessment,
    TaxPolicy,
    flat_tax,
    labour_remuneration_tax,
    withholding_for_payout,
)

CNY_AMOUNTS = st.decimals(min_value=0, max_value=10_000_000, places=2)


# Each row worked by hand: income → taxable (≤ 4,000: income − 800, never below 0; above: 80 %,
# to the fen) → tax (taxable × rate − quick deduction, to the fen, half up).
@pytest.mark.parametrize(
    ("income", "taxable", "rate", "quick_deduction", "tax"),
    [
        # 800 − 800 = 0 → nothing to withhold.
        ("800", "0.00", "0.20", "0", "0.00"),
        # 500 − 800 < 0 → taxable stays 0, not a negative amount.
        ("500", "0.00", "0.20", "0", "0.00"),
        # 3,000 − 800 = 2,200; 2,200 × 20 % = 440.00.
        ("3000", "2200.00", "0.20", "0", "440.00"),
        # 4,000 is still "up to 4,000": 4,000 − 800 = 3,200; × 20 % = 640.00.
        ("4000", "3200.00", "0.20", "0", "640.00"),
        # 4,000.01 × 80 % = 3,200.008 → 3,200.01; × 20 % = 640.002 → 640.00.
        ("4000.01", "3200.01", "0.20", "0", "640.00"),
        # 10,000 × 80 % = 8,000; × 20 % = 1,600.00.
        ("10000", "8000.00", "0.20", "0", "1600.00"),
        # 25,000 × 80 % = 20,000, the top of the 20 % bracket: 4,000.00.
        ("25000", "20000.00", "0.20", "0", "4000.00"),
        # 25,000.01 × 80 % = 20,000.008 → 20,000.01, in the 30 % bracket:
        # 20,000.01 × 30 % − 2,000 = 6,000.003 − 2,000 = 4,000.003 → 4,000.00.
        ("25000.01", "20000.01", "0.30", "2000", "4000.00"),
        # 30,000 × 80 % = 24,000; × 30 % = 7,200 − 2,000 = 5,200.00.
        ("30000", "24000.00", "0.30", "2000", "5200.00"),
        # 62,500 × 80 % = 50,000, the top of the 30 % bracket: 15,000 − 2,000 = 13,000.00.
        ("62500", "50000.00", "0.30", "2000", "13000.00"),
        # 100,000 × 80 % = 80,000; × 40 % = 32,000 − 7,000 = 25,000.00.
        ("100000", "80000.00", "0.40", "7000", "25000.00"),
        # 1,234.56 − 800 = 434.56; × 20 % = 86.912 → 86.91.
        ("1234.56", "434.56", "0.20", "0", "86.91"),
        # 2,802.52 − 800 = 2,002.52; × 20 % = 400.504 → 400.50.
        ("2802.52", "2002.52", "0.20", "0", "400.50"),
        # 2,802.53 − 800 = 2,002.53; × 20 % = 400.506 → 400.51.
        ("2802.53", "2002.53", "0.20", "0", "400.51"),
        # 802.53 − 800 = 2.53; × 20 % = 0.506 → 0.51.
        ("802.53", "2.53", "0.20", "0", "0.51"),
    ],
)
def test_labour_remuneration_tax_worked_examples(income, taxable, rate, quick_deduction, tax):
    assessment = labour_remuneration_tax(Decimal(income))
    assert assessment == TaxAssessment(
        income=Decimal(income),
        taxable=Decimal(taxable),
        rate=Decimal(rate),
        quick_deduction=Decimal(quick_deduction),
        tax=Decimal(tax),
    )
    assert str(assessment.tax) == tax, "the tax is stated to the fen"


def test_half_a_fen_of_tax_rounds_up_not_to_even():
    # 25,000.94 × 80 % = 20,000.752 → 20,000.75; × 30 % = 6,000.225 − 2,000 = 4,000.225 → 4,000.23
    # (banker's rounding would give 4,000.22).
    assessment = labour_remuneration_tax(Decimal("25000.94"))
    assert assessment.taxable == Decimal("20000.75")
    assert assessment.tax == Decimal("4000.23")


def test_negative_income_is_refused():
    with pytest.raises(ValueError, match="income"):
        labour_remuneration_tax(Decimal("-0.01"))


@given(CNY_AMOUNTS, CNY_AMOUNTS)
def test_more_income_never_means_less_tax(first, second):
    low, high = sorted((first, second))
    assert labour_remuneration_tax(low).tax <= labour_remuneration_tax(high).tax


@given(CNY_AMOUNTS)
def test_tax_never_exceeds_forty_percent_of_income(income):
    # 40 % of 80 % is the worst case: 32 % of the income at most.
    assert labour_remuneration_tax(income).tax <= income * Decimal("0.32") + Decimal("0.01")


def test_flat_tax_is_the_rate_of_the_whole_income():
    # 1,234.56 × 20 % = 246.912 → 246.91.
    assessment = flat_tax(Decimal("1234.56"), Decimal("20"))
    assert assessment.tax == Decimal("246.91")
    assert assessment.taxable == Decimal("1234.56")
    assert assessment.rate == Decimal("0.20")


def test_flat_tax_rounds_half_up_in_the_payout_currency():
    # 0.25 × 10 % = 0.025 → 0.03 (half up); 25 JPY × 10 % = 2.5 → 3 yen.
    assert flat_tax(Decimal("0.25"), Decimal("10")).tax == Decimal("0.03")
    assert flat_tax(Decimal("25"), Decimal("10"), currency="JPY").tax == Decimal("3")


@pytest.mark.parametrize("rate", ["-1", "100.01"])
def test_flat_tax_rate_outside_0_to_100_is_refused(rate):
    with pytest.raises(ValueError, match="outside 0-100"):
        flat_tax(Decimal("100"), Decimal(rate))


def _labour(gross, earlier_income="0", earlier_tax="0", currency="CNY"):
    return withholding_for_payout(
        TaxPolicy.LABOUR_REMUNERATION,
        Decimal(gross),
        currency,
        flat_rate_percent=Decimal("20"),
        earlier_income_in_period=Decimal(earlier_income),
        earlier_tax_in_period=Decimal(earlier_tax),
    )


def test_a_single_payout_withholds_its_own_tax():
    # 3,000 − 800 = 2,200 × 20 % = 440.00; net 3,000 − 440 = 2,560.00.
    withholding = _labour("3000.00")
    assert withholding.taxable == Decimal("2200.00")
    assert withholding.tax == Decimal("440.00")
    assert withholding.net == Decimal("2560.00")
    assert withholding.period_income == Decimal("3000.00")
    assert withholding.period_tax == Decimal("440.00")


def test_same_month_payouts_are_taxed_as_one_income():
    # First payout: 3,000 → 2,200 taxable → 440.00.
    first = _labour("3000.00")
    assert first.tax == Decimal("440.00")
    # Second payout the same month: the month's 6,000 is above 4,000, so 80 % = 4,800 taxable
    # → 960.00 for the month, of which 440.00 was withheld: 520.00 now, net 2,480.00.
    second = _labour("3000.00", earlier_income=first.period_income, earlier_tax=first.period_tax)
    assert second.tax == Decimal("520.00")
    assert second.net == Decimal("2480.00")
    assert second.period_income == Decimal("6000.00")
    assert second.period_tax == Decimal("960.00")
    # Taxable: 4,800 for the month − 2,200 already reported = 2,600, so the tax records of the
    # two payouts add up to the month's 4,800.
    assert second.taxable == Decimal("2600.00")
    assert first.taxable + second.taxable == Decimal("4800.00")


def test_splitting_a_month_into_small_payouts_does_not_multiply_the_allowance():
    # Ten payouts of 800: each alone would be tax free; the month's 8,000 is taxed 8,000 × 80 %
    # × 20 % = 1,280.00 in total.
    income, withheld = Decimal(0), Decimal(0)
    for _ in range(10):
        withholding = _labour("800.00", earlier_income=income, earlier_tax=withheld)
        income, withheld = withholding.period_income, withholding.period_tax
    assert withheld == Decimal("1280.00")
    assert _labour("8000.00").tax == Decimal("1280.00")


def test_earlier_withholding_above_the_months_tax_refunds_nothing():
    # The month's 4,000 needs 640.00, but 700.00 was withheld (e.g. under a flat rate before the
    # settings changed): this payout withholds nothing rather than a negative amount.
    withholding = _labour("1000.00", earlier_income="3000.00", earlier_tax="700.00")
    assert withholding.tax == Decimal("0")
    assert withholding.net == Decimal("1000.00")
    assert withholding.period_tax == Decimal("700.00")


def test_flat_policy_withholds_the_rate_of_each_payout():
    # 1,234.56 × 20 % = 246.912 → 246.91; net 987.65.
    withholding = withholding_for_payout(
        TaxPolicy.FLAT, Decimal("1234.56"), "CNY", flat_rate_percent=Decimal("20")
    )
    assert withholding.tax == Decimal("246.91")
    assert withholding.net == Decimal("987.65")


def test_flat_policy_in_a_month_withholds_the_months_tax_less_earlier_withholding():
    # Month: 0.25 + 0.25 = 0.50 × 10 % = 0.05; the first withheld 0.025 → 0.03, so 0.02 now.
    first = withholding_for_payout(
        TaxPolicy.FLAT, Decimal("0.25"), "USD", flat_rate_percent=Decimal("10")
    )
    second = withholding_for_payout(
        TaxPolicy.FLAT,
        Decimal("0.25"),
        "USD",
        flat_rate_percent=Decimal("10"),
        earlier_income_in_period=first.period_income,
        earlier_tax_in_period=first.period_tax,
    )
    assert (first.tax, second.tax) == (Decimal("0.03"), Decimal("0.02"))


def test_labour_remuneration_is_not_withheld_on_other_currencies():
    # The 800 yuan allowance and the brackets are in yuan; a USD payout withholds nothing.
    withholding = _labour("10000.00", currency="USD")
    assert withholding.tax == Decimal("0")
    assert withholding.taxable == Decimal("0")
    assert withholding.net == Decimal("10000.00")


def test_no_policy_withholds_nothing():
    withholding = withholding_for_payout(
        TaxPolicy.NONE, Decimal("10000.00"), "CNY", flat_rate_percent=Decimal("20")
    )
    assert (withholding.tax, withholding.net) == (Decimal("0"), Decimal("10000.00"))


@pytest.mark.parametrize(
    ("gross", "earlier_income", "earlier_tax"),
    [("-1", "0", "0"), ("10", "-1", "0"), ("10", "0", "-0.01"), ("10.001", "0", "0")],
)
def test_negative_or_sub_fen_amounts_are_refused(gross, earlier_income, earlier_tax):
    with pytest.raises(ValueError):
        _labour(gross, earlier_income=earlier_income, earlier_tax=earlier_tax)


@given(st.lists(st.decimals(min_value=0, max_value=200_000, places=2), min_size=1, max_size=8))
def test_a_months_payouts_withhold_exactly_the_months_tax(payouts):
    income, withheld, taxable = Decimal(0), Decimal(0), Decimal(0)
    for gross in payouts:
        withholding = _labour(gross, earlier_income=income, earlier_tax=withheld)
        assert withholding.net + withholding.tax == gross
        assert withholding.tax >= 0
        income, withheld = withholding.period_income, withholding.period_tax
        taxable += withholding.taxable
    month = labour_remuneration_tax(income)
    assert withheld == month.tax
    assert taxable == month.taxable
