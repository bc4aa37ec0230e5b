"""The programme at a glance, for the dashboard's overview: one currency, a period of whole days
in the shop's time zone (`WFX_TIME_ZONE`), every figure from the records it belongs to.

- Referred orders and sales: orders with a seller that met the commission trigger in the period
  (`commissionable_at`, the day the customer paid), valued as the sales figures value them
  (goods net of refunds, no shipping: `selectors/sales.py`); cancelled orders and orders refunded
  in full are not counted as orders.
- Commission accrued, reversed and paid: the ledger's accruals, reversals (negative) and money
  moved into the PAID bucket, by the day each entry was written.
- Payouts waiting: requests not yet finally approved, whatever the period (a queue, not a
  history).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from ..domain.attribution import DistributorStatus
from ..domain.money import quantize
from ..errors import InputError
from ..models import (
    Distributor,
    DistributorApplication,
    LedgerEntry,
    Payout,
    ReferralAttribution,
)
from ..shop import shop_time_zone
from .sales import kept_by_customer, net_goods_value

ZERO = Decimal(0)
MAX_PERIOD_DAYS = 366
WAITING_FOR_APPROVAL = (Payout.Status.REQUESTED, Payout.Status.FIRST_APPROVED)
WAITING_FOR_PAYMENT = (Payout.Status.APPROVED, Payout.Status.EXPORTED)


@dataclass(frozen=True)
class Period:
    """Whole days `first`..`last` (inclusive) in the shop's time zone."""

    first: date
    last: date

    @classmethod
    def of(cls, first: date, last: date) -> Period:
        if last < first:
            raise InputError(_("dateTo is before dateFrom."), code="invalid", field="dateTo")
        if (last - first).days + 1 > MAX_PERIOD_DAYS:
            raise InputError(
                _("A period covers at most %(max_period_days)s days.")
                % {"max_period_days": MAX_PERIOD_DAYS},
                code="invalid",
                field="dateTo",
            )
        return cls(first, last)

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, datetime.min.time()), _zone())

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        following = self.last + timedelta(days=1)
        return timezone.make_aware(datetime.combine(following, datetime.min.time()), _zone())

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def _zone():  # type: ignore[no-untyped-def]
    return shop_time_zone()


@dataclass(frozen=True)
class DailyFigures:
    day: date
    referred_sales: Decimal
    commission: Decimal


@dataclass(frozen=True)
class ProgrammeStatistics:
    currency: str
    first: date
    last: date
    active_distributors: int
    new_applications: int
    referred_orders: int
    referred_sales: Decimal
    commission_accrued: Decimal
    commission_reversed: Decimal
    commission_paid: Decimal
    payouts_waiting_count: int
    payouts_waiting_amount: Decimal
    daily: list[DailyFigures]


@dataclass(frozen=True)
class TopDistributor:
    distributor: Distributor
    sales: Decimal
    commission: Decimal


def _referred_orders(currency: str, period: Period) -> QuerySet[ReferralAttribution]:
    return ReferralAttribution.objects.filter(
        seller__isnull=False,
        currency=currency,
        commissionable_at__gte=period.start,
        commissionable_at__lt=period.end,
    )


def _ledger(currency: str, period: Period) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(
        currency=currency, created_at__gte=period.start, created_at__lt=period.end
    )


def programme_statistics(currency: str, first: date, last: date) -> ProgrammeStatistics:
    period = Period.of(first, last)
    currency = currency.strip().upper()
    zone = _zone()

    sales_by_day = dict(
        _referred_orders(currency, period)
        .annotate(day=TruncDate("commissionable_at", tzinfo=zone), net=net_goods_value())
        .values("day")
        .annotate(total=Sum("net"))
        .values_list("day", "total")
    )
    referred_orders = (
        _referred_orders(currency, period).filter(kept_by_customer()).order_by().count()
    )
    ledger = _ledger(currency, period)
    money = ledger.aggregate(
        accrued=Coalesce(Sum("amount", filter=Q(kind=LedgerEntry.Kind.ACCRUAL)), ZERO),
        reversed=Coalesce(Sum("amount", filter=Q(kind=LedgerEntry.Kind.REVERSAL)), ZERO),
        paid=Coalesce(
            Sum(
                "amount",
                filter=Q(kind=LedgerEntry.Kind.PAYOUT, bucket=LedgerEntry.Bucket.PAID),
            ),
            ZERO,
        ),
    )
    commission_by_day = dict(
        ledger.filter(kind=LedgerEntry.Kind.ACCRUAL)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(total=Sum("amount"))
        .values_list("day", "total")
    )
    waiting = Payout.objects.filter(currency=currency, status__in=WAITING_FOR_APPROVAL).aggregate(
        count=Count("pk"), amount=Coalesce(Sum("amount"), ZERO)
    )

    def amount(value: Decimal | None) -> Decimal:
        return quantize(Decimal(value or 0), currency) + ZERO

    return ProgrammeStatistics(
        currency=currency,
        first=period.first,
        last=period.last,
        active_distributors=Distributor.objects.filter(
            status=DistributorStatus.ACTIVE, created_at__lt=period.end
        ).count(),
        new_applications=DistributorApplication.objects.filter(
            created_at__gte=period.start, created_at__lt=period.end
        ).count(),
        referred_orders=referred_orders,
        referred_sales=amount(sum(sales_by_day.values(), ZERO)),
        commission_accrued=amount(money["accrued"]),
        commission_reversed=amount(money["reversed"]),
        commission_paid=amount(money["paid"]),
        payouts_waiting_count=waiting["count"],
        payouts_waiting_amount=amount(waiting["amount"]),
        daily=[
            DailyFigures(
                day=day,
                referred_sales=amount(sales_by_day.get(day)),
                commission=amount(commission_by_day.get(day)),
            )
            for day in period.days()
        ],
    )


def top_distributors(currency: str, first: date, last: date, limit: int) -> list[TopDistributor]:
    """The sellers with the most sales in the period (own sales, as the sales figures count
    them), with the commission they accrued in it at every level; ties by code."""
    if not 1 <= limit <= 100:
        raise InputError(_("first must be between 1 and 100."), code="invalid", field="first")
    period = Period.of(first, last)
    currency = currency.strip().upper()
    sales = dict(
        _referred_orders(currency, period)
        .annotate(net=net_goods_value())
        .values("seller_id")
        .annotate(total=Sum("net"))
        .order_by()
        .values_list("seller_id", "total")
    )
    commission: dict[int, Decimal] = defaultdict(Decimal)
    for distributor_id, total in (
        _ledger(currency, period)
        .filter(kind=LedgerEntry.Kind.ACCRUAL, distributor_id__in=list(sales))
        .values("distributor_id")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("distributor_id", "total")
    ):
        commission[distributor_id] = total
    distributors = Distributor.objects.select_related("grade").in_bulk(list(sales))
    ranked = sorted(
        sales,
        key=lambda pk: (-(sales[pk] or ZERO), distributors[pk].code if pk in distributors else ""),
    )[:limit]
    return [
        TopDistributor(
            distributor=distributors[pk],
            sales=quantize(Decimal(sales[pk] or 0), currency) + ZERO,
            commission=quantize(commission.get(pk, ZERO), currency) + ZERO,
        )
        for pk in ranked
        if pk in distributors
    ]


class TodoQueue:
    APPLICATIONS = "applications"
    PAYOUTS_TO_APPROVE = "payouts_to_approve"
    PAYOUTS_TO_PAY = "payouts_to_pay"
    FRAUD_REVIEW = "fraud_review"


def todo_counts() -> dict[str, int]:
    """What waits for staff now: applications to decide, payouts to approve and to pay, and
    orders refunded beyond what they charged (their commission was reversed in full and
    someone should look at why)."""
    payouts = Payout.objects.aggregate(
        to_approve=Count("pk", filter=Q(status__in=WAITING_FOR_APPROVAL)),
        to_pay=Count("pk", filter=Q(status__in=WAITING_FOR_PAYMENT)),
    )
    return {
        TodoQueue.APPLICATIONS: DistributorApplication.objects.filter(
            status=DistributorApplication.Status.PENDING
        ).count(),
        TodoQueue.PAYOUTS_TO_APPROVE: payouts["to_approve"],
        TodoQueue.PAYOUTS_TO_PAY: payouts["to_pay"],
        TodoQueue.FRAUD_REVIEW: ReferralAttribution.objects.filter(over_refunded=True).count(),
    }


def application_counts() -> dict[str, int]:
    """Applications per status; every status present, zeros included."""
    counts = dict(
        DistributorApplication.objects.values("status")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("status", "count")
    )
    return {status: counts.get(status, 0) for status in DistributorApplication.Status.values}


def payout_counts(currency: str | None = None) -> dict[str, int]:
    payouts = Payout.objects.all()
    if currency:
        payouts = payouts.filter(currency=currency.strip().upper())
    counts = dict(
        payouts.values("status")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("status", "count")
    )
    return {status: counts.get(status, 0) for status in Payout.Status.values}
