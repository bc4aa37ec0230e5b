"""The monthly withholding return (扣缴申报): one row per person with the full ID number, every
download recorded, only for a month that is over; the masked summary stays masked."""

import csv
import hashlib
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_wfx_plugin.models import TaxExport
from saleor_wfx_plugin.services.payouts import (
    PayeeDetails,
    create_batch,
    export_withholding_return,
    mark_failed,
    reject_payout,
    tax_records,
    tax_records_csv,
)
from saleor_wfx_plugin.services.payouts.tax import tax_month_of

from .test_payouts import ID_NUMBER, codes, fund
from .test_tax_by_person import OTHER_ID, approve, ask

pytestmark = pytest.mark.django_db

SAME_PERSON = PayeeDetails("alipay", "王小明", "13812345678", "", ID_NUMBER)
SOMEONE_ELSE = PayeeDetails("alipay", "李四", "13912345678", "", OTHER_ID)


def next_month():
    return timezone.now() + timedelta(days=32)


def read(content):
    return list(csv.DictReader(io.StringIO(content)))


@pytest.fixture
def month_of_payouts(tree):
    """王小明 is paid through two accounts (D and C), 李四 through B, below the allowance; one
    more of D's payouts is rejected and one of C's failed at the bank."""
    _a, b, c, d = tree
    for distributor in (b, c, d):
        fund(distributor, "5000")
    approve(ask(d, "3000", key="d1"))
    approve(ask(c, "3000", key="c1", payee=SAME_PERSON))
    approve(ask(b, "500", key="b1", payee=SOMEONE_ELSE))
    reject_payout(approve(ask(d, "100", key="d2")), actor="user:900", reason="duplicate")
    bounced = approve(ask(c, "200", key="c2", payee=SAME_PERSON))
    create_batch(actor="user:900", method="alipay")
    bounced.refresh_from_db()
    mark_failed(bounced, actor="user:900", reason="account closed")
    return tax_month_of(timezone.now())


def test_the_return_has_one_row_per_person_with_the_full_id_number(month_of_payouts):
    record, content = export_withholding_return(
        month_of_payouts, actor="user:900", now=next_month()
    )
    month = f"{month_of_payouts:%Y-%m}"
    assert read(content) == [
        {
            "所属月份": month,
            "姓名": "李四",
            "证件类型": "居民身份证",
            "证件号码": OTHER_ID,
            "所得项目": "劳务报酬",
            "收入额": "500.00",
            "减除费用": "500.00",  # 800, but never more than the income
            "应纳税所得额": "0.00",
            "应扣缴税额": "0.00",
            "已扣缴税额": "0.00",
            "支付笔数": "1",
            "分销商编号": "BBB222",
        },
        {
            "所属月份": month,
            "姓名": "王小明",
            "证件类型": "居民身份证",
            "证件号码": ID_NUMBER,
            "所得项目": "劳务报酬",
            # Two accounts, one income: 6,000 > 4,000, 20 % deducted, 4,800 × 20 % = 960.00.
            # The rejected and the failed payouts are not income.
            "收入额": "6000.00",
            "减除费用": "1200.00",
            "应纳税所得额": "4800.00",
            "应扣缴税额": "960.00",
            "已扣缴税额": "960.00",
            "支付笔数": "2",
            "分销商编号": "CCC333 DDD444",
        },
    ]
    assert (record.exported_by, record.rows, record.income, record.tax_withheld) == (
        "user:900",
        2,
        Decimal("6500.00"),
        Decimal("960.00"),
    )
    assert record.content_sha256 == hashlib.sha256(content.encode()).hexdigest()
    # Every download is on record.
    export_withholding_return(month_of_payouts, actor="user:901", now=next_month())
    assert list(TaxExport.objects.values_list("exported_by", flat=True)) == ["user:901", "user:900"]


def test_a_month_that_is_not_over_cannot_be_exported(month_of_payouts):
    assert codes(export_withholding_return, month_of_payouts, actor="user:900") == (
        "month_not_over",
        "month",
    )
    assert TaxExport.objects.count() == 0


def test_the_summary_per_account_stays_masked_and_counts_exported_payouts(month_of_payouts):
    records = {record.distributor_code: record for record in tax_records(month_of_payouts)}
    assert sorted(records) == ["BBB222", "CCC333", "DDD444"]
    # C's 3,000 is exported to the bank (alipay batch) and still counts.
    assert (records["CCC333"].gross, records["CCC333"].withheld) == (
        Decimal("3000.00"),
        Decimal("520.00"),
    )
    assert records["CCC333"].id_number_masked == "110***********002X"
    content = tax_records_csv(month_of_payouts)
    assert ID_NUMBER not in content and OTHER_ID not in content
