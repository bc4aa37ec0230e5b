"""Month-end close (issue 11, rule 8): apply the growth rules to the orders settled in a month
and post what they award to the ledger, once.

A close is recorded once per month (`MonthClose`, unique): a second run, a repeated Celery
delivery or two runs at once find it and post nothing. Each award is keyed by
distributor + month + rule + currency (a unique row, and the ledger's idempotency key) and made
of per-order-line rows, so every fen of a bonus traces to the orders that earned it.

A refund of an order an earlier close counted is settled at the next close: each award line is
worth its full amount times the share the customer still keeps, and the close posts the
difference as a reversal line of that month's award (the rate stays the one the order earned:
a refund does not re-open the bracket of a closed month).

Bonuses are posted straight into `available`: they are computed only from orders already out of
the T+N hold, and a negative one is a clawback carried forward like any refund after payout.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..domain.growth import Award, MonthFacts, amount_now, month_awards
from ..domain.settings import ProgramSettings
from ..errors import ProgrammeConfigError
from ..lock_objects import lock_distributors
from ..models import (
    GrowthAward,
    GrowthAwardLine,
    LedgerEntry,
    MonthClose,
    ReferralAttribution,
)
from ..selectors.growth import growth_rules, kept_share, settled_lines
from ..selectors.sales import SalesBasis, month_start, monthly_sales, previous_month
from ..selectors.standing import grades_at, inactive_at, month_end
from ..shop import shop_time_zone

ZERO = Decimal(0)
SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class CloseResult:
    month: date
    already_closed: bool
    awards: int
    total_by_currency: dict[str, Decimal]
    reversals: int


def default_month() -> date:
    """The previous calendar month in the shop's time zone."""
    return previous_month(timezone.now().astimezone(shop_time_zone()).date())


def close_month(
    month: date | None, *, program: ProgramSettings, actor: str = SYSTEM_ACTOR
) -> CloseResult:
    month = month_start(month or default_month())
    today = timezone.now().astimezone(shop_time_zone()).date()
    if month >= month_start(today):
        raise ProgrammeConfigError(
            _("%(month)s is not over yet: a month is closed after its last day.")
            % {"month": f"{month:%Y-%m}"},
            code="month_not_over",
            field="month",
        )
    try:
        with transaction.atomic():
            return _close(month, program, actor)
    except IntegrityError:
        # Another run inserted the same month's close first and has posted everything.
        if MonthClose.objects.filter(month=month).exists():
            return CloseResult(month, True, 0, {}, 0)
        raise


def _close(month: date, program: ProgramSettings, actor: str) -> CloseResult:
    if MonthClose.objects.filter(month=month).exists():
        return CloseResult(month, True, 0, {}, 0)
    close = MonthClose.objects.create(month=month, actor=actor[:128])
    rules_by_currency = growth_rules()
    lines = settled_lines(month) if rules_by_currency else []
    # The grades the month was sold under (the monthly upgrade after it is not one of them),
    # and who is not active now, when the bonuses are paid: they earn none.
    grades = grades_at(month_end(month))
    inactive = inactive_at()
    # (distributor, rule, currency) → award lines to write
    pending: dict[tuple[int, str, str], list[GrowthAwardLine]] = defaultdict(list)
    for currency, rules in rules_by_currency.items():
        sales = monthly_sales(
            month, currency, basis=SalesBasis.SETTLED, team_levels=program.commission_levels
        )
        facts = MonthFacts(
            own_sales={pk: figures.own_sales for pk, figures in sales.items()},
            team_sales={pk: figures.team_sales for pk, figures in sales.items()},
            grades=grades,
            commission_levels=program.commission_levels,
            max_total_rate=program.max_total_rate,
            inactive=inactive,
        )
        for award in month_awards(rules, lines, facts).awards:
            if award.amount or award.full_amount:
                pending[(award.distributor_id, award.rule.value, currency)].append(
                    _award_line(award)
                )
    reversals = _refund_reversals(month, pending)
    result = _post(close, pending)
    return CloseResult(month, False, result[0], result[1], reversals)


def _award_line(award: Award) -> GrowthAwardLine:
    return GrowthAwardLine(
        attribution_id=award.order_key,
        order_line_id=award.line_id,
        level=award.level,
        rate=award.rate,
        full_amount=award.full_amount,
        amount=award.amount,
    )


def _refund_reversals(
    month: date, pending: dict[tuple[int, str, str], list[GrowthAwardLine]]
) -> int:
    """Lines of earlier closes whose order was refunded or cancelled since: what each is worth
    now against what was posted for it; the difference joins this close's award."""
    touched = ReferralAttribution.objects.filter(
        Q(cancelled=True) | Q(refunded_amount__gt=0),
        growth_award_lines__award__close__month__lt=month,
    ).distinct()
    orders = {order.pk: order for order in touched}
    if not orders:
        return 0
    rows = (
        GrowthAwardLine.objects.filter(attribution_id__in=list(orders))
        .values(
            "attribution_id",
            "order_line_id",
            "level",
            "award__distributor_id",
            "award__rule",
            "award__currency",
        )
        .annotate(posted=Sum("amount"), full=Sum("full_amount", filter=Q(is_reversal=False)))
        .order_by("attribution_id", "order_line_id", "level", "award__rule")
    )
    count = 0
    for row in rows:
        order = orders[row["attribution_id"]]
        currency = row["award__currency"]
        worth = amount_now(row["full"] or ZERO, kept_share(order), currency)
        difference = worth - row["posted"]
        if not difference:
            continue
        count += 1
        pending[(row["award__distributor_id"], row["award__rule"], currency)].append(
            GrowthAwardLine(
                attribution_id=order.pk,
                order_line_id=row["order_line_id"],
                level=row["level"],
                rate=0,
                full_amount=0,
                amount=difference,
                is_reversal=True,
            )
        )
    return count


def _post(
    close: MonthClose, pending: dict[tuple[int, str, str], list[GrowthAwardLine]]
) -> tuple[int, dict[str, Decimal]]:
    # Distributors' rows first (lock order step 4): a payout request reading their available
    # balance waits for the bonuses instead of reserving money a reversal is taking back.
    lock_distributors(distributor_id for distributor_id, _, _ in pending)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    awards = []
    for (distributor_id, rule, currency), lines in sorted(pending.items()):
        amount = sum((line.amount for line in lines), ZERO)
        award = GrowthAward(
            close=close, distributor_id=distributor_id, rule=rule, currency=currency, amount=amount
        )
        awards.append((award, lines))
    GrowthAward.objects.bulk_create([award for award, _ in awards])
    award_lines = []
    entries = []
    for award, lines in awards:
        for line in lines:
            line.award = award
            award_lines.append(line)
        if award.amount:
            totals[award.currency] += award.amount
            entries.append(
                LedgerEntry(
                    distributor_id=award.distributor_id,
                    currency=award.currency,
                    bucket=LedgerEntry.Bucket.AVAILABLE,
                    kind=LedgerEntry.Kind.BONUS,
                    amount=award.amount,
                    movement=uuid.uuid4(),
                    award=award,
                    actor=SYSTEM_ACTOR,
                    reason=f"{award.rule} {close.month:%Y-%m}",
                    idempotency_key=(
                        f"growth:{award.distributor_id}:{close.month:%Y-%m}:{award.rule}:"
                        f"{award.currency}"
                    ),
                )
            )
    GrowthAwardLine.objects.bulk_create(award_lines)
    LedgerEntry.objects.bulk_create(entries)
    return len(entries), dict(totals)
