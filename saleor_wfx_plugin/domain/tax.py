"""Income tax the merchant withholds from a distributor's payout.

A distributor who is a private person (not a company that invoices the shop) earns labour
remuneration (劳务报酬) in Chinese law, and the paying merchant must withhold individual income tax
on it (预扣预缴) before paying out. Everything here is pure arithmetic on `Decimal`; which payouts
share a period is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .messages import DomainError
from .money import quantize
from .rates import HUNDRED

ZERO = Decimal(0)
# The labour remuneration rules are stated in renminbi; amounts are rounded to the fen.
LABOUR_REMUNERATION_CURRENCY = "CNY"

# 国家税务总局公告2018年第61号 art. 8 (withholding on labour remuneration): income up to 4,000
# yuan per payment is reduced by a flat 800 yuan of expenses, larger income by 20 %.
_FLAT_EXPENSE_LIMIT = Decimal(4000)
_FLAT_EXPENSE = Decimal(800)
_TAXABLE_SHARE_ABOVE_LIMIT = Decimal("0.80")
# The withholding table (劳务报酬所得预扣率表): (taxable up to, rate, quick deduction). The quick
# deduction makes the tax continuous at each bracket edge: 20,000 × 30 % − 2,000 = 20,000 × 20 %.
_LABOUR_REMUNERATION_BRACKETS: tuple[tuple[Decimal | None, Decimal, Decimal], ...] = (
    (Decimal(20000), Decimal("0.20"), ZERO),
    (Decimal(50000), Decimal("0.30"), Decimal(2000)),
    (None, Decimal("0.40"), Decimal(7000)),
)


class TaxPolicy(StrEnum):
    """What the merchant withholds from payouts."""

    # Distributors are companies or self-employed and declare their own tax.
    NONE = "none"
    # A percentage of every payout, whatever the amount (a merchant's own arrangement).
    FLAT = "flat"
    # Chinese individual income tax on labour remuneration, withheld by the merchant.
    LABOUR_REMUNERATION = "labour_remuneration"


class TaxPeriod(StrEnum):
    """Which income one assessment covers."""

    # Each payout is assessed on its own.
    PER_PAYOUT = "per_payout"
    # Payouts to one distributor in the same calendar month count as one income (个人所得税法实施
    # 条例 art. 14: continuous income from one source counts once per month), so splitting a
    # month's commission into small payouts does not multiply the 800 yuan allowance.
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class TaxAssessment:
    """Tax on the whole `income` given. `rate` is a fraction (0.20 for 20 %)."""

    income: Decimal
    taxable: Decimal
    rate: Decimal
    quick_deduction: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class Withholding:
    """What one payout withholds.

    `taxable` and `tax` are this payout's share; `period_income` and `period_tax` are the period's
    totals including this payout (with per-payout periods they equal `gross` and `tax`).
    """

    gross: Decimal
    taxable: Decimal
    tax: Decimal
    net: Decimal
    period_income: Decimal
    period_tax: Decimal


def labour_remuneration_tax(income: Decimal) -> TaxAssessment:
    """Individual income tax withheld on one labour remuneration income, in yuan.

    Taxable income and tax are rounded half up to the fen, and the tax is computed from the
    rounded taxable income, so that the tax record a merchant files (taxable, rate, tax) can be
    recomputed from its own figures.
    """
    _require_not_negative(income, "income")
    if income <= _FLAT_EXPENSE_LIMIT:
        exact_taxable = max(income - _FLAT_EXPENSE, ZERO)
    else:
        exact_taxable = income * _TAXABLE_SHARE_ABOVE_LIMIT
    taxable = quantize(exact_taxable, LABOUR_REMUNERATION_CURRENCY)
    rate, quick_deduction = next(
        (rate, quick_deduction)
        for upper_limit, rate, quick_deduction in _LABOUR_REMUNERATION_BRACKETS
        if upper_limit is None or taxable <= upper_limit
    )
    tax = quantize(taxable * rate - quick_deduction, LABOUR_REMUNERATION_CURRENCY)
    return TaxAssessment(
        income=income, taxable=taxable, rate=rate, quick_deduction=quick_deduction, tax=tax
    )


def flat_tax(income: Decimal, rate_percent: Decimal, *, currency: str = "CNY") -> TaxAssessment:
    """`rate_percent` % of the whole income, rounded half up to the currency's minor unit."""
    _require_not_negative(income, "income")
    if not ZERO <= rate_percent <= HUNDRED:
        raise DomainError("flat_tax_rate_out_of_range", rate=rate_percent)
    rate = rate_percent / HUNDRED
    return TaxAssessment(
        income=income,
        taxable=income,
        rate=rate,
        quick_deduction=ZERO,
        tax=quantize(income * rate, currency),
    )


def withholding_for_payout(
    policy: TaxPolicy,
    gross: Decimal,
    currency: str,
    *,
    flat_rate_percent: Decimal,
    earlier_income_in_period: Decimal = ZERO,
    earlier_tax_in_period: Decimal = ZERO,
) -> Withholding:
    """Tax to withhold from a payout of `gross`, and what the distributor receives.

    Per-payout periods pass no earlier amounts. Monthly periods pass the gross and the tax of the
    distributor's earlier payouts in the same month and currency: the month's income is assessed
    as one, and this payout withholds what that assessment asks for beyond what was already
    withheld. Never less than nothing: a month whose earlier payouts withheld more (because the
    settings changed in between) refunds nothing here, that is a matter for the annual return.

    This payout's `taxable` is the period's taxable income minus the taxable income of the
    earlier payouts alone, so the taxable amounts of a month's payouts add up to the month's
    taxable income in the tax records.

    Labour remuneration is withheld on renminbi payouts only: its 800 yuan allowance and its
    brackets are amounts in yuan, and converting another currency would need an exchange rate
    the merchant has not chosen. Other currencies withhold nothing under that policy.
    """
    _require_not_negative(gross, "gross")
    _require_not_negative(earlier_income_in_period, "earlier_income_in_period")
    _require_not_negative(earlier_tax_in_period, "earlier_tax_in_period")
    if gross != quantize(gross, currency):
        raise DomainError("payout_not_minor_units", gross=gross, currency=currency)
    period_income = earlier_income_in_period + gross

    if policy is TaxPolicy.FLAT:
        period = flat_tax(period_income, flat_rate_percent, currency=currency)
        earlier = flat_tax(earlier_income_in_period, flat_rate_percent, currency=currency)
    elif policy is TaxPolicy.LABOUR_REMUNERATION and currency.upper() == "CNY":
        period = labour_remuneration_tax(period_income)
        earlier = labour_remuneration_tax(earlier_income_in_period)
    else:
        return Withholding(
            gross=gross,
            taxable=ZERO,
            tax=ZERO,
            net=gross,
            period_income=period_income,
            period_tax=earlier_tax_in_period,
        )

    tax = max(period.tax - earlier_tax_in_period, ZERO)
    return Withholding(
        gross=gross,
        taxable=period.taxable - earlier.taxable,
        tax=tax,
        net=gross - tax,
        period_income=period_income,
        period_tax=earlier_tax_in_period + tax,
    )


def _require_not_negative(amount: Decimal, name: str) -> None:
    if not amount.is_finite() or amount < 0:
        raise DomainError("tax_amount_invalid", name=name, amount=amount)


def tax_on_period_income(
    policy: TaxPolicy, income: Decimal, currency: str, *, flat_rate_percent: Decimal
) -> Decimal:
    """What a whole period's income asks for: the total the period's payouts withhold between
    them, whatever order they were approved in."""
    return withholding_for_payout(policy, income, currency, flat_rate_percent=flat_rate_percent).tax
