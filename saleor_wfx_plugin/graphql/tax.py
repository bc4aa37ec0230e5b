"""Income tax in the API: the masked monthly summary, and the withholding return (扣缴申报) with
full ID numbers, which only staff users with HANDLE_PAYMENTS may download (an app cannot: a
person answers for every download, and each one is recorded)."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from ..auth import Permission
from ..models import TaxExport
from .core import (
    CountableConnection,
    Money,
    PermissionDenied,
    money,
    paginate,
    require_permission,
    viewer,
)
from .csv_export import CsvExport
from .mutations import BaseMutation


class TaxExportType(graphene.ObjectType):
    class Meta:
        name = "TaxExport"
        interfaces = (graphene.relay.Node,)
        description = "One download of a month's withholding return: who, when and what."

    month = graphene.Date(required=True, description="First day of the tax month.")
    exported_by = graphene.String(required=True)
    exported_at = graphene.DateTime(required=True)
    rows = graphene.Int(required=True, description="People in the return.")
    income = graphene.Field(Money, required=True)
    tax_withheld = graphene.Field(Money, required=True)
    content_sha256 = graphene.String(required=True)

    @staticmethod
    def resolve_income(root: TaxExport, info: Any) -> Money:
        return money(root.income, "CNY")

    @staticmethod
    def resolve_tax_withheld(root: TaxExport, info: Any) -> Money:
        return money(root.tax_withheld, "CNY")


class TaxExportConnection(CountableConnection):
    class Meta:
        node = TaxExportType


class TaxQuery:
    """Fields mixed into `Query`."""

    tax_records_csv = graphene.Field(
        CsvExport,
        month=graphene.Date(required=True, description="Any day of the month."),
        description="Income tax withheld in a tax month (the month of final approval), per "
        "distributor account, ID numbers masked. Requires HANDLE_PAYMENTS.",
    )
    tax_exports = graphene.Field(
        TaxExportConnection,
        month=graphene.Date(description="Any day of the month; all months when left out."),
        first=graphene.Int(),
        after=graphene.String(),
        description="Downloads of the withholding return, newest first. Requires HANDLE_PAYMENTS.",
    )

    @staticmethod
    def resolve_tax_records_csv(root: Any, info: Any, month: date) -> CsvExport:
        from ..services.payouts import tax_records_csv
        from ..services.payouts.csv_files import count_rows

        require_permission(info, Permission.HANDLE_PAYMENTS)
        content = tax_records_csv(month)
        return CsvExport(
            filename=f"wfx-tax-{month:%Y-%m}.csv", content=content, rows=count_rows(content)
        )

    @staticmethod
    def resolve_tax_exports(
        root: Any,
        info: Any,
        month: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Any:
        require_permission(info, Permission.HANDLE_PAYMENTS)
        exports = TaxExport.objects.all()
        if month is not None:
            exports = exports.filter(month=month.replace(day=1))
        return paginate(exports, TaxExportConnection, first, after)


class TaxWithholdingExport(BaseMutation):
    class Meta:
        description = (
            "The withholding return (扣缴申报) of a tax month that is over: per person (all "
            "their accounts together), full ID numbers, labour remuneration (劳务报酬), income, "
            "deductible, taxable, tax. Recorded with who and when; afterwards the month's "
            "payouts can no longer be rejected. Staff users with HANDLE_PAYMENTS only."
        )

    class Arguments:
        month = graphene.Date(required=True, description="Any day of the month.")

    export = graphene.Field(CsvExport)
    record = graphene.Field(TaxExportType)

    @classmethod
    def mutate(cls, root: Any, info: Any, **data: Any) -> Any:
        current = require_permission(info, Permission.HANDLE_PAYMENTS)
        if current.app_id is not None:
            raise PermissionDenied()
        return super().mutate(root, info, **data)

    @classmethod
    def perform(cls, info: Any, month: date) -> Any:
        from ..services.payouts import export_withholding_return
        from ..services.payouts.csv_files import count_rows

        record, content = export_withholding_return(month, actor=viewer(info).actor)
        return cls.ok(
            record=record,
            export=CsvExport(
                filename=f"wfx-withholding-{record.month:%Y-%m}-{record.pk}.csv",
                content=content,
                rows=count_rows(content),
            ),
        )
