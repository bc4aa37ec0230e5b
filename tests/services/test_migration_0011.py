"""Migration 0011 on a shop with payouts already made: the ID numbers typed into payouts become
people on the distributors' profiles, and taxed payouts stay filed under their own number."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("wfx", "0006_money_ledger_append_only")]
AFTER = [("wfx", "0011_tax_identity_batches")]
NUMBER = "11010519491231002X"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_typed_id_numbers_move_onto_the_profiles():
    apps = migrate(BEFORE)
    try:
        Distributor = apps.get_model("wfx", "Distributor")
        Payout = apps.get_model("wfx", "Payout")
        d = Distributor.objects.create(code="DDD444", status="active")
        c = Distributor.objects.create(code="CCC333", status="active")
        b = Distributor.objects.create(code="BBB222", status="active")

        def payout(distributor, key, number, **fields):
            return Payout.objects.create(
                distributor=distributor,
                currency="CNY",
                amount=100,
                method="alipay",
                payee_name="王小明",
                payee_account="13812345678",
                payee_id_number=number,
                idempotency_key=key,
                requested_by="user:4",
                **fields,
            )

        paid = payout(
            d, "a", NUMBER.lower(), status="paid", tax_month=date(2026, 11, 1),
            transfer_reference="R1", tax=0, net=100,
        )  # fmt: skip
        waiting = payout(d, "b", NUMBER)
        other_account = payout(c, "c", NUMBER, status="approved", tax_month=date(2026, 11, 1))
        payout(b, "d", "110105194912310021")  # fails the checksum: nothing to move

        apps = migrate(AFTER)
        Distributor = apps.get_model("wfx", "Distributor")
        Payout = apps.get_model("wfx", "Payout")
        TaxIdentity = apps.get_model("wfx", "TaxIdentity")
        [person] = TaxIdentity.objects.all()
        assert (person.id_number, person.legal_name) == (NUMBER, "王小明")
        profiles = dict(Distributor.objects.values_list("code", "identity_id"))
        assert profiles == {"DDD444": person.pk, "CCC333": person.pk, "BBB222": None}
        filed = dict(Payout.objects.values_list("pk", "tax_identity_id"))
        # Taxed payouts are filed under their number; the open one is taxed at its approval.
        assert (filed[paid.pk], filed[other_account.pk], filed[waiting.pk]) == (
            person.pk,
            person.pk,
            None,
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("wfx"))
