"""Applying to become a distributor, and staff approving or rejecting the application.

Documents (ID card, business licence) are personal data: they are checked by their content,
never by the name or type the browser sent, stored under a random name in private storage, and
kept only with their size and SHA-256 so staff can tell a re-upload from a new document.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..auth import Viewer
from ..domain.attribution import DistributorStatus, normalize_code
from ..domain.settings import ProgramSettings
from ..images import UnreadableImage, without_metadata
from ..lock_objects import lock_application, lock_distributor, lock_distributor_tree
from ..models import ApplicationDocument, Distributor, DistributorApplication, DistributorEvent
from .distributors import (
    MAX_NAME_LENGTH,
    DistributorError,
    clean_phone,
    clean_reason,
    create_distributor,
    default_grade,
    link_account,
)
from .events import SYSTEM_ACTOR

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_DOCUMENTS = 4
DOCUMENT_KINDS = frozenset(ApplicationDocument.Kind.values)

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
PDF = "application/pdf"
ACCEPTED_CONTENT_TYPES = (JPEG, PNG, WEBP, PDF)


@dataclass(frozen=True)
class DocumentUpload:
    # "id_card" or "business_licence" (ApplicationDocument.Kind).
    kind: str
    content: bytes
    # What the uploader's device called the file. Never trusted and never stored: it decides
    # nothing about the type, and names like "张三身份证.jpg" are personal data themselves.
    filename: str = ""


@dataclass(frozen=True)
class _CheckedDocument:
    kind: str
    content: bytes
    content_type: str
    sha256: str


def sniff_content_type(content: bytes) -> str | None:
    """The document's type from its first bytes (its "magic number"), or None when it is not
    one of the accepted types."""
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content.startswith(b"%PDF-"):
        return PDF
    return None


def apply(
    viewer: Viewer,
    *,
    phone: str,
    name: str = "",
    invite_code: str | None = None,
    documents: Sequence[DocumentUpload] = (),
    program: ProgramSettings,
) -> DistributorApplication:
    """A signed-in customer asks to join. Everything is checked before anything is written, and
    the application, its documents and (with `auto_approve_applications`) the new distributor
    are saved together or not at all."""
    if not viewer.is_customer:
        raise DistributorError(
            _("Sign in with a customer account to apply."), code="not_authenticated"
        )
    assert viewer.user_id is not None
    # Also links a distributor staff created for this confirmed e-mail address: that customer
    # is already in the programme and must not end up with a second distributor.
    if link_account(viewer) is not None:
        raise DistributorError(_("You are already a distributor."), code="already_distributor")
    if _has_pending_application(viewer.user_id):
        raise _pending_error()
    normalized_phone = clean_phone(phone)
    name = (name or viewer.name).strip()
    if len(name) > MAX_NAME_LENGTH:
        raise DistributorError(
            _("A name is at most %(max_name_length)s characters.")
            % {"max_name_length": MAX_NAME_LENGTH},
            code="name_too_long",
            field="name",
        )
    recruiter = _recruiter(invite_code)
    checked_documents = _check_documents(documents, program)

    storage = ApplicationDocument._meta.get_field("file").storage
    written: list[str] = []
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    application = DistributorApplication.objects.create(
                        user_id=viewer.user_id,
                        email=viewer.email.strip(),
                        name=name,
                        phone=normalized_phone,
                        invite_code=recruiter.code if recruiter is not None else "",
                        recruiter=recruiter,
                    )
            except IntegrityError:
                # Another request of the same customer got its application in first.
                raise _pending_error() from None
            for checked in checked_documents:
                document = ApplicationDocument(
                    application=application,
                    kind=checked.kind,
                    content_type=checked.content_type,
                    size=len(checked.content),
                    sha256=checked.sha256,
                )
                document.file.save("document", ContentFile(checked.content), save=False)
                written.append(document.file.name)
                document.save()
            if program.auto_approve_applications:
                approve_application(application, actor=SYSTEM_ACTOR)
    except BaseException:
        # The rows are gone with the transaction; the files are not transactional, so they go
        # here. (A rollback of a transaction *around* this call cannot be seen from here.)
        _delete_files(storage, written)
        raise
    return application


def _has_pending_application(user_id: str) -> bool:
    return DistributorApplication.objects.filter(
        user_id=user_id, status=DistributorApplication.Status.PENDING
    ).exists()


def _pending_error() -> DistributorError:
    return DistributorError(
        _("Your application is already waiting for review."), code="application_pending"
    )


def _recruiter(invite_code: str | None) -> Distributor | None:
    code = normalize_code(invite_code)
    if code is None:
        return None
    recruiter = Distributor.objects.filter(code=code).first()
    if recruiter is None or not recruiter.is_active:
        # One message for both: an applicant has no business knowing who is suspended.
        raise DistributorError(
            _("That invitation code is not valid."), code="invalid_invite_code", field="inviteCode"
        )
    return recruiter


def _check_documents(
    documents: Sequence[DocumentUpload], program: ProgramSettings
) -> list[_CheckedDocument]:
    if program.require_documents and not documents:
        raise DistributorError(
            _("Upload your ID card or business licence to apply."),
            code="documents_required",
            field="documents",
        )
    if len(documents) > MAX_DOCUMENTS:
        raise DistributorError(
            _("Upload at most %(max_documents)s documents.") % {"max_documents": MAX_DOCUMENTS},
            code="too_many_documents",
            field="documents",
        )
    checked = []
    for upload in documents:
        if upload.kind not in DOCUMENT_KINDS:
            raise DistributorError(
                _("A document is one of: %(value)s.")
                % {"value": ", ".join(sorted(DOCUMENT_KINDS))},
                code="invalid_document_kind",
                field="documents",
            )
        if len(upload.content) > MAX_DOCUMENT_BYTES:
            raise DistributorError(
                _("A document is at most %(value)s MB.")
                % {"value": MAX_DOCUMENT_BYTES // (1024 * 1024)},
                code="document_too_large",
                field="documents",
            )
        content_type = sniff_content_type(upload.content)
        if content_type is None:
            raise DistributorError(
                _("A document must be a JPEG, PNG or WebP photo or a PDF."),
                code="invalid_document_type",
                field="documents",
            )
        try:
            content = without_metadata(upload.content, content_type)
        except UnreadableImage:
            raise DistributorError(
                _("This photo cannot be read; take it again or send a PDF."),
                code="invalid_document_type",
                field="documents",
            ) from None
        checked.append(
            _CheckedDocument(
                kind=upload.kind,
                content=content,
                content_type=content_type,
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    return checked


def _delete_files(storage: Storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            # The original error matters more; an orphaned file is only reported.
            logger.exception("Could not delete the orphaned document file %s", name)


def approve_application(
    application: DistributorApplication,
    *,
    actor: str,
    legal_name: str = "",
    id_number: str = "",
) -> Distributor:
    """Make the applicant an active distributor under their recruiter, or at the top of the
    tree when the recruiter is no longer active (the APPROVED event says so). With `id_number`
    (and the name on the card, default the application's), staff record the identity they
    verified on the documents, for income tax."""
    with transaction.atomic():
        lock_distributor_tree()
        locked = _locked_pending(application)
        if Distributor.objects.filter(user_id=locked.user_id).exists():
            raise DistributorError(
                _("This customer is already a distributor; reject the application instead."),
                code="already_distributor",
            )
        upline = None
        dropped_recruiter = None
        if locked.recruiter_id is not None:
            recruiter = lock_distributor(locked.recruiter_id)
            if recruiter.is_active:
                upline = recruiter
            else:
                dropped_recruiter = recruiter.code
        distributor = create_distributor(
            user_id=locked.user_id,
            email=locked.email,
            phone=locked.phone,
            name=locked.name,
            upline=upline,
            grade=default_grade(),
            status=DistributorStatus.ACTIVE,
            actor=actor,
            event_kind=DistributorEvent.Kind.APPROVED,
            event_data={"application": locked.pk, "inactive_recruiter": dropped_recruiter},
        )
        locked.status = DistributorApplication.Status.APPROVED
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.distributor = distributor
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "distributor"])
        if id_number.strip():
            from .identity import set_identity

            distributor = set_identity(
                distributor,
                legal_name=legal_name or locked.name,
                id_number=id_number,
                actor=actor,
            )
    application.refresh_from_db()
    return distributor


def reject_application(
    application: DistributorApplication, *, actor: str, reason: str
) -> DistributorApplication:
    """Turn an application down; the reason is kept and may be shown to the applicant, who can
    then apply again."""
    reason = clean_reason(reason)
    with transaction.atomic():
        locked = _locked_pending(application)
        locked.status = DistributorApplication.Status.REJECTED
        locked.rejection_reason = reason
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
    application.refresh_from_db()
    return application


def _locked_pending(application: DistributorApplication) -> DistributorApplication:
    locked = lock_application(application.pk)
    if locked.status != DistributorApplication.Status.PENDING:
        raise DistributorError(
            _("This application was already %(status)s.") % {"status": locked.status},
            code="already_reviewed",
        )
    return locked
