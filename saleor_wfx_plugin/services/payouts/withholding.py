"""The monthly withholding return (扣缴申报) for labour remuneration, per person.

One row per person (all their distributor accounts together) with their full ID number, for the
merchant to file as withholding agent: every person paid in the month, taxed or not, because
the return covers everyone paid (全员全额). The tax month is the month of final approval;
payouts count from then until rejected or failed. Renminbi only: the return is in yuan.

`应扣缴税额` is the labour-remuneration tax on the month's income (`domain/tax.py`), what the tax
office computes from the filed income; `已扣缴税额` is what the payouts withheld. Under the
`labour_remuneration` policy they are equal; a difference means the settings changed in the
month (or another policy is in use).

Every download is a `TaxExport` (who, when, rows, totals and the file's hash), and a month with
one counts as filed: its payouts can no longer be rejected.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...domain.money import quantize
from ...domain.tax import LABOUR_REMUNERATION_CURRENCY, labour_remuneration_tax
from ...models import Payout, TaxExport
from ..duties import require_staff_user
from ..identity import filing_identities
from .common import ZERO, payout_error
from .csv_files import write_csv
from .tax import COUNTING_STATUSES, tax_month_of

CURRENCY = LABOUR_REMUNERATION_CURRENCY
INCOME_TYPE = "劳务报酬"
WITHHOLDING_COLUMNS = (
    "所属月份",  # tax month
    "姓名",  # legal name
    "证件类型",  # ID type
    "证件号码",  # ID number, in full
    "所得项目",  # income type: labour remuneration
    "收入额",  # income: payouts less early-withdrawal fees
    "减除费用",  # deductible: 800, or 20 % above 4,000
    "应纳税所得额",  # taxable income
    "应扣缴税额",  # tax on the month's income
    "已扣缴税额",  # tax the payouts withheld
    "支付笔数",  # payouts
    "分销商编号",  # the person's distributor codes
)


@dataclass(frozen=True)
class WithholdingRow:
    month: date
    legal_name: str
    id_type: str
    id_number: str
    income: Decimal
    deductible: Decimal
    taxable: Decimal
    tax_due: Decimal
    tax_withheld: Decimal
    payouts: int
    distributor_codes: tuple[str, ...]


def withholding_rows(month: date) -> list[WithholdingRow]:
    month = month.replace(day=1)
    payouts = (
        Payout.objects.filter(tax_month=month, currency=CURRENCY)
        .filter(Q(status__in=COUNTING_STATUSES) | ~Q(tax_correction=0))
        .select_related("distributor")
        .order_by("pk")
    )
    income: dict[object, Decimal] = defaultdict(Decimal)
    withheld: dict[object, Decimal] = defaultdict(Decimal)
    count: dict[object, int] = defaultdict(int)
    codes: dict[object, set[str]] = defaultdict(set)
    names: dict[object, str] = {}
    for payout in payouts:
        # A person, or an account paid without an identity (no ID number on file).
        person = payout.tax_identity_id or f"distributor:{payout.distributor_id}"
        withheld[person] += payout.tax_correction
        if payout.status in COUNTING_STATUSES:
            income[person] += payout.amount - payout.fee
            withheld[person] += payout.tax or ZERO
            count[person] += 1
            codes[person].add(payout.distributor.code)
            names.setdefault(person, payout.payee_name)
    identities = filing_identities({p for p in income if isinstance(p, int)})
    rows = []
    for person in income:
        if not count[person]:
            continue
        identity = identities.get(person) if isinstance(person, int) else None
        assessment = labour_remuneration_tax(income[person])
        rows.append(
            WithholdingRow(
                month=month,
                legal_name=identity.legal_name if identity else names[person],
                id_type=identity.id_type_label if identity else "",
                id_number=identity.id_number if identity else "",
                income=quantize(income[person], CURRENCY),
                deductible=quantize(income[person] - assessment.taxable, CURRENCY),
                taxable=assessment.taxable,
                tax_due=assessment.tax,
                tax_withheld=quantize(withheld[person], CURRENCY),
                payouts=count[person],
                distributor_codes=tuple(sorted(codes[person])),
            )
        )
    return sorted(rows, key=lambda row: (row.id_number == "", row.id_number, row.distributor_codes))


def withholding_return_csv(rows: list[WithholdingRow]) -> str:
    return write_csv(
        WITHHOLDING_COLUMNS,
        (
            [
                f"{row.month:%Y-%m}",
                row.legal_name,
                row.id_type,
                row.id_number,
                INCOME_TYPE,
                row.income,
                row.deductible,
                row.taxable,
                row.tax_due,
                row.tax_withheld,
                row.payouts,
                " ".join(row.distributor_codes),
            ]
            for row in rows
        ),
    )


@transaction.atomic
def export_withholding_return(
    month: date, *, actor: str, now: datetime | None = None
) -> tuple[TaxExport, str]:
    """The month's return as CSV, recorded as a download by `actor`. Only a month that is over
    (`now` is for tests): approvals still add income to the current one."""
    require_staff_user(actor, gettext_lazy("Exporting the withholding return"))
    month = month.replace(day=1)
    this_month = tax_month_of(now or timezone.now())
    if month >= this_month:
        raise payout_error(
            _(
                "%(month)s is not over yet: payouts approved in it until its last day are part "
                "of its return. Export it from the 1st of the next month."
            )
            % {"month": format(month, "%Y-%m")},
            "month_not_over",
            "month",
        )
    rows = withholding_rows(month)
    content = withholding_return_csv(rows)
    export = TaxExport.objects.create(
        month=month,
        exported_by=actor[:128],
        rows=len(rows),
        income=sum((row.income for row in rows), ZERO),
        tax_withheld=sum((row.tax_withheld for row in rows), ZERO),
        content_sha256=hashlib.sha256(content.encode()).hexdigest(),
    )
    return export, content
