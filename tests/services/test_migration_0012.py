"""Migration 0012 on a shop with ID numbers and payee accounts already stored in plain text: they
are encrypted under the configured key (and the numbers hashed for lookups), and going back
decrypts them. A shop with such data and no key is stopped, with nothing changed."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from saleor_wfx_plugin import encryption
from saleor_wfx_plugin.encryption import EncryptionNotConfigured

from .personal_data import database_text

BEFORE = [("wfx", "0011_tax_identity_batches")]
AFTER = [("wfx", "0012_personal_data")]
NUMBER = "11010519491231002X"
CARD = "6222021234567890123"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def leaf():
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("wfx"))


def seed(apps):
    TaxIdentity = apps.get_model("wfx", "TaxIdentity")
    Distributor = apps.get_model("wfx", "Distributor")
    Payout = apps.get_model("wfx", "Payout")
    person = TaxIdentity.objects.create(id_number=NUMBER, legal_name="王小明")
    d = Distributor.objects.create(code="DDD444", status="active", identity=person)
    for key, account in (("a", CARD), ("b", "alice@example.com")):
        Payout.objects.create(
            distributor=d,
            currency="CNY",
            amount=100,
            method="bank" if key == "a" else "alipay",
            payee_name="王小明",
            payee_account=account,
            idempotency_key=key,
            requested_by="user:4",
        )


@pytest.mark.django_db(transaction=True)
def test_stored_numbers_and_accounts_are_encrypted_and_come_back_on_reverse(settings):
    key = Fernet.generate_key().decode()
    settings.WFX_ENCRYPTION_KEYS = [key]
    try:
        seed(migrate(BEFORE))
        apps = migrate(AFTER)
        [person] = apps.get_model("wfx", "TaxIdentity").objects.all()
        assert Fernet(key).decrypt(person.id_number_ciphertext.encode()).decode() == NUMBER
        assert person.id_number_hash == encryption.lookup_hash(
            NUMBER, purpose=encryption.RESIDENT_ID
        )
        assert person.id_number_masked == "110***********002X"
        payouts = apps.get_model("wfx", "Payout").objects.order_by("idempotency_key")
        assert [encryption.decrypt(p.payee_account_ciphertext) for p in payouts] == [
            CARD,
            "alice@example.com",
        ]
        assert [p.payee_account_masked for p in payouts] == ["**** 0123", "a***@example.com"]
        stored = database_text()
        assert NUMBER not in stored and CARD not in stored and "alice@example.com" not in stored

        apps = migrate(BEFORE)
        [person] = apps.get_model("wfx", "TaxIdentity").objects.all()
        assert person.id_number == NUMBER
        accounts = apps.get_model("wfx", "Payout").objects.order_by("idempotency_key")
        assert [p.payee_account for p in accounts] == [CARD, "alice@example.com"]
    finally:
        leaf()


@pytest.mark.django_db(transaction=True)
def test_a_shop_with_personal_data_and_no_key_is_stopped_with_nothing_changed(
    settings, monkeypatch
):
    try:
        seed(migrate(BEFORE))
        settings.WFX_ENCRYPTION_KEYS = None
        monkeypatch.delenv("WFX_ENCRYPTION_KEYS", raising=False)
        with pytest.raises(EncryptionNotConfigured, match="WFX_ENCRYPTION_KEYS is not set"):
            migrate(AFTER)
        applied = set(MigrationRecorder(connection).applied_migrations())
        assert ("wfx", "0012_personal_data") not in applied
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number FROM wfx_taxidentity")
            assert cursor.fetchall() == [(NUMBER,)]
    finally:
        settings.WFX_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
        leaf()
