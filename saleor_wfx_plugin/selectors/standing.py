"""A distributor's grade and status as they stood at a past moment, read back from the audit
trail: every grade change, suspension and reactivation records an event with its time and (for
a grade) the grade it replaced, so the earliest event after the moment tells what held then.

The month-end close judges the same-grade bonus on the grades at the month's end (the monthly
upgrade that follows must not decide a month sold under the old grades), and the simulator
replays a closed month with the statuses its close saw.
"""

from __future__ import annotations

from datetime import date, datetime

from ..domain.attribution import DistributorStatus
from ..models import Distributor, DistributorEvent, Grade, MonthClose
from ..shop import shop_time_zone
from .sales import month_bounds, month_start


def month_end(month: date) -> datetime:
    return month_bounds(month, shop_time_zone())[1]


def grades_at(moment: datetime) -> dict[int, int | None]:
    """Each distributor's grade id at `moment` (None: no grade)."""
    grades: dict[int, int | None] = dict(Distributor.objects.values_list("pk", "grade_id"))
    later = (
        DistributorEvent.objects.filter(
            kind=DistributorEvent.Kind.GRADE_CHANGED, created_at__gte=moment
        )
        .order_by("distributor_id", "created_at", "id")
        .values_list("distributor_id", "data")
    )
    slugs: dict[str, int] | None = None
    seen: set[int] = set()
    for distributor_id, data in later:
        if distributor_id in seen:
            continue
        seen.add(distributor_id)
        if slugs is None:
            slugs = dict(Grade.objects.values_list("slug", "pk"))
        before = (data or {}).get("from")
        # A grade deleted since cannot have been anyone's: it could not be deleted while in use.
        grades[distributor_id] = slugs.get(before) if before else None
    return grades


STATUS_BEFORE = {
    DistributorEvent.Kind.SUSPENDED: DistributorStatus.ACTIVE,
    DistributorEvent.Kind.REACTIVATED: DistributorStatus.SUSPENDED,
}


def inactive_at(moment: datetime | None = None) -> frozenset[int]:
    """Distributors who were not active at `moment` (None: now): suspended, pending, rejected."""
    statuses = dict(Distributor.objects.values_list("pk", "status"))
    if moment is not None:
        later = (
            DistributorEvent.objects.filter(kind__in=list(STATUS_BEFORE), created_at__gte=moment)
            .order_by("distributor_id", "created_at", "id")
            .values_list("distributor_id", "kind")
        )
        seen: set[int] = set()
        for distributor_id, kind in later:
            if distributor_id not in seen:
                seen.add(distributor_id)
                statuses[distributor_id] = STATUS_BEFORE[DistributorEvent.Kind(kind)]
    return frozenset(pk for pk, status in statuses.items() if status != DistributorStatus.ACTIVE)


def inactive_at_close(months: list[date]) -> dict[date, frozenset[int]]:
    """For each month, who was not active when it was closed (now, for a month not closed)."""
    closed = dict(
        MonthClose.objects.filter(month__in=[month_start(month) for month in months]).values_list(
            "month", "closed_at"
        )
    )
    now = inactive_at()
    return {month: inactive_at(closed[month]) if month in closed else now for month in months}
