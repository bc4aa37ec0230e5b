from __future__ import annotations

from typing import Any

import graphene
from django.utils.translation import gettext as _

from ....auth import Permission
from ....errors import InputError
from ...core.context import viewer
from ...core.errors import DistributionError
from ...core.mutations import BaseMutation
from ...core.types import Upload


class ImportRowErrorType(graphene.ObjectType):
    class Meta:
        name = "ImportRowError"

    line = graphene.Int(required=True, description="Line in the file (the header is line 1).")
    field = graphene.String(required=True)
    code = graphene.String(required=True)
    message = graphene.String(required=True)


class ImportReportType(graphene.ObjectType):
    class Meta:
        name = "ImportReport"

    rows = graphene.Int(required=True)
    valid = graphene.Int(required=True)
    created = graphene.Int(required=True)
    dry_run = graphene.Boolean(required=True)
    row_errors = graphene.List(graphene.NonNull(ImportRowErrorType), required=True)
    created_codes = graphene.List(graphene.NonNull(graphene.String), required=True)


class DistributorImport(BaseMutation):
    class Meta:
        description = (
            "Import distributors from CSV (email, phone, upline_code, grade; optional code, name, "
            "user_id). Nothing is imported unless every row is valid; dryRun only reports."
        )

    class Arguments:
        file = Upload(required=True)
        dry_run = graphene.Boolean(default_value=True)

    report = graphene.Field(ImportReportType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, file: Any, dry_run: bool = True) -> Any:
        from ....services.imports import import_distributors

        if not hasattr(file, "read"):
            raise InputError(
                _("Send the file with the GraphQL multipart request."),
                code="invalid_file",
                field="file",
            )
        report = import_distributors(file.read(), dry_run=dry_run, actor=viewer(info).actor)
        errors = []
        if report.errors:
            errors.append(
                DistributionError(
                    field="file",
                    message=_("%(count)s problem(s) in the file; nothing was imported.")
                    % {"count": len(report.errors)},
                    code="INVALID_FILE",
                )
            )
        return cls(
            errors=errors,
            report=ImportReportType(
                rows=report.rows,
                valid=report.valid,
                created=report.created,
                dry_run=report.dry_run,
                row_errors=[
                    ImportRowErrorType(
                        line=row.line, field=row.field, code=row.code, message=row.message
                    )
                    for row in report.errors
                ],
                created_codes=list(report.created_codes),
            ),
        )
