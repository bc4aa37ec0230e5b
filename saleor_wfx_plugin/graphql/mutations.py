"""Mutations. Each one checks its permission first (a missing permission is a top-level
PermissionDenied error, as in Saleor), runs its service in one transaction, and reports a bad input
as `errors { field message code }` with nothing written."""

from __future__ import annotations

from typing import Any, ClassVar

import graphene
from django.db import transaction

from ..auth import Permission
from ..models import CommissionRule, Distributor, DistributorApplication, Grade
from ..services.distributors import DistributorError
from .core import (
    DistributionError,
    Upload,
    active_program,
    decode_id,
    error_from,
    get_by_id,
    require_customer,
    require_permission,
    viewer,
)
from .types import (
    CommissionRuleScopeEnum,
    CommissionRuleType,
    DistributorApplicationType,
    DistributorType,
    DocumentKindEnum,
    GradeType,
)


class BaseMutation(graphene.Mutation):
    class Meta:
        abstract = True

    errors = graphene.List(graphene.NonNull(DistributionError), required=True)

    permission: ClassVar[Permission | None] = None

    @classmethod
    def mutate(cls, root: Any, info: Any, **data: Any) -> Any:
        if cls.permission is not None:
            require_permission(info, cls.permission)
        try:
            with transaction.atomic():
                return cls.perform(info, **data)
        except DistributorError as error:
            return cls(errors=[error_from(error)])

    @classmethod
    def perform(cls, info: Any, **data: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def ok(cls, **fields: Any) -> Any:
        return cls(errors=[], **fields)


def _distributor(global_id: str, *, field: str = "id") -> Distributor:
    # Not locked here: the service takes its locks, in lock_objects' order.
    return get_by_id(
        Distributor.objects.select_related("grade"), global_id, "Distributor", field=field
    )


def _application(global_id: str) -> DistributorApplication:
    return get_by_id(DistributorApplication.objects.all(), global_id, "DistributorApplication")


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

    @classmethod
    def perform(cls, info: Any, input: Any) -> Any:
        from ..services.applications import DocumentUpload, apply

        require_customer(info)
        program = active_program()
        uploads = []
        for index, document in enumerate(input.get("documents") or ()):
            upload = document["file"]
            if not hasattr(upload, "read"):
                raise DistributorError(
                    "Send the file with the GraphQL multipart request.",
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


class DistributorCreateInput(graphene.InputObjectType):
    email = graphene.String(required=True)
    phone = graphene.String(required=True)
    name = graphene.String()
    user_id = graphene.String(description="Saleor user id (primary key) of the account.")
    code = graphene.String(description="Referral code; generated when empty.")
    upline_code = graphene.String(description="Recruiter's code.")
    grade = graphene.String(description="Grade slug; default: the lowest grade.")


class DistributorCreate(BaseMutation):
    class Meta:
        description = "Staff create an active distributor directly (the seed programme)."

    class Arguments:
        input = DistributorCreateInput(required=True)

    distributor = graphene.Field(DistributorType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, input: Any) -> Any:
        from ..services.distributors import create_distributor_by_staff

        distributor = create_distributor_by_staff(
            actor=viewer(info).actor,
            email=input["email"],
            phone=input["phone"],
            name=input.get("name") or "",
            user_id=input.get("user_id") or None,
            code=input.get("code") or None,
            upline_code=input.get("upline_code") or None,
            grade_slug=input.get("grade") or None,
        )
        return cls.ok(distributor=distributor)


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
        from ..services.applications import approve_application

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
        from ..services.applications import reject_application

        application = reject_application(_application(id), actor=viewer(info).actor, reason=reason)
        return cls.ok(application=application)


class DistributorSuspend(BaseMutation):
    class Meta:
        description = (
            "Suspend: the distributor earns nothing new and their code attributes nothing."
        )

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    distributor = graphene.Field(DistributorType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, id: str, reason: str) -> Any:
        from ..services.distributors import suspend_distributor

        distributor = suspend_distributor(_distributor(id), actor=viewer(info).actor, reason=reason)
        return cls.ok(distributor=distributor)


class DistributorReactivate(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String()

    distributor = graphene.Field(DistributorType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, id: str, reason: str | None = None) -> Any:
        from ..services.distributors import reactivate_distributor

        distributor = reactivate_distributor(
            _distributor(id), actor=viewer(info).actor, reason=reason or ""
        )
        return cls.ok(distributor=distributor)


class DistributorSetGrade(BaseMutation):
    class Meta:
        description = (
            "Staff override of a grade, recorded with who and why. `lock` (default true) keeps "
            "the monthly automatic upgrade from changing it again."
        )

    class Arguments:
        id = graphene.ID(required=True)
        grade = graphene.ID(required=True, description="Grade id.")
        reason = graphene.String(required=True)
        lock = graphene.Boolean(default_value=True)

    distributor = graphene.Field(DistributorType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, id: str, grade: str, reason: str, lock: bool = True) -> Any:
        from ..services.grades import set_grade

        target = get_by_id(Grade.objects.all(), grade, "Grade", field="grade")
        distributor = set_grade(
            _distributor(id), target, actor=viewer(info).actor, reason=reason, lock=lock
        )
        return cls.ok(distributor=distributor)


class DistributorSetUpline(BaseMutation):
    class Meta:
        description = "Move a distributor under another recruiter. Affects future orders only."

    class Arguments:
        id = graphene.ID(required=True)
        upline = graphene.ID(description="New recruiter's id; null: no recruiter.")
        reason = graphene.String(required=True)

    distributor = graphene.Field(DistributorType)
    permission = Permission.MANAGE_USERS

    @classmethod
    def perform(cls, info: Any, id: str, reason: str, upline: str | None = None) -> Any:
        from ..services.distributors import change_upline

        if not (reason or "").strip():
            raise DistributorError(
                "Say why the upline changes.", code="reason_required", field="reason"
            )
        distributor = _distributor(id)
        new_upline = _distributor(upline, field="upline") if upline else None
        distributor = change_upline(
            distributor, new_upline, actor=viewer(info).actor, reason=reason
        )
        return cls.ok(distributor=distributor)


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
        from ..services.imports import import_distributors

        if not hasattr(file, "read"):
            raise DistributorError(
                "Send the file with the GraphQL multipart request.",
                code="invalid_file",
                field="file",
            )
        report = import_distributors(file.read(), dry_run=dry_run, actor=viewer(info).actor)
        errors = []
        if report.errors:
            errors.append(
                DistributionError(
                    field="file",
                    message=f"{len(report.errors)} problem(s) in the file; nothing was imported.",
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


# --- Grades ----------------------------------------------------------------------------------
class GradeInput(graphene.InputObjectType):
    name = graphene.String()
    slug = graphene.String()
    rank = graphene.Int(description="Higher is better; upgrades only go up in rank.")
    seller_rate = graphene.Decimal(description="Seller's rate in %, 0-100; null: default rate.")
    upgrade_min_sales = graphene.Decimal()
    upgrade_min_team_sales = graphene.Decimal(
        description="Monthly sales of the grade holder and the levels below them that "
        "commission is paid on. Refused (TEAM_SALES_RULES_OFF) unless the plugin setting "
        "grade_team_sales_rules is on."
    )
    upgrade_currency = graphene.String(description="ISO 4217 code of the sales thresholds.")
    upgrade_min_orders = graphene.Int()


class GradeCreate(BaseMutation):
    class Arguments:
        input = GradeInput(required=True)

    grade = graphene.Field(GradeType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, input: Any) -> Any:
        from ..services.program_config import create_grade

        return cls.ok(grade=create_grade(dict(input)))


class GradeUpdate(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = GradeInput(required=True)

    grade = graphene.Field(GradeType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, id: str, input: Any) -> Any:
        from ..services.program_config import update_grade

        grade = get_by_id(Grade.objects.all(), id, "Grade")
        return cls.ok(grade=update_grade(grade, dict(input)))


class GradeDelete(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)

    grade = graphene.Field(GradeType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, id: str) -> Any:
        from ..services.program_config import delete_grade

        grade = get_by_id(Grade.objects.all(), id, "Grade")
        pk = grade.pk
        delete_grade(grade)
        grade.pk = pk  # so the payload can still name what was deleted
        return cls.ok(grade=grade)


# --- Commission rules ------------------------------------------------------------------------
class CommissionRuleCreateInput(graphene.InputObjectType):
    scope = CommissionRuleScopeEnum(required=True)
    target = graphene.ID(required=True, description="Saleor Product or Category id.")
    seller_rate = graphene.Decimal(required=True)
    note = graphene.String()


class CommissionRuleUpdateInput(graphene.InputObjectType):
    seller_rate = graphene.Decimal()
    note = graphene.String()


def _saleor_target(scope: str, global_id: str) -> str:
    expected = "Product" if scope == CommissionRule.Scope.PRODUCT else "Category"
    try:
        return decode_id(global_id, expected, field="target")
    except DistributorError:
        raise DistributorError(
            f"Expected a Saleor {expected} id, got {global_id!r}.", code="invalid", field="target"
        ) from None


class CommissionRuleCreate(BaseMutation):
    class Meta:
        description = "A seller-rate override for a product or category (future orders only)."

    class Arguments:
        input = CommissionRuleCreateInput(required=True)

    rule = graphene.Field(CommissionRuleType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, input: Any) -> Any:
        from ..services.program_config import create_rule

        rule = create_rule(
            scope=input["scope"],
            saleor_id=_saleor_target(input["scope"], input["target"]),
            seller_rate=input["seller_rate"],
            note=input.get("note") or "",
        )
        return cls.ok(rule=rule)


class CommissionRuleUpdate(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = CommissionRuleUpdateInput(required=True)

    rule = graphene.Field(CommissionRuleType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, id: str, input: Any) -> Any:
        from ..services.program_config import update_rule

        rule = get_by_id(CommissionRule.objects.all(), id, "CommissionRule")
        return cls.ok(rule=update_rule(rule, **dict(input)))


class CommissionRuleDelete(BaseMutation):
    class Arguments:
        id = graphene.ID(required=True)

    rule = graphene.Field(CommissionRuleType)
    permission = Permission.MANAGE_PLUGINS

    @classmethod
    def perform(cls, info: Any, id: str) -> Any:
        from ..services.program_config import delete_rule

        rule = get_by_id(CommissionRule.objects.all(), id, "CommissionRule")
        pk = rule.pk
        delete_rule(rule)
        rule.pk = pk
        return cls.ok(rule=rule)
