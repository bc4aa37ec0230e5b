"""Grades: the monthly automatic upgrade and the staff override, each change in the audit trail.

A grade sets the seller's commission rate, so what earns a grade must be sales: the rules look at
own sales, team sales (the levels commission is paid on, never deeper) and orders, and at nothing
about recruiting (禁止传销条例: pay for recruiting is pay for recruiting, whatever it is called).
Team-sales criteria apply only while the merchant has switched `grade_team_sales_rules` on: a
higher seller rate earned by a downline's sales is close to 团队计酬 (art. 7(3)).

Sales count in the month their commission settled (left the T+N hold), net of refunds, not the
month they were paid: an upgrade bought on the 31st and returned after the 1st would otherwise
keep its higher rate. The monthly run only ever raises a grade. Lowering one is a staff
decision, with a reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..domain.attribution import DistributorStatus
from ..domain.settings import ProgramSettings
from ..errors import ProgrammeConfigError
from ..lock_objects import lock_distributor
from ..models import Distributor, DistributorEvent, Grade
from ..selectors.sales import (
    SalesBasis,
    SalesFigures,
    month_start,
    monthly_order_counts,
    monthly_sales,
    previous_month,
    shop_time_zone,
)
from .events import SYSTEM_ACTOR, record_event

logger = logging.getLogger(__name__)

# DistributorEvent.reason's length: a longer reason is refused rather than cut short.
REASON_MAX_LENGTH = 500


class GradeUpgrade(NamedTuple):
    code: str
    from_grade: str | None
    to_grade: str


@dataclass
class GradeEvaluation:
    month: date
    upgraded: list[GradeUpgrade] = field(default_factory=list)
    # Active distributors whose grade is not locked.
    checked: int = 0
    # Grades with a team-sales criterion that was not applied (`grade_team_sales_rules` off):
    # nobody reached them this month.
    team_rules_off: list[str] = field(default_factory=list)


def parse_month(text: str) -> date:
    """ "2025-03" → 2025-03-01."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ProgrammeConfigError(
            _("%(text)r is not a month; write it as YYYY-MM, e.g. 2025-03.") % {"text": text},
            code="invalid_month",
            field="month",
        ) from None


def set_grade(
    distributor: Distributor, grade: Grade, *, actor: str, reason: str, lock: bool = True
) -> Distributor:
    """Staff set a distributor's grade, up or down. With `lock` (the default) the monthly run
    leaves the grade alone from now on; `lock=False` hands it back to the monthly run.

    Changes the rate of orders paid from now on only: paid orders keep their frozen plan.
    """
    reason = reason.strip()
    if not reason:
        raise ProgrammeConfigError(
            _("Say why the grade changes: the reason is kept in the distributor's history."),
            code="reason_required",
            field="reason",
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ProgrammeConfigError(
            _("Keep the reason to %(reason_max_length)s characters.")
            % {"reason_max_length": REASON_MAX_LENGTH},
            code="reason_too_long",
            field="reason",
        )
    if grade is None:
        raise ProgrammeConfigError(_("Choose a grade."), code="grade_required", field="grade")
    if not actor:
        raise ValueError("a grade change needs the actor who made it")
    with transaction.atomic():
        current = _lock_distributor(distributor)
        if current.grade_id == grade.pk and current.grade_locked == lock:
            _copy_grade(current, distributor)
            return distributor
        old_slug = current.grade.slug if current.grade else None
        current.grade = grade
        current.grade_locked = lock
        current.save(update_fields=["grade", "grade_locked", "updated_at"])
        record_event(
            current,
            DistributorEvent.Kind.GRADE_CHANGED,
            actor=actor,
            reason=reason,
            locked=lock,
            **{"from": old_slug, "to": grade.slug},
        )
    _copy_grade(current, distributor)
    return distributor


def unlock_grade(distributor: Distributor, *, actor: str, reason: str = "") -> Distributor:
    """Hand the grade back to the monthly run. The grade itself stays as it is until the next
    run finds the distributor qualifies for a higher one."""
    if not actor:
        raise ValueError("unlocking a grade needs the actor who did it")
    with transaction.atomic():
        current = _lock_distributor(distributor)
        if current.grade_locked:
            current.grade_locked = False
            current.save(update_fields=["grade_locked", "updated_at"])
            slug = current.grade.slug if current.grade else None
            # No event kind of its own: a grade change that keeps the grade and records the lock.
            record_event(
                current,
                DistributorEvent.Kind.GRADE_CHANGED,
                actor=actor,
                reason=reason.strip() or "Grade handed back to the monthly upgrade",
                locked=False,
                **{"from": slug, "to": slug},
            )
    _copy_grade(current, distributor)
    return distributor


def evaluate_grades(
    month: date | None = None, *, program: ProgramSettings | None = None
) -> GradeEvaluation:
    """Upgrade every active distributor whose grade is not locked to the highest grade whose
    rule their settled sales in `month` meet, when that grade ranks above their current one.

    `month` is any day of the month to judge; by default the previous calendar month in the
    shop's time zone. `program` is the programme's settings (read from the shop when not given;
    while the programme is switched off nothing is judged). Running it again for the same month
    changes nothing: each upgrade is recorded under a key naming the distributor and the month.
    """
    if month is None:
        month = previous_month(timezone.localdate(timezone=shop_time_zone()))
    month = month_start(month)
    evaluation = GradeEvaluation(month=month)
    if program is None:
        from ..shop import get_shop

        program = get_shop().program_settings()
        if program is None:
            return evaluation
    rules = [grade for grade in Grade.objects.order_by("-rank", "slug") if grade.has_upgrade_rule]
    if not program.grade_team_sales_rules:
        evaluation.team_rules_off = sorted(
            grade.slug for grade in rules if grade.upgrade_min_team_sales is not None
        )
        if evaluation.team_rules_off:
            logger.warning(
                "wfx: grades %s have a team-sales criterion but grade_team_sales_rules is off: "
                "nobody is upgraded to them automatically",
                ", ".join(evaluation.team_rules_off),
            )
    candidates = list(
        Distributor.objects.select_related("grade").filter(
            status=DistributorStatus.ACTIVE, grade_locked=False
        )
    )
    evaluation.checked = len(candidates)
    if not rules or not candidates:
        return evaluation

    sales = {
        currency: monthly_sales(
            month,
            currency,
            basis=SalesBasis.SETTLED,
            team_levels=program.commission_levels,
        )
        for currency in {grade.upgrade_currency for grade in rules if grade.upgrade_currency}
    }
    any_currency_orders = (
        monthly_order_counts(month, basis=SalesBasis.SETTLED)
        if any(not grade.upgrade_currency for grade in rules)
        else {}
    )
    for distributor in candidates:
        current_rank = distributor.grade.rank if distributor.grade else None
        earned = highest_grade_earned(
            rules,
            sales={
                currency: figures[distributor.pk]
                for currency, figures in sales.items()
                if distributor.pk in figures
            },
            orders_in_any_currency=any_currency_orders.get(distributor.pk, 0),
            team_sales_rules=program.grade_team_sales_rules,
        )
        if earned is None or (current_rank is not None and earned.rank <= current_rank):
            continue
        figures = None
        orders = any_currency_orders.get(distributor.pk, 0)
        if earned.upgrade_currency:
            figures = sales[earned.upgrade_currency].get(distributor.pk) or SalesFigures(
                earned.upgrade_currency, Decimal(0), Decimal(0), 0
            )
            orders = figures.orders
        upgrade = _upgrade(distributor, earned, month, figures, orders)
        if upgrade is not None:
            evaluation.upgraded.append(upgrade)
    return evaluation


def highest_grade_earned(
    grades: Iterable[Grade],
    *,
    sales: Mapping[str, SalesFigures],
    orders_in_any_currency: int,
    team_sales_rules: bool,
) -> Grade | None:
    """The highest-ranked grade with a rule whose every set criterion is met. Sales in another
    currency than the grade's never count toward it: they are not converted. Without
    `team_sales_rules` a team-sales criterion is never met: ignoring it instead would hand the
    grade out on the rule's other criteria alone, more easily than the merchant asked."""
    best: Grade | None = None
    for grade in grades:
        if not grade.has_upgrade_rule or (best is not None and grade.rank <= best.rank):
            continue
        if grade.upgrade_min_team_sales is not None and not team_sales_rules:
            continue
        if _meets_rule(grade, sales, orders_in_any_currency):
            best = grade
    return best


def _meets_rule(
    grade: Grade, sales: Mapping[str, SalesFigures], orders_in_any_currency: int
) -> bool:
    figures = sales.get(grade.upgrade_currency) if grade.upgrade_currency else None
    own_sales = figures.own_sales if figures else Decimal(0)
    team_sales = figures.team_sales if figures else Decimal(0)
    orders = figures.orders if figures else 0
    if not grade.upgrade_currency:
        orders = orders_in_any_currency
    return (
        (grade.upgrade_min_sales is None or own_sales >= grade.upgrade_min_sales)
        and (grade.upgrade_min_team_sales is None or team_sales >= grade.upgrade_min_team_sales)
        and (grade.upgrade_min_orders is None or orders >= grade.upgrade_min_orders)
    )


def _upgrade(
    distributor: Distributor,
    grade: Grade,
    month: date,
    figures: SalesFigures | None,
    orders: int,
) -> GradeUpgrade | None:
    key = f"grade-upgrade:{distributor.pk}:{month:%Y-%m}"
    try:
        with transaction.atomic():
            # Re-read under the row lock: staff may have set or locked the grade, or a
            # concurrent run upgraded it, since the candidates were read.
            current = _lock_distributor(distributor)
            if (
                current.status != DistributorStatus.ACTIVE
                or current.grade_locked
                or (current.grade is not None and current.grade.rank >= grade.rank)
                or DistributorEvent.objects.filter(idempotency_key=key).exists()
            ):
                return None
            old_slug = current.grade.slug if current.grade else None
            current.grade = grade
            current.save(update_fields=["grade", "updated_at"])
            record_event(
                current,
                DistributorEvent.Kind.GRADE_CHANGED,
                actor=SYSTEM_ACTOR,
                reason=_upgrade_reason(grade, month, figures, orders),
                idempotency_key=key,
                month=f"{month:%Y-%m}",
                **{"from": old_slug, "to": grade.slug},
                orders=orders,
                **_sales_data(figures),
            )
    except IntegrityError:
        # The unique key is the backstop: another run recorded this month's upgrade first.
        return None
    return GradeUpgrade(current.code, old_slug, grade.slug)


def _upgrade_reason(grade: Grade, month: date, figures: SalesFigures | None, orders: int) -> str:
    if figures is None:
        return (
            f"Monthly upgrade for {month:%Y-%m}: {orders} orders in any currency met the "
            f"{grade.name} rule"
        )
    return (
        f"Monthly upgrade for {month:%Y-%m}: own sales {figures.own_sales} {figures.currency}, "
        f"team sales {figures.team_sales} {figures.currency}, {figures.orders} orders met the "
        f"{grade.name} rule"
    )


def _sales_data(figures: SalesFigures | None) -> dict[str, str]:
    if figures is None:
        return {}
    return {
        "currency": figures.currency,
        "own_sales": str(figures.own_sales),
        "team_sales": str(figures.team_sales),
    }


def _lock_distributor(distributor: Distributor) -> Distributor:
    return lock_distributor(distributor.pk)


def _copy_grade(source: Distributor, target: Distributor) -> None:
    if target is not source:
        target.grade = source.grade
        target.grade_locked = source.grade_locked
        target.updated_at = source.updated_at
