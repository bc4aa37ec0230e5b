"""Reads of the programme: its on/off history, its grades and commission rules."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, QuerySet

from ..models import CommissionRule, Distributor, Grade, ProgrammeSwitch


def last_switch() -> ProgrammeSwitch | None:
    return ProgrammeSwitch.objects.order_by("-at", "-id").first()


def programme_active_at(moment: datetime) -> bool:
    """Whether the merchant had the programme switched on at `moment`: the last switch at or
    before it says so. Before the first switch-on the programme was off.

    A pause the merchant did not ask for (the version check on an unsupported Saleor, a broker
    outage) is not in the history: the programme stays on and the sweep catches up afterwards."""
    active = (
        ProgrammeSwitch.objects.filter(at__lte=moment)
        .order_by("-at", "-id")
        .values_list("active", flat=True)
        .first()
    )
    return bool(active)


def programme_switches() -> QuerySet[ProgrammeSwitch]:
    """The history, latest first."""
    return ProgrammeSwitch.objects.order_by("-at", "-id")


def grades_with_counts() -> QuerySet[Grade]:
    """Every grade, lowest rank first, with `distributor_count`."""
    return Grade.objects.annotate(distributor_count=Count("distributor")).order_by("rank", "slug")


def grade_distributor_count(grade: Grade) -> int:
    return Distributor.objects.filter(grade=grade).count()


def commission_rules() -> QuerySet[CommissionRule]:
    return CommissionRule.objects.order_by("scope", "saleor_id", "id")
