"""Customers applying to join, with documents, and staff approving or rejecting them."""

import hashlib
import threading
from pathlib import Path

import pytest
from django.db import connection

from saleor_wfx_plugin.auth import Viewer
from saleor_wfx_plugin.domain.attribution import DistributorStatus, is_well_formed_code
from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.models import (
    ApplicationDocument,
    Distributor,
    DistributorApplication,
    DistributorEvent,
    Grade,
)
from saleor_wfx_plugin.services import applications
from saleor_wfx_plugin.services.applications import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENTS,
    DocumentUpload,
    apply,
    approve_application,
    reject_application,
)
from saleor_wfx_plugin.services.distributors import (
    DistributorError,
    create_distributor,
    suspend_distributor,
)
from saleor_wfx_plugin.storage import private_storage

from .helpers import photo

pytestmark = pytest.mark.django_db

STAFF = "user:900"
AMY = Viewer(user_id="100", email="amy@example.com", email_confirmed=True, name="Amy Wang")
OPEN = ProgramSettings()
DOCUMENTS_REQUIRED = ProgramSettings(require_documents=True)
AUTO_APPROVE = ProgramSettings(auto_approve_applications=True)

PNG_BYTES = photo("PNG")
JPEG_BYTES = photo("JPEG")
WEBP_BYTES = photo("WEBP")
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(200)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path, monkeypatch):
    """Documents go to a private directory of this test, apart from the public MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.WFX_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    # Django resolves a FileField's storage callable once, when models load; follow the setting.
    monkeypatch.setattr(ApplicationDocument._meta.get_field("file"), "storage", private_storage())
    return tmp_path / "private"


@pytest.fixture
def grades(db):
    Grade.objects.all().delete()
    return (
        Grade.objects.create(slug="ordinary", name="Ordinary", rank=0),
        Grade.objects.create(slug="gold", name="Gold", rank=1),
    )


@pytest.fixture
def recruiter(db):
    return create_distributor(code="REC001", email="rec@example.com", user_id="1")


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def error_of(call) -> tuple[str, str | None]:
    with pytest.raises(DistributorError) as error:
        call()
    return error.value.code, error.value.field


# Applying -------------------------------------------------------------------------------------


def test_a_customer_applies_with_an_invitation_code_and_waits_for_review(recruiter):
    application = apply(AMY, phone="138 1234 5678", invite_code=" rec001 ", program=OPEN)

    application.refresh_from_db()
    assert application.status == DistributorApplication.Status.PENDING
    assert application.user_id == "100"
    assert application.email == "amy@example.com"
    assert application.name == "Amy Wang"
    assert application.phone == "+8613812345678"
    assert application.recruiter == recruiter
    assert application.invite_code == "REC001"
    assert not Distributor.objects.filter(user_id="100").exists()


def test_a_name_typed_in_the_form_wins_over_the_account_name():
    application = apply(AMY, phone="13812345678", name="  王艾米 ", program=OPEN)
    assert application.name == "王艾米"


def test_without_an_invitation_code_the_application_has_no_recruiter():
    application = apply(AMY, phone="13812345678", invite_code="  ", program=OPEN)
    assert application.recruiter is None
    assert application.invite_code == ""


@pytest.mark.parametrize(
    "viewer",
    [Viewer(), Viewer(app_id="3", permissions=frozenset({"MANAGE_USERS"}))],
    ids=["anonymous", "app"],
)
def test_only_a_signed_in_person_can_apply(viewer):
    assert error_of(lambda: apply(viewer, phone="13812345678", program=OPEN)) == (
        "not_authenticated",
        None,
    )
    assert not DistributorApplication.objects.exists()


def test_a_distributor_cannot_apply_again():
    create_distributor(user_id="100", email="amy@example.com")
    assert error_of(lambda: apply(AMY, phone="13812345678", program=OPEN)) == (
        "already_distributor",
        None,
    )


def test_a_customer_staff_already_created_a_distributor_for_is_linked_instead_of_applying():
    staff_made = create_distributor(email="AMY@example.com")
    assert error_of(lambda: apply(AMY, phone="13812345678", program=OPEN))[0] == (
        "already_distributor"
    )
    staff_made.refresh_from_db()
    assert staff_made.user_id == "100"
    assert not DistributorApplication.objects.exists()


def test_a_second_application_while_one_is_pending_is_refused():
    apply(AMY, phone="13812345678", program=OPEN)
    assert error_of(lambda: apply(AMY, phone="13912345678", program=OPEN)) == (
        "application_pending",
        None,
    )
    assert DistributorApplication.objects.count() == 1


def test_a_second_application_racing_past_the_check_is_stopped_by_the_database(
    monkeypatch, private_root
):
    apply(AMY, phone="13812345678", program=OPEN)
    # As if the other request's application was committed just after this one looked.
    monkeypatch.setattr(applications, "_has_pending_application", lambda user_id: False)
    upload = DocumentUpload("id_card", PNG_BYTES)

    code, _field = error_of(
        lambda: apply(AMY, phone="13812345678", documents=[upload], program=OPEN)
    )

    assert code == "application_pending"
    assert DistributorApplication.objects.count() == 1
    assert stored_files(private_root) == []


@pytest.mark.parametrize("phone", ["", "12345", "+86 128 1234 5678", "call me"])
def test_a_phone_number_nobody_can_call_is_refused(phone):
    assert error_of(lambda: apply(AMY, phone=phone, program=OPEN)) == ("invalid_phone", "phone")
    assert not DistributorApplication.objects.exists()


def test_a_name_longer_than_the_record_holds_is_refused():
    assert error_of(lambda: apply(AMY, phone="13812345678", name="x" * 129, program=OPEN)) == (
        "name_too_long",
        "name",
    )


def test_an_unknown_invitation_code_is_refused():
    refused = error_of(lambda: apply(AMY, phone="13812345678", invite_code="NOPE99", program=OPEN))
    assert refused == ("invalid_invite_code", "inviteCode")


def test_a_suspended_distributor_cannot_recruit(recruiter):
    suspend_distributor(recruiter, actor=STAFF, reason="fake reviews")
    refused = error_of(lambda: apply(AMY, phone="13812345678", invite_code="REC001", program=OPEN))
    assert refused == ("invalid_invite_code", "inviteCode")
    assert not DistributorApplication.objects.exists()


def test_a_rejected_applicant_may_apply_again():
    first = apply(AMY, phone="13812345678", program=OPEN)
    reject_application(first, actor=STAFF, reason="Phone number does not answer")
    second = apply(AMY, phone="13912345678", program=OPEN)
    assert second.pk != first.pk
    assert second.status == DistributorApplication.Status.PENDING


# Documents ------------------------------------------------------------------------------------


def test_documents_are_kept_privately_with_their_real_type_size_and_hash(settings, private_root):
    uploads = [
        DocumentUpload("id_card", PNG_BYTES, filename="张三身份证.pdf"),
        DocumentUpload("business_licence", PDF_BYTES, filename="licence.jpg"),
    ]

    application = apply(AMY, phone="13812345678", documents=uploads, program=OPEN)

    documents = list(application.documents.order_by("id"))
    assert [(d.kind, d.content_type, d.size) for d in documents] == [
        ("id_card", "image/png", len(PNG_BYTES)),
        ("business_licence", "application/pdf", len(PDF_BYTES)),
    ]
    assert [d.sha256 for d in documents] == [
        hashlib.sha256(PNG_BYTES).hexdigest(),
        hashlib.sha256(PDF_BYTES).hexdigest(),
    ]
    for document, upload in zip(documents, uploads, strict=True):
        path = Path(document.file.path)
        assert path.is_relative_to(private_root)
        assert not path.is_relative_to(settings.MEDIA_ROOT)
        assert path.read_bytes() == upload.content
        # The uploader's file name (personal data, and a lie here) is nowhere in the stored name.
        assert "身份证" not in document.file.name and "licence" not in document.file.name
        assert path.stat().st_mode & 0o077 == 0  # readable by the shop's own user only
    assert not Path(settings.MEDIA_ROOT).exists()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (JPEG_BYTES, "image/jpeg"),
        (PNG_BYTES, "image/png"),
        (WEBP_BYTES, "image/webp"),
        (PDF_BYTES, "application/pdf"),
    ],
)
def test_photos_and_pdfs_are_accepted(content, content_type):
    upload = DocumentUpload("id_card", content, filename="scan.bin")
    application = apply(AMY, phone="13812345678", documents=[upload], program=OPEN)
    assert application.documents.get().content_type == content_type


@pytest.mark.parametrize(
    "content",
    [EXE_BYTES, b"", b"<html><script>alert(1)</script>", b"RIFF\x24\x00\x00\x00WAVEfmt "],
    ids=["exe", "empty", "html", "wav"],
)
def test_a_file_that_is_not_a_photo_or_pdf_is_refused_whatever_its_name(content, private_root):
    forged = DocumentUpload("id_card", content, filename="id-card.png")
    assert error_of(lambda: apply(AMY, phone="13812345678", documents=[forged], program=OPEN)) == (
        "invalid_document_type",
        "documents",
    )
    assert not DistributorApplication.objects.exists()
    assert stored_files(private_root) == []


def test_a_document_of_exactly_the_limit_is_accepted_and_one_byte_more_is_not(private_root):
    # A PDF: stored as sent (a photo is re-encoded without its metadata, so smaller).
    at_limit = PDF_BYTES + bytes(MAX_DOCUMENT_BYTES - len(PDF_BYTES))
    over = at_limit + b"\x00"

    assert error_of(
        lambda: apply(
            AMY, phone="13812345678", documents=[DocumentUpload("id_card", over)], program=OPEN
        )
    ) == ("document_too_large", "documents")
    assert stored_files(private_root) == []

    application = apply(
        AMY, phone="13812345678", documents=[DocumentUpload("id_card", at_limit)], program=OPEN
    )
    assert application.documents.get().size == 5 * 1024 * 1024


def test_at_most_four_documents():
    uploads = [DocumentUpload("id_card", PNG_BYTES)] * (MAX_DOCUMENTS + 1)
    assert error_of(lambda: apply(AMY, phone="13812345678", documents=uploads, program=OPEN)) == (
        "too_many_documents",
        "documents",
    )
    application = apply(AMY, phone="13812345678", documents=uploads[:MAX_DOCUMENTS], program=OPEN)
    assert application.documents.count() == 4


def test_a_document_of_an_unknown_kind_is_refused():
    upload = DocumentUpload("selfie", PNG_BYTES)
    assert error_of(lambda: apply(AMY, phone="13812345678", documents=[upload], program=OPEN)) == (
        "invalid_document_kind",
        "documents",
    )


def test_documents_are_required_only_when_the_merchant_says_so():
    assert error_of(lambda: apply(AMY, phone="13812345678", program=DOCUMENTS_REQUIRED)) == (
        "documents_required",
        "documents",
    )
    upload = DocumentUpload("id_card", JPEG_BYTES)
    application = apply(AMY, phone="13812345678", documents=[upload], program=DOCUMENTS_REQUIRED)
    assert application.documents.count() == 1


def test_a_failure_while_saving_documents_leaves_no_application_and_no_files(
    monkeypatch, private_root
):
    saved = []
    real_save = ApplicationDocument.save

    def save_then_fail_on_the_second(self, *args, **kwargs):
        if saved:
            raise OSError("disk full")
        saved.append(self)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(ApplicationDocument, "save", save_then_fail_on_the_second)
    uploads = [DocumentUpload("id_card", PNG_BYTES), DocumentUpload("id_card", JPEG_BYTES)]

    with pytest.raises(OSError):
        apply(AMY, phone="13812345678", documents=uploads, program=OPEN)

    assert len(saved) == 1  # one document had been written before the failure
    assert not DistributorApplication.objects.exists()
    assert not ApplicationDocument.objects.exists()
    assert stored_files(private_root) == []


# Auto-approval --------------------------------------------------------------------------------


def test_with_auto_approval_the_applicant_is_a_distributor_at_once(recruiter, grades):
    application = apply(AMY, phone="13812345678", invite_code="REC001", program=AUTO_APPROVE)

    assert application.status == DistributorApplication.Status.APPROVED
    assert application.reviewed_by == "system"
    distributor = application.distributor
    assert distributor.user_id == "100"
    assert distributor.status == DistributorStatus.ACTIVE
    assert distributor.upline == recruiter
    assert distributor.grade == grades[0]
    event = distributor.events.get()
    assert (event.kind, event.actor) == (DistributorEvent.Kind.APPROVED, "system")


def test_when_auto_approval_fails_the_application_is_not_kept_either(monkeypatch, private_root):
    def refuse(**kwargs):
        raise DistributorError("Could not generate a free code; try again.", code="code_exhausted")

    monkeypatch.setattr(applications, "create_distributor", refuse)
    upload = DocumentUpload("id_card", PNG_BYTES)

    assert error_of(
        lambda: apply(AMY, phone="13812345678", documents=[upload], program=AUTO_APPROVE)
    ) == ("code_exhausted", None)
    assert not DistributorApplication.objects.exists()
    assert stored_files(private_root) == []


# Review ---------------------------------------------------------------------------------------


def test_approving_makes_an_active_distributor_under_the_recruiter(recruiter, grades):
    application = apply(
        AMY, phone="+86 138-1234-5678", name="Amy", invite_code="REC001", program=OPEN
    )

    distributor = approve_application(application, actor=STAFF)

    distributor.refresh_from_db()
    assert is_well_formed_code(distributor.code)
    assert (distributor.user_id, distributor.email, distributor.phone, distributor.name) == (
        "100",
        "amy@example.com",
        "+8613812345678",
        "Amy",
    )
    assert distributor.status == DistributorStatus.ACTIVE
    assert distributor.upline == recruiter
    assert distributor.grade == grades[0]  # the lowest rank
    assert application.status == DistributorApplication.Status.APPROVED
    assert application.reviewed_by == STAFF
    assert application.reviewed_at is not None
    assert application.distributor == distributor
    event = distributor.events.get()
    assert (event.kind, event.actor) == (DistributorEvent.Kind.APPROVED, STAFF)
    assert event.data == {
        "code": distributor.code,
        "upline": "REC001",
        "application": application.pk,
        "inactive_recruiter": None,
    }


def test_a_recruiter_suspended_before_approval_does_not_become_the_upline(recruiter):
    application = apply(AMY, phone="13812345678", invite_code="REC001", program=OPEN)
    suspend_distributor(recruiter, actor=STAFF, reason="fake reviews")

    distributor = approve_application(application, actor=STAFF)

    assert distributor.upline is None
    event = distributor.events.get()
    assert event.data["upline"] is None
    assert event.data["inactive_recruiter"] == "REC001"


def test_approving_twice_makes_one_distributor():
    application = apply(AMY, phone="13812345678", program=OPEN)
    approve_application(application, actor=STAFF)
    stale_copy = DistributorApplication.objects.get(pk=application.pk)

    assert error_of(lambda: approve_application(stale_copy, actor="user:901")) == (
        "already_reviewed",
        None,
    )
    assert Distributor.objects.filter(user_id="100").count() == 1
    assert DistributorEvent.objects.filter(kind=DistributorEvent.Kind.APPROVED).count() == 1


def test_a_rejected_application_cannot_be_approved_nor_an_approved_one_rejected():
    rejected = apply(AMY, phone="13812345678", program=OPEN)
    reject_application(rejected, actor=STAFF, reason="Unreachable")
    assert error_of(lambda: approve_application(rejected, actor=STAFF))[0] == "already_reviewed"

    approved = apply(AMY, phone="13812345678", program=OPEN)
    approve_application(approved, actor=STAFF)
    assert error_of(lambda: reject_application(approved, actor=STAFF, reason="Oops"))[0] == (
        "already_reviewed"
    )
    approved.refresh_from_db()
    assert approved.status == DistributorApplication.Status.APPROVED


def test_an_application_of_someone_who_became_a_distributor_meanwhile_is_not_approved():
    application = apply(AMY, phone="13812345678", program=OPEN)
    create_distributor(user_id="100", code="AMY001")
    assert error_of(lambda: approve_application(application, actor=STAFF))[0] == (
        "already_distributor"
    )
    application.refresh_from_db()
    assert application.status == DistributorApplication.Status.PENDING


def test_rejecting_keeps_the_reason_and_who_decided():
    application = apply(AMY, phone="13812345678", program=OPEN)

    returned = reject_application(application, actor=STAFF, reason="  ID card unreadable  ")

    assert returned.status == DistributorApplication.Status.REJECTED
    assert returned.rejection_reason == "ID card unreadable"
    assert returned.reviewed_by == STAFF
    assert returned.reviewed_at is not None
    assert returned.distributor is None
    assert not Distributor.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_needs_a_reason(reason):
    application = apply(AMY, phone="13812345678", program=OPEN)
    assert error_of(lambda: reject_application(application, actor=STAFF, reason=reason)) == (
        "reason_required",
        "reason",
    )
    application.refresh_from_db()
    assert application.status == DistributorApplication.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_at_the_same_moment_make_one_distributor():
    application = apply(AMY, phone="13812345678", program=OPEN)
    barrier = threading.Barrier(2)
    outcomes = []

    def approve():
        try:
            barrier.wait()
            outcomes.append(approve_application(application, actor=STAFF).pk)
        except DistributorError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str) == sorted(
        [Distributor.objects.get(user_id="100").pk, "already_reviewed"], key=str
    )
    assert DistributorEvent.objects.filter(kind=DistributorEvent.Kind.APPROVED).count() == 1
