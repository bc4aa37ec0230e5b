"""How well a distributor's links convert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from ..models import Distributor, ReferralAttribution, ReferralClick
from ..shop import shop_time_zone
from .counting import RowCount

RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class ClickStats:
    # Visitor-days: a visitor who follows a link on three days counts three times. The visitor
    # fingerprint changes every day by design, so distinct visitors over a period are unknowable.
    clicks: int
    # Orders attributed to the distributor as seller (through their code or a customer binding),
    # cancelled ones included: the visit did turn into an order.
    referred_orders: int
    # referred_orders / clicks, 4 decimal places; None without clicks. Can exceed 1: bound
    # customers come back without clicking.
    conversion_rate: Decimal | None


def click_stats(distributor: Distributor, *, since: date | None = None) -> ClickStats:
    """Clicks and referred orders from the start of `since` in the shop's time zone (all time
    when None), in one statement."""
    clicks = ReferralClick.objects.filter(distributor=distributor)
    orders = ReferralAttribution.objects.filter(seller=distributor)
    if since is not None:
        clicks = clicks.filter(day__gte=since)
        orders = orders.filter(placed_at__gte=datetime.combine(since, time(), shop_time_zone()))
    click_count, order_count = (
        Distributor.objects.filter(pk=distributor.pk)
        .annotate(
            click_count=RowCount(clicks.values("pk")), order_count=RowCount(orders.values("pk"))
        )
        .values_list("click_count", "order_count")
        .get()
    )
    rate = None
    if click_count:
        rate = (Decimal(order_count) / Decimal(click_count)).quantize(
            RATE_PLACES, rounding=ROUND_HALF_UP
        )
    return ClickStats(clicks=click_count, referred_orders=order_count, conversion_rate=rate)
