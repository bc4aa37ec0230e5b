"""Erasing a departed distributor's personal data (PIPL): names, phone numbers, e-mail, the ID
number, payee accounts and document files go from every table and file; the code, the ledger,
the tax figures and the audit trail stay. Refused while anything still needs the person."""

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from saleor_wfx_plugin.auth import Viewer
from saleor_wfx_plugin.domain.masking import ERASED
from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.models import (
    ApplicationDocument,
    Distributor,
    DistributorApplication,
    LedgerEntry,
    Payout,
    TaxIdentity,
)
from saleor_wfx_plugin.sandbox.simulator import SimulatedLine
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.applications import (
    DocumentUpload,
    apply,
    approve_application,
    reject_application,
)
from saleor_wfx_plugin.services.distributors import (
    DistributorError,
    reactivate_distributor,
    suspend_distributor,
)
from saleor_wfx_plugin.services.erasure import erase_personal_data
from saleor_wfx_plugin.services.identity import masked_identity, set_identity
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.services.payouts import (
    PayeeDetails,
    approve_payout,
    create_batch,
    export_withholding_return,
    mark_failed,
    mark_paid,
    request_payout,
    withholding_rows,
)
from saleor_wfx_plugin.services.payouts.tax import tax_month_of
from saleor_wfx_plugin.storage import private_storage

from .helpers import photo
from .personal_data import database_text, stored_files
from .test_payouts import ID_NUMBER, fund

pytestmark = pytest.mark.django_db

STAFF = "user:900"
WANG = Viewer(user_id="50", email="wang@example.com", email_confirmed=True, name="王小明")
PHONE = "13812345678"
CARD_NUMBER = "6222021234567890123"
CARD = PayeeDetails("bank", "王小明", "6222 0212 3456 7890 123", "招商银行", ID_NUMBER)
PNG_BYTES = photo("PNG")
# 30,000.00 of goods: the seller's 10 % is 3,000.00, the upline's 5 % 1,500.00, the next 2 % 600.00.
TEA = SimulatedLine("Tea chest", Decimal("30000.00"), product_id="tea")
FRIDAY = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
WEDNESDAY = datetime(2030, 3, 6, 0, 0, tzinfo=UTC)
PROGRAM = ProgramSettings()
PERSONAL = ("王小明", PHONE, "wang@example.com", ID_NUMBER, CARD_NUMBER, "110***********002X")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path, monkeypatch):
    settings.WFX_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    monkeypatch.setattr(ApplicationDocument._meta.get_field("file"), "storage", private_storage())
    return tmp_path / "private"


def next_month():
    return timezone.now() + timedelta(days=32)


def erase(distributor, reason="The person asked to be forgotten (PIPL art. 47)."):
    return erase_personal_data(distributor, actor=STAFF, reason=reason)


def refusal(distributor):
    with pytest.raises(DistributorError) as error:
        erase(distributor)
    return error.value.code


def ask(distributor, amount, key, payee=CARD):
    return request_payout(
        distributor,
        currency="CNY",
        amount=amount,
        payee=payee,
        idempotency_key=key,
        actor="user:50",
        program=PROGRAM,
    )


@pytest.fixture
def wang(shop, program, tree):
    """王小明 applied with an ID card under CCC333, was approved with his ID number, sold a
    30,000.00 tea chest, was paid his 3,000.00 (440.00 tax withheld, 2,560.00 to his card), the
    month's withholding return was exported, and he left."""
    program(confirm_days_after_fulfilment="0", settlement_days="3")
    application = apply(
        WANG,
        phone=PHONE,
        name="王小明",
        invite_code="CCC333",
        documents=[DocumentUpload("id_card", PNG_BYTES)],
        program=PROGRAM,
    )
    distributor = approve_application(application, actor=STAFF, id_number=ID_NUMBER)
    order = shop.place_order([TEA], referral_code=distributor.code)
    shop.pay(order.order_id)
    shop.fulfil(order.order_id, at=FRIDAY)
    settle_due(now=FRIDAY)
    settle_due(now=WEDNESDAY)
    payout = approve_payout(ask(distributor, "3000.00", "all"), actor=STAFF, program=PROGRAM)
    create_batch(actor=STAFF)
    mark_paid(Payout.objects.get(pk=payout.pk), actor=STAFF, transfer_reference="CMB-0001")
    export_withholding_return(tax_month_of(timezone.now()), actor=STAFF, now=next_month())
    suspend_distributor(
        distributor, actor=STAFF, reason=f"王小明 left; his number {PHONE} no longer answers"
    )
    distributor.refresh_from_db()
    return distributor


def ledger_sums(distributor):
    return dict(
        LedgerEntry.objects.filter(distributor=distributor)
        .values_list("bucket")
        .annotate(total=Sum("amount"))
        .order_by("bucket")
    )


def test_the_personal_data_is_gone_from_every_table_and_file(
    wang, private_root, django_capture_on_commit_callbacks
):
    stored_before = database_text()
    assert all(value in stored_before for value in ("王小明", PHONE, "wang@example.com"))
    assert len(stored_files(private_root / "wfx" / "documents")) == 1

    with django_capture_on_commit_callbacks(execute=True):
        erasure = erase(wang)

    stored = database_text()
    for value in PERSONAL:
        assert value not in stored, value
    assert stored_files(private_root / "wfx" / "documents") == []
    wang.refresh_from_db()
    assert (wang.name, wang.phone, wang.email, wang.user_id) == (ERASED, ERASED, "", None)
    assert (wang.erased_by, wang.erased_at is not None) == (STAFF, True)
    assert wang.status_reason == f"{ERASED} left; his number {ERASED} no longer answers"
    assert wang.events.get(kind="suspended").reason == wang.status_reason
    application = DistributorApplication.objects.get(distributor=wang)
    assert (application.name, application.phone, application.email) == (ERASED, ERASED, "")
    document = application.documents.get()
    assert (document.file.name, document.file_deletion_reason, document.sha256) == (
        "",
        "erasure",
        "",
    )
    assert document.file_deleted_at is not None
    payout = Payout.objects.get(distributor=wang)
    assert (payout.payee_name, payout.payee_bank, payout.payee_account_masked) == (
        ERASED,
        ERASED,
        ERASED,
    )
    identity = TaxIdentity.objects.get()
    assert (identity.legal_name, identity.id_number_masked, identity.id_number_ciphertext) == (
        ERASED,
        ERASED,
        "",
    )
    # The audit trail stays, with the erasure recorded in counts only.
    kinds = list(wang.events.order_by("id").values_list("kind", flat=True))
    assert kinds == ["approved", "identity_set", "suspended", "erased"]
    assert erasure.event.kind == "erased" and erasure.event.actor == STAFF
    assert erasure.event.data == {
        "applications": 1,
        "documents": 1,
        "payouts": 1,
        "identities_erased": 1,
        "identity_kept": False,
    }
    identity_set = wang.events.get(kind="identity_set")
    assert (identity_set.data["legal_name"], identity_set.data["id_number"]) == (ERASED, ERASED)


def test_the_ledger_and_the_tax_figures_are_unchanged(wang, django_capture_on_commit_callbacks):
    month = tax_month_of(timezone.now())
    sums_before = ledger_sums(wang)
    entries_before = LedgerEntry.objects.count()
    [row_before] = withholding_rows(month)

    with django_capture_on_commit_callbacks(execute=True):
        erase(wang)

    assert ledger_sums(wang) == sums_before
    assert LedgerEntry.objects.count() == entries_before
    money = balance(wang, "CNY")
    assert (money.paid, money.tax, money.available, money.on_hold) == (
        Decimal("2560.00"),
        Decimal("440.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    earned = LedgerEntry.objects.commission().filter(distributor=wang).aggregate(Sum("amount"))
    assert earned["amount__sum"] == Decimal("3000.00")
    [row] = withholding_rows(month)
    assert (row.income, row.taxable, row.tax_due, row.tax_withheld, row.payouts) == (
        Decimal("3000.00"),
        Decimal("2200.00"),
        Decimal("440.00"),
        Decimal("440.00"),
        1,
    )
    assert (row_before.legal_name, row_before.id_number) == ("王小明", ID_NUMBER)
    assert (row.legal_name, row.id_number, row.distributor_codes) == (
        ERASED,
        "",
        (wang.code,),
    )
    payout = Payout.objects.get(distributor=wang)
    assert (payout.amount, payout.tax, payout.net, payout.transfer_reference) == (
        Decimal("3000.00"),
        Decimal("440.00"),
        Decimal("2560.00"),
        "CMB-0001",
    )
    # The bank batch downloaded again shows the payout, its amount and no account.
    [line] = csv.DictReader(io.StringIO(create_batch_csv(payout)))
    assert (line["payee_name"], line["account"], line["amount"]) == (ERASED, "", "2560.00")


def create_batch_csv(payout):
    from saleor_wfx_plugin.services.payouts import batch_csv

    return batch_csv(payout.batch)


def test_erasing_again_changes_nothing_and_records_nothing(wang):
    first = erase(wang)
    again = erase(wang)
    assert again.event.pk == first.event.pk
    assert wang.events.filter(kind="erased").count() == 1


def test_an_erased_distributor_cannot_be_reactivated_or_given_an_identity(wang):
    erase(wang)
    with pytest.raises(DistributorError) as error:
        reactivate_distributor(wang, actor=STAFF)
    assert error.value.code == "erased"
    with pytest.raises(DistributorError) as error:
        set_identity(wang, legal_name="王小明", id_number=ID_NUMBER, actor=STAFF, reason="back")
    assert error.value.code == "erased"
    assert Distributor.objects.get(pk=wang.pk).status == "suspended"


def test_the_customer_account_may_apply_again_as_someone_new(wang):
    erase(wang)
    application = apply(WANG, phone=PHONE, name="王小明", program=PROGRAM)
    assert application.status == DistributorApplication.Status.PENDING


def test_an_active_distributor_is_refused_with_nothing_changed(tree):
    d = tree[3]
    assert refusal(d) == "invalid_status"
    d.refresh_from_db()
    assert (d.email, d.erased_at) == ("d@example.com", None)
    assert not d.events.filter(kind="erased").exists()


def test_money_still_owed_either_way_is_refused(tree):
    d = tree[3]
    fund(d, "25.00")
    suspend_distributor(d, actor=STAFF, reason="left")
    with pytest.raises(DistributorError) as error:
        erase(d)
    assert error.value.code == "balance_not_settled"
    assert "25.00 CNY available" in str(error.value)
    fund(d, "-40.00")  # a clawback: now he owes the shop 15.00
    with pytest.raises(DistributorError) as error:
        erase(d)
    assert "-15.00 CNY available" in str(error.value)
    fund(d, "15.00")  # written off
    erase(d)
    assert Distributor.objects.get(pk=d.pk).erased_at is not None


def test_commission_still_pending_or_on_hold_is_refused(shop, program, tree):
    program(confirm_days_after_fulfilment="0", settlement_days="3")
    d = tree[3]
    order = shop.place_order([TEA], referral_code="DDD444")
    shop.pay(order.order_id)
    suspend_distributor(d, actor=STAFF, reason="left")
    assert refusal(d) == "balance_not_settled"
    shop.fulfil(order.order_id, at=FRIDAY)
    settle_due(now=FRIDAY)
    with pytest.raises(DistributorError) as error:
        erase(d)
    assert "3000.00 CNY on hold" in str(error.value)


def test_an_unfinished_payout_is_refused(tree):
    d = tree[3]
    fund(d, "100")
    ask(d, "100", "open")
    suspend_distributor(d, actor=STAFF, reason="left")
    assert refusal(d) == "open_payouts"
    assert Payout.objects.get().payee_account_masked == "**** 0123"


def test_a_tax_month_not_exported_is_refused_until_its_return_is(tree):
    d = tree[3]
    fund(d, "1000")
    payout = approve_payout(ask(d, "1000", "p"), actor=STAFF, program=PROGRAM)
    create_batch(actor=STAFF)
    mark_paid(Payout.objects.get(pk=payout.pk), actor=STAFF, transfer_reference="R1")
    suspend_distributor(d, actor=STAFF, reason="left")
    assert refusal(d) == "tax_month_not_filed"
    export_withholding_return(tax_month_of(timezone.now()), actor=STAFF, now=next_month())
    erase(d)


def test_a_transfer_failing_after_the_export_needs_the_corrected_return_first(tree):
    d = tree[3]
    fund(d, "1500")
    paid = approve_payout(ask(d, "1000", "paid"), actor=STAFF, program=PROGRAM)
    bounced = approve_payout(ask(d, "500", "bounced"), actor=STAFF, program=PROGRAM)
    create_batch(actor=STAFF)
    mark_paid(Payout.objects.get(pk=paid.pk), actor=STAFF, transfer_reference="R1")
    month = tax_month_of(timezone.now())
    export_withholding_return(month, actor=STAFF, now=next_month())
    mark_failed(Payout.objects.get(pk=bounced.pk), actor=STAFF, reason="card closed")
    fund(d, "-500")  # the returned 500.00, taken back (he has left)
    suspend_distributor(d, actor=STAFF, reason="left")
    assert refusal(d) == "tax_month_not_filed"
    export_withholding_return(month, actor=STAFF, now=next_month() + timedelta(minutes=1))
    erase(d)


def test_a_pending_application_of_the_person_is_refused(tree, private_root):
    d = tree[3]
    suspend_distributor(d, actor=STAFF, reason="left")
    # An application made before staff linked the account (user 4) is still open.
    DistributorApplication.objects.create(user_id="4", phone=PHONE, name="Dee")
    assert refusal(d) == "application_pending"
    reject_application(DistributorApplication.objects.get(), actor=STAFF, reason="duplicate")
    erase(d)
    assert DistributorApplication.objects.get().name == ERASED


def test_an_identity_another_account_still_uses_is_kept(tree):
    c, d = tree[2], tree[3]
    set_identity(c, legal_name="王小明", id_number=ID_NUMBER, actor=STAFF)
    set_identity(d, legal_name="王小明", id_number=ID_NUMBER, actor=STAFF)
    suspend_distributor(d, actor=STAFF, reason="closed his second account")
    erasure = erase(d)
    assert erasure.event.data["identity_kept"] is True
    c.refresh_from_db()
    assert masked_identity(c).legal_name == "王小明"
    assert masked_identity(c).id_number_masked == "110***********002X"
    # The events of the account that stays still show its own (masked) identity.
    assert c.events.get(kind="identity_set").data["legal_name"] == "王小明"
