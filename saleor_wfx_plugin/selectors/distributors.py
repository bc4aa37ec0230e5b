"""Distributors as the API lists them: staff's list, a distributor's team, counts below them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
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
    # No order: the model's default one would have PostgreSQL sort rows it only counts.
    return Distributor.objects.filter(upline_id=OuterRef("pk")).order_by().values("pk")


def _indirect() -> QuerySet[Distributor]:
    direct = Distributor.objects.filter(upline_id=OuterRef(OuterRef("pk"))).order_by()
    return Distributor.objects.filter(upline_id__in=direct.values("pk")).order_by().values("pk")


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
    return _in_team_order(Distributor.objects.filter(in_team), distributor.pk)


def _in_team_order(queryset: QuerySet[Distributor], distributor_id: int) -> QuerySet[Distributor]:
    return (
        queryset.select_related("grade")
        .annotate(
            team_level=Case(
                When(upline_id=distributor_id, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("team_level", "-created_at", "-id")
    )


def team_member_window(distributor: Distributor, *related: str) -> TeamMemberWindow:
    """`team_members(distributor)` narrowed to the rows one page can hold, for `paginate`;
    `related` as `select_related` takes it, for the rows' own relations."""
    return TeamMemberWindow(distributor.pk, related)


@dataclass(frozen=True)
class TeamMemberWindow:
    """The ids of at most `limit` members after a cursor's key (team level, joined, id), read
    level by level off the (upline, created_at, id) index: the newest recruits are the first
    `limit` entries under the distributor, and the level below is read only when the page
    reaches it (a gate PostgreSQL evaluates once). Sorting both levels together fetched and
    sorted the whole team, 6,410 rows (20 ms) for a page of 20. The rows are then read by id
    and put in the team order, in the same statement."""

    distributor_id: int
    related: tuple[str, ...] = ()

    def __call__(self, key: list[Any] | None, limit: int) -> QuerySet[Distributor] | None:
        if connection.vendor != "postgresql":
            return None  # the SQLite sandbox: few rows, the whole team's query will do
        level, after_level_1, after_level_2 = 1, "", ""
        params_1: list[Any] = []
        params_2: list[Any] = []
        if key is not None:
            level, joined, pk = int(key[0]), key[1], int(key[2])
            if level not in (1, 2) or not isinstance(joined, datetime):
                raise ValueError("not a team member's key")
            if level == 1:
                after_level_1 = ' AND ("created_at", "id") < (%s, %s)'
                params_1 = [joined, pk]
            else:
                after_level_1 = " AND FALSE"
                after_level_2 = ' AND ("created_at", "id") < (%s, %s)'
                params_2 = [joined, pk]
        table = f'"{Distributor._meta.db_table}"'
        ids = (
            f"WITH level_1 AS MATERIALIZED (SELECT id FROM {table} WHERE upline_id = %s"
            f"{after_level_1} ORDER BY created_at DESC, id DESC LIMIT %s) "
            "SELECT id FROM level_1 UNION ALL ("
            f"SELECT id FROM {table} WHERE upline_id = ANY(ARRAY("
            f"SELECT id FROM {table} WHERE upline_id = %s)){after_level_2} "
            "AND (SELECT count(*) FROM level_1) < %s ORDER BY created_at DESC, id DESC LIMIT %s)"
        )
        params = [self.distributor_id, *params_1, limit, self.distributor_id, *params_2]
        params += [limit, limit]
        # An array, not `IN (…)`: PostgreSQL then fetches the few rows by primary key; a
        # semi-join may scan the table instead.
        in_page = RawSQL(f'{table}."id" = ANY(ARRAY({ids}))', params, output_field=BooleanField())
        page = Distributor.objects.filter(in_page).select_related(*self.related)
        return _in_team_order(page, self.distributor_id)


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
