from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from ....auth import Permission
from ...core.context import require_staff_user_with, viewer
from ...core.mutations import BaseMutation
from ...core.types import CsvExport
from ..types import TaxExportType


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
        require_staff_user_with(info, Permission.HANDLE_PAYMENTS)
        return super().mutate(root, info, **data)

    @classmethod
    def perform(cls, info: Any, month: date) -> Any:
        from ....services.payouts import export_withholding_return
        from ....services.payouts.csv_files import count_rows

        record, content = export_withholding_return(month, actor=viewer(info).actor)
        return cls.ok(
            record=record,
            export=CsvExport(
                filename=f"wfx-withholding-{record.month:%Y-%m}-{record.pk}.csv",
                content=content,
                rows=count_rows(content),
            ),
        )
