"""Applicants' ID documents are kept only as long as they are needed: their files are deleted
`document_retention_days` after the application is decided (approved or rejected), and at once
when staff erase a distributor's personal data. The rows stay, marked, as the record that a
document was received and when it went.

Files are not transactional, so a file is deleted first and its row marked after: a crash
between the two leaves a row that the next run deletes again (deleting a missing file is a
no-op) and marks. Runs are therefore idempotent and safe to overlap (beat and the command).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import ApplicationDocument, DistributorApplication

logger = logging.getLogger(__name__)

Deletion = ApplicationDocument.Deletion
DECIDED = (DistributorApplication.Status.APPROVED, DistributorApplication.Status.REJECTED)


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime
    deleted: int
    failed: int


def documents_due(*, retention_days: int, now: datetime | None = None) -> QuerySet:
    """Documents whose file should be gone by `now`: of applications decided at least
    `retention_days` ago, or marked for deletion by an erasure whose files are not gone yet."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days)
    return ApplicationDocument.objects.filter(file_deleted_at__isnull=True).filter(
        Q(application__status__in=DECIDED, application__reviewed_at__lte=cutoff)
        | ~Q(file_deletion_reason="")
    )


def purge_expired_documents(
    *, retention_days: int, now: datetime | None = None, dry_run: bool = False
) -> PurgeReport:
    now = now or timezone.now()
    due = documents_due(retention_days=retention_days, now=now)
    cutoff = now - timedelta(days=retention_days)
    if dry_run:
        return PurgeReport(cutoff=cutoff, deleted=due.count(), failed=0)
    deleted, failed = delete_document_files(due, reason=Deletion.RETENTION, now=now)
    return PurgeReport(cutoff=cutoff, deleted=deleted, failed=failed)


def delete_document_files(
    documents: QuerySet, *, reason: str, now: datetime | None = None
) -> tuple[int, int]:
    """Delete the files of `documents` not yet deleted and mark their rows; (deleted, failed).
    A row already carrying a reason (an erasure's) keeps it. A file the storage cannot delete
    now is logged and left for the next run."""
    storage = ApplicationDocument._meta.get_field("file").storage
    deleted = failed = 0
    for document in documents.filter(file_deleted_at__isnull=True).order_by("pk").iterator():
        if document.file.name:
            try:
                storage.delete(document.file.name)
            except Exception:
                failed += 1
                logger.exception(
                    "Could not delete the file of document %s; the next run tries again",
                    document.pk,
                )
                continue
        marked = ApplicationDocument.objects.filter(
            pk=document.pk, file_deleted_at__isnull=True
        ).update(
            file="",
            file_deleted_at=now or timezone.now(),
            file_deletion_reason=document.file_deletion_reason or reason,
        )
        deleted += marked
    return deleted, failed
