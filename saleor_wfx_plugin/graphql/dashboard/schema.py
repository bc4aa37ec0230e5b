"""Queries and the bulk action the dashboard's screens need beyond the lists: the overview's
statistics, counts per status for the tabs, a commission filter's totals and CSV, and approving
many applications at once."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene
from django.utils import timezone

from ...auth import Permission
from ...selectors.commission_reports import commission_totals, commissions_csv
from ...selectors.commissions import all_commission_lines
from ...selectors.statistics import application_counts, payout_counts, programme_statistics
from ..commissions.filters import CommissionFilterInput, commission_filter
from ..core.context import (
    PermissionDenied,
    is_staff_with,
    require_permission,
    require_staff_user_with,
    viewer,
)
from ..core.errors import error_from
from ..core.ids import decode_id
from ..core.mutations import BaseMutation
from ..core.types import CsvExport
from .types import BulkResult, CommissionTotal, ProgrammeStatisticsType, StatusCount


def _require_any(info: Any, *permissions: Permission) -> None:
    if not any(is_staff_with(info, permission) for permission in permissions):
        raise PermissionDenied(permissions)


def _status_counts(counts: dict[str, int]) -> list[StatusCount]:
    return [StatusCount(status=status.upper(), count=count) for status, count in counts.items()]


def _filtered_commissions(filter: Any) -> Any:
    return all_commission_lines(**commission_filter(dict(filter or {})))


class DashboardQueries(graphene.ObjectType):
    """Fields mixed into `Query`."""

    statistics = graphene.Field(
        ProgrammeStatisticsType,
        currency=graphene.String(required=True),
        date_from=graphene.Date(required=True),
        date_to=graphene.Date(required=True, description="Inclusive; at most 366 days."),
        description="The overview. Requires MANAGE_USERS, MANAGE_ORDERS or HANDLE_PAYMENTS.",
    )
    application_counts = graphene.List(
        graphene.NonNull(StatusCount),
        required=True,
        description="Applications per status, zeros included. Requires MANAGE_USERS.",
    )
    payout_counts = graphene.List(
        graphene.NonNull(StatusCount),
        required=True,
        currency=graphene.String(),
        description="Payouts per status, zeros included. Requires HANDLE_PAYMENTS.",
    )
    commission_totals = graphene.List(
        graphene.NonNull(CommissionTotal),
        required=True,
        filter=CommissionFilterInput(),
        description="Count and net amount per currency and status of the commissions the "
        "filter matches (as `commissions(filter)`). Requires MANAGE_ORDERS.",
    )
    commissions_csv = graphene.Field(
        CsvExport,
        filter=CommissionFilterInput(),
        description="Every commission the filter matches (at most 50,000). Requires MANAGE_ORDERS.",
    )

    @staticmethod
    def resolve_statistics(
        root: Any, info: Any, currency: str, date_from: date, date_to: date
    ) -> Any:
        _require_any(
            info, Permission.MANAGE_USERS, Permission.MANAGE_ORDERS, Permission.HANDLE_PAYMENTS
        )
        return programme_statistics(currency, date_from, date_to)

    @staticmethod
    def resolve_application_counts(root: Any, info: Any) -> list[StatusCount]:
        require_permission(info, Permission.MANAGE_USERS)
        return _status_counts(application_counts())

    @staticmethod
    def resolve_payout_counts(root: Any, info: Any, currency: str | None = None) -> Any:
        require_permission(info, Permission.HANDLE_PAYMENTS)
        return _status_counts(payout_counts(currency))

    @staticmethod
    def resolve_commission_totals(root: Any, info: Any, filter: Any = None) -> Any:
        from ..core.types import money

        require_permission(info, Permission.MANAGE_ORDERS)
        return [
            CommissionTotal(
                currency=total.currency,
                status=total.status,
                count=total.count,
                amount=money(total.amount, total.currency),
            )
            for total in commission_totals(_filtered_commissions(filter))
        ]

    @staticmethod
    def resolve_commissions_csv(root: Any, info: Any, filter: Any = None) -> CsvExport:
        from ..money.types import _csv

        require_staff_user_with(info, Permission.MANAGE_ORDERS)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _csv(f"wfx-commissions-{stamp}.csv", commissions_csv(_filtered_commissions(filter)))


def _application_pk(global_id: str) -> int:
    pk = decode_id(global_id, "DistributorApplication", field="ids")
    return int(pk) if pk.isdigit() else 0


class DistributorBulkApprove(BaseMutation):
    class Meta:
        description = (
            "Approve up to 100 applications, each as distributorApprove would (without an ID "
            "number); a result per id, in the order given. One that cannot be approved does not "
            "stop the others."
        )

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    results = graphene.List(graphene.NonNull(BulkResult), required=True)
    permission = Permission.MANAGE_USERS

    @classmethod
    def mutate(cls, root: Any, info: Any, **data: Any) -> Any:
        from ...errors import ProgrammeError

        # Not one transaction: each application commits on its own (services/application_bulk).
        require_permission(info, cls.permission)
        try:
            return cls.perform(info, **data)
        except ProgrammeError as error:
            return cls(errors=[error_from(error)], results=[])

    @classmethod
    def perform(cls, info: Any, ids: list[str]) -> Any:
        from ...errors import ProgrammeError
        from ...services.application_bulk import approve_applications

        pks: list[int] = []
        results: list[BulkResult | None] = []
        for global_id in ids:
            try:
                pks.append(_application_pk(global_id))
                results.append(None)
            except ProgrammeError as error:
                pks.append(0)
                results.append(BulkResult(id=global_id, ok=False, error=error_from(error)))
        valid = [pk for pk in pks if pk]
        rows = iter(approve_applications(valid, actor=viewer(info).actor) if valid else ())
        return cls.ok(
            results=[
                done if done is not None else _bulk_result(global_id, next(rows))
                for global_id, done in zip(ids, results, strict=True)
            ]
        )


def _bulk_result(global_id: str, row: Any) -> BulkResult:
    return BulkResult(
        id=global_id, ok=row.ok, error=error_from(row.error) if row.error is not None else None
    )


class DashboardMutations(graphene.ObjectType):
    distributor_bulk_approve = DistributorBulkApprove.Field()
