from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _

from ....auth import Permission
from ....errors import InputError
from ....models import DistributorApplication
from ...core.context import active_program, require_customer, viewer
from ...core.ids import get_by_id
from ...core.mutations import BaseMutation
from ...core.types import Upload
from ..types import DistributorApplicationType, DistributorType, DocumentKindEnum


def _application(global_id: str) -> DistributorApplication:
    return get_by_id(DistributorApplication, global_id, "DistributorApplication")


# --- Distributors ----------------------------------------------------------------------------
class DocumentInput(graphene.InputObjectType):
    kind = DocumentKindEnum(required=True)
    file = Upload(required=True, description="JPEG, PNG, WebP or PDF, at most 5 MB.")


class DistributorApplyInput(graphene.InputObjectType):
    phone = graphene.String(
        required=True, description="Mobile number; +86 assumed for 1xxxxxxxxxx."
    )
    name = graphene.String(description="Default: the account's name.")
    invite_code = graphene.String(description="The recruiter's referral code; sets the upline.")
    documents = graphene.List(
        graphene.NonNull(DocumentInput),
        description="ID card or business licence images (multipart upload).",
    )


class DistributorApply(BaseMutation):
    class Meta:
        description = "A signed-in customer applies to become a distributor. Joining is free."

    class Arguments:
        input = DistributorApplyInput(required=True)

    application = graphene.Field(DistributorApplicationType)
    rate_limit = "distributor_apply"

    @classmethod
    def perform(cls, info: Any, input: Any) -> Any:
        from ....services.applications import DocumentUpload, apply

        require_customer(info)
        program = active_program()
        uploads = []
        for index, document in enumerate(input.get("documents") or ()):
            upload = document["file"]
            if not hasattr(upload, "read"):
                raise InputError(
                    _("Send the file with the GraphQL multipart request."),
                    code="invalid_file",
                    field=f"documents.{index}.file",
                )
            uploads.append(
                DocumentUpload(
                    kind=document["kind"],
                    content=upload.read(),
                    filename=getattr(upload, "name", "") or "",
                )
            )
        application = apply(
            viewer(info),
            phone=input["phone"],
            name=input.get("name") or "",
            invite_code=input.get("invite_code"),
            documents=uploads,
            program=program,
        )
        return cls.ok(application=application)


class DistributorApprove(BaseMutation):
    class Meta:
        description = "Approve an application: issues a code and makes the distributor active."

    class Arguments:
        id = graphene.ID(required=True, description="Application id.")
        id_number = graphene.String(
            description="The resident ID verified on the documents, for income tax."
        )
        legal_name = graphene.String(
            description="The name on that ID card; default: the application's name."
        )

    application = graphene.Field(DistributorApplicationType)
    distributor = graphene.Field(DistributorType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(
        cls, info: Any, id: str, id_number: str | None = None, legal_name: str | None = None
    ) -> Any:
        from ....services.applications import approve_application

        application = _application(id)
        distributor = approve_application(
            application,
            actor=viewer(info).actor,
            id_number=id_number or "",
            legal_name=legal_name or "",
        )
        application.refresh_from_db()
        return cls.ok(application=application, distributor=distributor)


class DistributorReject(BaseMutation):
    class Meta:
        description = "Reject an application with a reason the applicant sees."

    class Arguments:
        id = graphene.ID(required=True, description="Application id.")
        reason = graphene.String(required=True)

    application = graphene.Field(DistributorApplicationType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, id: str, reason: str) -> Any:
        from ....services.applications import reject_application

        application = reject_application(_application(id), actor=viewer(info).actor, reason=reason)
        return cls.ok(application=application)
