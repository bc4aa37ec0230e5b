"""Income tax on payouts, per person and tax month.

The tax month is the month of final approval in the shop's time zone: approval fixes the tax and
so the net amount the bank transfers, and the withholding return files that month. A person's
payouts of the month that count (approved, exported to the bank, paid) are one income across all
their distributor accounts (`TaxIdentity`), so they share one 800-yuan allowance; each final
approval withholds what the month's income asks for beyond what the month already withheld.

When a counting payout stops counting (rejected after approval, or the bank returned it), the
rest of the month is assessed again and the difference posted at once, so that what a person's
month withholds is always the tax on the income they were actually paid:
`tax_on_period_income(income of counting payouts) == their tax + the corrections`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ...domain.money import quantize
from ...domain.settings import ProgramSettings
from ...domain.tax import TaxPeriod, TaxPolicy, tax_on_period_income, withholding_for_payout
from ...lock_objects import lock_tax_person
from ...models import Payout, TaxExport
from ..ledger import Leg, post_movement
from .common import ZERO, Bucket, Kind, Status, payout_error

# Payouts whose income is in their tax month: from final approval until rejected or failed.
COUNTING_STATUSES = (Status.APPROVED, Status.EXPORTED, Status.PAID)


def needs_resident_id(program: ProgramSettings, currency: str) -> bool:
    """Labour remuneration is withheld on renminbi payouts, and filed under the payee's ID."""
    return program.tax_policy is TaxPolicy.LABOUR_REMUNERATION and currency.upper() == "CNY"


def tax_month_of(moment: datetime) -> date:
    from ...shop import shop_time_zone

    return timezone.localtime(moment, shop_time_zone()).date().replace(day=1)


def same_taxpayer(payout: Payout) -> Q:
    """The payouts taxed together with this one: the same person, or, for a payout made without
    an identity (no tax that needs one), the same distributor account."""
    if payout.tax_identity_id is not None:
        return Q(tax_identity_id=payout.tax_identity_id)
    return Q(distributor_id=payout.distributor_id, tax_identity__isnull=True)


def _month_so_far(payout: Payout) -> tuple[Decimal, Decimal]:
    """Income and tax of the person's other payouts in the payout's tax month and currency."""
    others = Payout.objects.filter(
        same_taxpayer(payout), currency=payout.currency, tax_month=payout.tax_month
    ).exclude(pk=payout.pk)
    totals = others.aggregate(
        amount=Sum("amount", filter=Q(status__in=COUNTING_STATUSES)),
        fees=Sum("fee", filter=Q(status__in=COUNTING_STATUSES)),
        tax=Sum("tax", filter=Q(status__in=COUNTING_STATUSES)),
        corrections=Sum("tax_correction"),
    )
    income = (totals["amount"] or ZERO) - (totals["fees"] or ZERO)
    withheld = (totals["tax"] or ZERO) + (totals["corrections"] or ZERO)
    return income, withheld


def fix_tax(payout: Payout, program: ProgramSettings, now: datetime) -> None:
    """At final approval (the caller holds the distributor's row lock): who the income is filed
    under, its tax month, and the tax withheld. Serialized per person, so two accounts of one
    person approved at the same moment cannot both use the allowance."""
    identity = payout.distributor.identity
    if identity is None and needs_resident_id(program, payout.currency):
        raise payout_error(
            _(
                "Record the payee's resident ID number (distributorSetIdentity) before "
                "approving: the tax is filed under it."
            ),
            "id_number_required",
        )
    payout.tax_identity = identity
    if identity is not None:
        lock_tax_person(identity.pk)
    payout.tax_month = tax_month_of(now)
    earlier_income = earlier_tax = ZERO
    if program.tax_period is TaxPeriod.MONTHLY:
        earlier_income, earlier_tax = _month_so_far(payout)
    withholding = withholding_for_payout(
        program.tax_policy,
        payout.amount - payout.fee,
        payout.currency,
        flat_rate_percent=program.tax_flat_rate,
        earlier_income_in_period=earlier_income,
        earlier_tax_in_period=max(earlier_tax, ZERO),
    )
    payout.taxable = withholding.taxable
    payout.tax = withholding.tax
    payout.net = withholding.net
    payout.tax_policy = program.tax_policy.value
    payout.tax_period = program.tax_period.value
    payout.tax_flat_rate = program.tax_flat_rate if program.tax_policy is TaxPolicy.FLAT else None


TAX_FIELDS = ("tax_identity", "tax_policy", "tax_period", "tax_flat_rate")


def reassess_month_without(payout: Payout, *, actor: str, why: str) -> Decimal:
    """The payout (holding the distributor's row lock) has just stopped counting: assess the
    rest of its person's month again under the rules its tax was worked out with, and move the
    difference between available and tax now. Returns the correction (also set on the payout,
    for the caller to save): positive when the rest of the month owes more (a marginal payout
    that carried little tax is gone, so the allowance moved), negative when it withheld more
    than it owes, given back."""
    if payout.tax_month is None or payout.tax_period != TaxPeriod.MONTHLY.value:
        return ZERO
    if payout.tax_identity_id is not None:
        lock_tax_person(payout.tax_identity_id)
    income, withheld = _month_so_far(payout)
    due = tax_on_period_income(
        TaxPolicy(payout.tax_policy),
        income,
        payout.currency,
        flat_rate_percent=payout.tax_flat_rate or ZERO,
    )
    correction = quantize(due - withheld, payout.currency)
    if correction:
        post_movement(
            distributor_id=payout.distributor_id,
            currency=payout.currency,
            kind=Kind.TAX,
            legs=[Leg(Bucket.AVAILABLE, -correction), Leg(Bucket.TAX, correction)],
            payout_id=payout.pk,
            actor=actor,
            reason=f"tax month {payout.tax_month:%Y-%m} assessed again after {why}",
        )
    payout.tax_correction = correction
    return correction


def tax_month_filed(month: date | None) -> bool:
    """Whether the month's withholding return was exported (and so, presumably, filed)."""
    return month is not None and TaxExport.objects.filter(month=month).exists()


def refuse_if_tax_month_filed(payout: Payout) -> None:
    if tax_month_filed(payout.tax_month):
        raise payout_error(
            _(
                "The withholding return for %(tax_month)s was exported for filing with this "
                "payout in it; it can no longer be rejected."
            )
            % {"tax_month": format(payout.tax_month, "%Y-%m")},
            "tax_month_exported",
        )
