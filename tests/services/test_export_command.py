import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.services.payouts import PayeeDetails, approve_payout, request_payout
from tests.services.helpers import staff_adjusts_balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(tree):
    d = tree[3]
    staff_adjusts_balance(distributor_id=d.pk, currency="CNY", amount=Decimal(5000), reason="funds")
    payout = request_payout(
        d,
        currency="CNY",
        amount="4000",
        payee=PayeeDetails("wechat", "王小明", "wxid_alice1", "", "11010519491231002X"),
        idempotency_key="k",
        actor="user:4",
        program=ProgramSettings(),
    )
    return approve_payout(payout, actor="user:900", program=ProgramSettings())


def test_transfers_file_for_wechat_batch_payment(approved, tmp_path):
    target = tmp_path / "wechat.csv"
    call_command("wfx_export_payouts", "transfers", "--method", "wechat", "-o", str(target))
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    # 4,000 ≤ 4,000: taxable 3,200, withheld 640.00.
    assert [(r["account"], r["amount"]) for r in rows] == [("wxid_alice1", "3360.00")]
    assert target.stat().st_mode & 0o777 == 0o600


def test_tax_file_for_the_month(approved):
    out = io.StringIO()
    month = timezone.localdate().strftime("%Y-%m")
    call_command("wfx_export_payouts", "tax", "--month", month, stdout=out)
    [row] = csv.DictReader(io.StringIO(out.getvalue()))
    assert (row["gross"], row["taxable"], row["withheld"], row["id_number_masked"]) == (
        "4000.00",
        "3200.00",
        "640.00",
        "110***********002X",
    )
    with pytest.raises(CommandError):
        call_command("wfx_export_payouts", "tax")


def test_transfers_make_a_batch_once_and_download_it_again(approved, tmp_path):
    from saleor_wfx_plugin.models import PayoutBatch

    target = tmp_path / "batch.csv"
    call_command("wfx_export_payouts", "transfers", "-o", str(target))
    first = target.read_bytes().decode("utf-8-sig")
    batch = PayoutBatch.objects.get()
    assert batch.created_by.startswith("cli:")
    approved.refresh_from_db()
    assert (approved.status, approved.batch_id) == ("exported", batch.pk)
    # Nothing new approved: no second batch, and the operator is told so.
    with pytest.raises(CommandError, match="No approved payouts"):
        call_command("wfx_export_payouts", "transfers")
    again = io.StringIO()
    call_command("wfx_export_payouts", "transfers", "--batch", str(batch.pk), stdout=again)
    assert again.getvalue() == first
    with pytest.raises(CommandError, match="no batch 999"):
        call_command("wfx_export_payouts", "transfers", "--batch", "999")


def test_withholding_return_of_a_finished_month_with_full_id_numbers(approved, tmp_path):
    from saleor_wfx_plugin.models import Payout, TaxExport

    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    # As if approved last month: the command files only months that are over.
    Payout.objects.filter(pk=approved.pk).update(tax_month=last_month)
    target = tmp_path / "return.csv"
    call_command(
        "wfx_export_payouts", "withholding", "--month", f"{last_month:%Y-%m}", "-o", str(target)
    )
    [row] = csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig")))
    assert (row["证件号码"], row["收入额"], row["应扣缴税额"]) == (
        "11010519491231002X",
        "4000.00",
        "640.00",
    )
    assert target.stat().st_mode & 0o777 == 0o600
    assert TaxExport.objects.get().exported_by.startswith("cli:")
    with pytest.raises(CommandError, match="not over"):
        call_command(
            "wfx_export_payouts", "withholding", "--month", timezone.localdate().strftime("%Y-%m")
        )
