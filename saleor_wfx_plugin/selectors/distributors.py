"""Distributors as the API lists them: staff's list, a distributor's team, counts below them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from ..models import Distributor, DistributorApplication
from .counting import RowCount


@dataclass(frozen=True)
class TeamCounts:
    direct: int  # recruited by the distributor
    indirect: int  # recruited by those


def distributors() -> QuerySet[Distributor]:
    return Distributor.objects.all()


def distributors_with_grade() -> QuerySet[Distributor]:
    return Distributor.objects.select_related("grade")


def distributor_events(distributor: Distributor) -> QuerySet[Any]:
    """The audit trail, in the model's order."""
    return distributor.events.all()


def application_documents(application: DistributorApplication) -> QuerySet[Any]:
    return application.documents.all()


def distributor_of_user(user_id: str) -> Distributor | None:
    """A customer's own distributor, with its team counts (`team_direct`, `team_indirect`)
    in the same statement: the `me` page shows them, and they cost two index scans."""
    return (
        Distributor.objects.select_related("grade")
        .filter(user_id=user_id)
        .annotate(team_direct=RowCount(_direct()), team_indirect=RowCount(_indirect()))
        .first()
    )


def distributor_by_id(pk: Any) -> Distributor | None:
    return Distributor.objects.select_related("grade", "upline", "identity").filter(pk=pk).first()


def distributor_by_code(code: str) -> Distributor | None:
    return (
        Distributor.objects.select_related("grade", "upline", "identity").filter(code=code).first()
    )


def _direct() -> QuerySet[Distributor]:
    return Distributor.objects.filter(upline_id=OuterRef("pk")).values("pk")


def _indirect() -> QuerySet[Distributor]:
    direct = Distributor.objects.filter(upline_id=OuterRef(OuterRef("pk"))).values("pk")
    return Distributor.objects.filter(upline_id__in=direct).values("pk")


def team_counts(distributor_ids: Iterable[int]) -> dict[int, TeamCounts]:
    """Direct and indirect recruits of many distributors in one statement, each count an index
    scan on `upline_id` (the indirect one through the direct recruits)."""
    rows = (
        Distributor.objects.filter(pk__in=list(distributor_ids))
        .annotate(direct=RowCount(_direct()), indirect=RowCount(_indirect()))
        .values_list("pk", "direct", "indirect")
    )
    return {pk: TeamCounts(direct, indirect) for pk, direct, indirect in rows}


def team_members(distributor: Distributor) -> QuerySet[Distributor]:
    """The two levels below a distributor, level 1 first, newest first within a level. The
    members are those whose upline is the distributor or one of its direct recruits. The
    uplines' ids are collected into an array first (`= ANY(ARRAY(…))`, one index scan), so
    PostgreSQL finds the members through the `upline_id` index; an OR across a self-join, or a
    semi-join on a subquery, reads the whole table (100,000 rows for a team of 6,400)."""
    table = Distributor._meta.db_table
    in_team: Any = RawSQL(
        f'"{table}"."upline_id" = ANY(ARRAY(SELECT "id" FROM "{table}" '
        'WHERE "id" = %s OR "upline_id" = %s))',
        (distributor.pk, distributor.pk),
        output_field=BooleanField(),
    )
    if connection.vendor != "postgresql":  # the SQLite sandbox: same rows, no arrays
        uplines = Distributor.objects.filter(Q(pk=distributor.pk) | Q(upline_id=distributor.pk))
        in_team = Q(upline_id__in=uplines.values("pk"))
    return (
        Distributor.objects.filter(in_team)
        .select_related("grade")
        .annotate(
            team_level=Case(
                When(upline_id=distributor.pk, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("team_level", "-created_at", "-id")
    )


def staff_applications(
    *,
    search: str = "",
    statuses: Iterable[str] = (),
) -> QuerySet[Any]:
    queryset = DistributorApplication.objects.select_related("recruiter", "distributor")
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search) | Q(email__icontains=search) | Q(phone__icontains=search)
        )
    statuses = list(statuses)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    return queryset.order_by("-created_at", "-id")


def latest_application(user_id: str | None) -> DistributorApplication | None:
    applications = DistributorApplication.objects.filter(user_id=user_id)
    return applications.order_by("-created_at", "-id").first()
