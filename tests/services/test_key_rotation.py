"""Rotating the encryption key: add a new key first (everything still reads, people are still
found by number), run wfx_rotate_keys, check, drop the old key; the exports still give the full
values."""

import csv
import io
from datetime import timedelta
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from saleor_wfx_plugin.models import Payout, TaxIdentity
from saleor_wfx_plugin.services.payouts import (
    PayeeDetails,
    approve_payout,
    create_batch,
    export_withholding_return,
)
from saleor_wfx_plugin.services.payouts.tax import tax_month_of

from .test_payouts import ID_NUMBER, PROGRAM, ask, fund

pytestmark = pytest.mark.django_db

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()
WALLET = PayeeDetails("alipay", "王小明", "13812345678", "", ID_NUMBER)


def rotate(*args):
    out = StringIO()
    call_command("wfx_rotate_keys", *args, stdout=out)
    return out.getvalue()


def test_a_new_key_first_then_rotation_then_the_old_key_can_go(settings, tree):
    c, d = tree[2], tree[3]
    settings.WFX_ENCRYPTION_KEYS = [OLD]
    fund(d, "5000")
    fund(c, "5000")
    approve_payout(ask(d, "3000", key="d1"), actor="user:900", program=PROGRAM)

    settings.WFX_ENCRYPTION_KEYS = [NEW, OLD]
    with pytest.raises(CommandError, match="1 ID numbers and 1 payee accounts are not under"):
        rotate("--check")
    # Meanwhile the shop runs: the same person asking through another account is found by the
    # hash under the old key, and the new request is written under the new key.
    ask(c, "100", key="c1", payee=WALLET)
    assert TaxIdentity.objects.count() == 1
    assert Fernet(NEW).decrypt(
        Payout.objects.get(idempotency_key="c1").payee_account_ciphertext.encode()
    )

    assert "Re-encrypted 1 ID numbers and 1 payee accounts" in rotate()
    assert "Re-encrypted 0 ID numbers and 0 payee accounts" in rotate()
    assert "Everything is under the first key" in rotate("--check")

    settings.WFX_ENCRYPTION_KEYS = [NEW]
    identity = TaxIdentity.objects.get()
    assert Fernet(NEW).decrypt(identity.id_number_ciphertext.encode()).decode() == ID_NUMBER
    _batch, transfers = create_batch(actor="user:900")
    [row] = csv.DictReader(io.StringIO(transfers))
    assert (row["account"], row["amount"]) == ("6222021234567890123", "2560.00")
    _record, filed = export_withholding_return(
        tax_month_of(timezone.now()), actor="user:900", now=timezone.now() + timedelta(days=32)
    )
    [person] = csv.DictReader(io.StringIO(filed))
    assert (person["证件号码"], person["收入额"]) == (ID_NUMBER, "3000.00")
    # And a person is still found by number under the new key alone.
    ask(c, "100", key="c2", payee=WALLET)
    assert TaxIdentity.objects.count() == 1


def test_dropping_the_old_key_too_early_is_caught_by_the_check(settings, tree):
    settings.WFX_ENCRYPTION_KEYS = [OLD]
    fund(tree[3], "500")
    ask(tree[3], "300")
    settings.WFX_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(CommandError, match="encrypted with a key that is no longer in"):
        rotate("--check")
