"""Resident ID numbers and payee accounts are encrypted at rest: the database holds ciphertext,
a keyed hash (to find a person by number) and the masked form; only the bank batch and the
withholding return read the full values. Without a key nothing personal is written."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.core import checks
from django.utils import timezone

from saleor_wfx_plugin import encryption
from saleor_wfx_plugin.models import DistributorEvent, LedgerEntry, Payout, TaxIdentity
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.identity import masked_identity
from saleor_wfx_plugin.services.payouts import (
    PayeeDetails,
    approve_payout,
    create_batch,
    export_withholding_return,
)
from saleor_wfx_plugin.services.payouts.tax import tax_month_of

from .personal_data import database_text
from .test_payouts import ID_NUMBER, PROGRAM, ask, codes, fund

pytestmark = pytest.mark.django_db

CARD_NUMBER = "6222021234567890123"
WALLET = PayeeDetails("alipay", "王小明", "13812345678", "", ID_NUMBER)


@pytest.fixture
def no_keys(settings, monkeypatch):
    settings.WFX_ENCRYPTION_KEYS = None
    monkeypatch.delenv("WFX_ENCRYPTION_KEYS", raising=False)


def test_the_database_holds_neither_the_id_number_nor_the_account(tree):
    c, d = tree[2], tree[3]
    fund(d, "500")
    fund(c, "500")
    ask(d, "300")
    ask(c, "100", payee=WALLET)
    stored = database_text()
    for secret in (ID_NUMBER, CARD_NUMBER, "6222 0212 3456 7890 123", "13812345678"):
        assert secret not in stored
    # Screens still show the masked forms, read without decrypting.
    d.refresh_from_db()
    assert masked_identity(d).id_number_masked == "110***********002X"
    assert sorted(Payout.objects.values_list("payee_account_masked", flat=True)) == [
        "**** 0123",
        "**** 5678",
    ]
    # Two accounts giving one number are still one person: found by the keyed hash.
    assert TaxIdentity.objects.count() == 1
    c.refresh_from_db()
    assert c.identity_id == d.identity_id


def test_the_exports_that_need_full_values_decrypt_them(tree):
    d = tree[3]
    fund(d, "5000")
    approve_payout(ask(d, "3000"), actor="user:900", program=PROGRAM)
    _batch, transfers = create_batch(actor="user:900")
    [row] = csv.DictReader(io.StringIO(transfers))
    assert (row["account"], row["amount"]) == (CARD_NUMBER, "2560.00")
    _record, content = export_withholding_return(
        tax_month_of(timezone.now()), actor="user:900", now=timezone.now() + timedelta(days=32)
    )
    [filed] = csv.DictReader(io.StringIO(content))
    assert (filed["证件号码"], filed["应扣缴税额"]) == (ID_NUMBER, "440.00")


def test_without_a_key_a_payout_request_is_refused_and_nothing_is_written(tree, no_keys):
    d = tree[3]
    fund(d, "500")
    assert codes(ask, d, "300") == ("encryption_not_configured", None)
    assert not Payout.objects.exists() and not TaxIdentity.objects.exists()
    assert balance(d, "CNY").available == Decimal("500.00")
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.RESERVATION).count() == 0
    assert not DistributorEvent.objects.filter(kind="identity_set").exists()


def test_the_error_names_the_setting_and_a_bad_key_by_position_never_the_key(settings, tree):
    good = Fernet.generate_key().decode()
    settings.WFX_ENCRYPTION_KEYS = [good, "not-a-key"]
    fund(tree[3], "500")
    with pytest.raises(encryption.EncryptionNotConfigured) as error:
        ask(tree[3], "300")
    assert "Key 2 of WFX_ENCRYPTION_KEYS" in str(error.value)
    assert good not in str(error.value) and "not-a-key" not in str(error.value)


def test_keys_may_come_from_the_environment(settings, monkeypatch, tree):
    key = Fernet.generate_key().decode()
    settings.WFX_ENCRYPTION_KEYS = None
    monkeypatch.setenv("WFX_ENCRYPTION_KEYS", f"{key}, {Fernet.generate_key().decode()}")
    fund(tree[3], "500")
    payout = ask(tree[3], "300")
    assert Fernet(key).decrypt(payout.payee_account_ciphertext.encode()) == CARD_NUMBER.encode()


def test_a_value_under_a_key_no_longer_configured_is_a_clear_error(settings, tree):
    d = tree[3]
    fund(d, "5000")
    approve_payout(ask(d, "3000"), actor="user:900", program=PROGRAM)
    settings.WFX_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert codes(create_batch, actor="user:900") == ("encryption_key_missing", None)
    # The batch was not made: the payout is still waiting for one.
    assert Payout.objects.get().status == Payout.Status.APPROVED


def test_start_up_warns_when_no_key_is_set(no_keys):
    [warning] = [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.id == "wfx.W001"]
    assert warning.level == checks.WARNING
    assert "WFX_ENCRYPTION_KEYS is not set" in warning.msg


def test_start_up_is_quiet_with_a_key():
    assert not [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.id == "wfx.W001"]
