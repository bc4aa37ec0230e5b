"""Applicants' document files are deleted `document_retention_days` after the application was
decided; the rows stay, marked. Daily from beat (whether the programme is on or off), or from
the command; every run deletes each file once."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from saleor_wfx_plugin.apps import DOCUMENTS_BEAT_ENTRY, register_documents_schedule
from saleor_wfx_plugin.auth import Viewer
from saleor_wfx_plugin.domain.settings import InvalidProgramSettings, ProgramSettings
from saleor_wfx_plugin.models import ApplicationDocument, DistributorApplication
from saleor_wfx_plugin.services.applications import (
    DocumentUpload,
    apply,
    approve_application,
    reject_application,
)
from saleor_wfx_plugin.services.retention import purge_expired_documents
from saleor_wfx_plugin.shop import stored_settings
from saleor_wfx_plugin.storage import private_storage
from saleor_wfx_plugin.tasks import purge_expired_documents_task

from .helpers import photo
from .personal_data import stored_files

pytestmark = pytest.mark.django_db

STAFF = "user:900"
PNG_BYTES = photo("PNG")
PDF_BYTES = b"%PDF-1.7\n" + bytes(200)
DECIDED = datetime(2030, 1, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path, monkeypatch):
    settings.WFX_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    monkeypatch.setattr(ApplicationDocument._meta.get_field("file"), "storage", private_storage())
    return tmp_path / "private" / "wfx" / "documents"


def applicant(user_id, *, decision, decided_at=DECIDED, documents=2):
    viewer = Viewer(user_id=user_id, email=f"u{user_id}@example.com", email_confirmed=True)
    uploads = [DocumentUpload("id_card", PNG_BYTES), DocumentUpload("business_licence", PDF_BYTES)]
    application = apply(
        viewer, phone="13812345678", documents=uploads[:documents], program=ProgramSettings()
    )
    if decision == "approved":
        approve_application(application, actor=STAFF)
    elif decision == "rejected":
        reject_application(application, actor=STAFF, reason="blurred photo")
    # The decision's moment, as the clock of these tests has it.
    DistributorApplication.objects.filter(pk=application.pk).update(reviewed_at=decided_at)
    return application


def test_files_go_the_given_number_of_days_after_the_decision_and_rows_stay(private_root):
    approved = applicant("1", decision="approved")
    rejected = applicant("2", decision="rejected", decided_at=DECIDED + timedelta(days=1))
    pending = applicant("3", decision=None, documents=1)
    assert len(stored_files(private_root)) == 5

    # 179 days and 23 hours after the first decision: nothing is due yet.
    early = purge_expired_documents(
        retention_days=180, now=DECIDED + timedelta(days=180) - timedelta(hours=1)
    )
    assert (early.deleted, len(stored_files(private_root))) == (0, 5)

    at_180 = DECIDED + timedelta(days=180)
    report = purge_expired_documents(retention_days=180, now=at_180)
    assert (report.deleted, report.failed) == (2, 0)
    gone = ApplicationDocument.objects.filter(application=approved)
    assert list(gone.values_list("file", "file_deletion_reason", "file_deleted_at")) == [
        ("", "retention", at_180),
        ("", "retention", at_180),
    ]
    # What was received stays on record: kind, type, size, fingerprint.
    assert sorted(gone.values_list("kind", "size")) == [
        ("business_licence", len(PDF_BYTES)),
        ("id_card", len(PNG_BYTES)),
    ]
    assert len(stored_files(private_root)) == 3
    assert not ApplicationDocument.objects.filter(
        application__in=[rejected, pending], file_deleted_at__isnull=False
    ).exists()

    # Running again at the same moment finds nothing; a day later the rejected one goes.
    assert purge_expired_documents(retention_days=180, now=at_180).deleted == 0
    assert purge_expired_documents(retention_days=180, now=at_180 + timedelta(days=1)).deleted == 2
    # A pending application's document stays, however old: nothing was decided yet.
    assert purge_expired_documents(retention_days=0, now=at_180 + timedelta(days=999)).deleted == 0
    assert len(stored_files(private_root)) == 1


def test_zero_days_deletes_at_the_first_run_after_the_decision(private_root):
    applicant("1", decision="rejected", decided_at=DECIDED)
    assert purge_expired_documents(retention_days=0, now=DECIDED).deleted == 2
    assert stored_files(private_root) == []


def test_a_file_the_storage_cannot_delete_is_left_marked_for_the_next_run(
    private_root, monkeypatch
):
    applicant("1", decision="approved", documents=1)
    storage = ApplicationDocument._meta.get_field("file").storage

    def broken(name):
        raise OSError("bucket unreachable")

    with monkeypatch.context() as patched:
        patched.setattr(storage, "delete", broken)
        report = purge_expired_documents(retention_days=180, now=DECIDED + timedelta(days=200))
    assert (report.deleted, report.failed) == (0, 1)
    assert ApplicationDocument.objects.get().file_deleted_at is None
    assert (
        purge_expired_documents(retention_days=180, now=DECIDED + timedelta(days=200)).deleted == 1
    )
    assert stored_files(private_root) == []


def test_files_an_erasure_left_behind_go_at_the_next_run(private_root):
    application = applicant("1", decision="approved", documents=1, decided_at=datetime.now(UTC))
    # An erasure marks its documents and deletes the files once it commits; the storage failed.
    application.documents.update(file_deletion_reason="erasure")
    assert purge_expired_documents(retention_days=180).deleted == 1
    assert ApplicationDocument.objects.get().file_deletion_reason == "erasure"
    assert stored_files(private_root) == []


def test_the_task_reads_the_setting_and_runs_while_the_programme_is_off(
    settings, private_root, program
):
    applicant("1", decision="approved", decided_at=datetime.now(UTC) - timedelta(days=40))
    applicant("2", decision="approved", decided_at=datetime.now(UTC) - timedelta(days=20))
    program(document_retention_days="30")
    settings.WFX_PROGRAM_ACTIVE = False
    assert purge_expired_documents_task() == {"deleted": 2, "failed": 0}
    assert len(stored_files(private_root)) == 2
    assert purge_expired_documents_task() == {"deleted": 0, "failed": 0}


def test_the_command_counts_deletes_and_refuses_a_future_clock(private_root):
    applicant("1", decision="approved", decided_at=datetime.now(UTC) - timedelta(days=200))
    out = StringIO()
    call_command("wfx_purge_documents", "--dry-run", stdout=out)
    assert "Would delete 2 document files" in out.getvalue()
    assert len(stored_files(private_root)) == 2
    out = StringIO()
    call_command("wfx_purge_documents", stdout=out)
    assert "Deleted 2 document files" in out.getvalue() and "180-day retention" in out.getvalue()
    assert stored_files(private_root) == []
    with pytest.raises(CommandError, match="future"):
        call_command("wfx_purge_documents", "--now", "2999-01-01T00:00")


def test_the_setting_defaults_to_180_days_and_is_checked():
    assert ProgramSettings().document_retention_days == 180
    assert (
        ProgramSettings.from_mapping({"document_retention_days": "0"}).document_retention_days == 0
    )
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping({"document_retention_days": "-1"})
    assert "document_retention_days" in error.value.errors
    # A saved configuration that no longer validates as a whole still gives its retention.
    assert stored_settings({"document_retention_days": "90", "level2_rate": "x"}) == (
        ProgramSettings(document_retention_days=90)
    )


def test_beat_runs_it_daily_unless_the_merchant_has_an_entry(settings):
    settings.CELERY_BEAT_SCHEDULE = {}
    register_documents_schedule()
    entry = settings.CELERY_BEAT_SCHEDULE[DOCUMENTS_BEAT_ENTRY]
    assert entry["task"] == purge_expired_documents_task.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {40})
    settings.CELERY_BEAT_SCHEDULE = {DOCUMENTS_BEAT_ENTRY: {"task": "merchant.own"}}
    register_documents_schedule()
    assert settings.CELERY_BEAT_SCHEDULE[DOCUMENTS_BEAT_ENTRY] == {"task": "merchant.own"}
