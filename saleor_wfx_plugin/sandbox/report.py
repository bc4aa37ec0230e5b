"""The demo's plain-text report."""

from __future__ import annotations

from ..models import ReferralAttribution
from ..selectors.commissions import distributor_earnings, order_commission_by_level


def print_report(say, story, distributors, sweep) -> None:  # type: ignore[no-untyped-def]
    say("== Distributors (upline tree) ==")
    for distributor in distributors:
        upline = distributor.upline.code if distributor.upline else "HQ"
        grade = distributor.grade.name if distributor.grade else "ordinary"
        say(f"  {distributor.code}  upline {upline:<7} grade {grade}")

    say("\n== Orders ==")
    for order, caption in story:
        attribution = ReferralAttribution.objects.filter(order_id=order.order_id).first()
        goods = sum(line.net_amount for line in order.lines)
        say(f"#{order.number}  {goods} {order.currency} goods — {caption}")
        if attribution is None:
            say("    not attributed (no code, no binding)")
            continue
        if attribution.code_rejection:
            say(f"    code {attribution.submitted_code!r} refused: {attribution.code_rejection}")
        if attribution.seller_id is None:
            continue
        say(f"    attributed by {attribution.source} to {attribution.seller.code}")
        levels = order_commission_by_level(str(order.order_id))
        if not levels:
            say("    no commission")
        for row in levels:
            say(f"    level {row.level}  {row.distributor_code:<7} {row.amount:>9} {row.currency}")

    say("\n== Commission per distributor (ledger) ==")
    say(f"  {'code':<8}{'accrued':>10}{'reversed':>10}{'net':>10}")
    for row in distributor_earnings():
        say(f"  {row.code:<8}{row.accrued:>10}{row.reversed:>10}{row.net:>10} {row.currency}")
    say(
        f"\nSweep: {sweep['orders_seen']} orders checked, {sweep['orders_repaired']} repaired, "
        f"{sweep['entries_posted']} entries posted."
    )


def print_balances(say, title, distributors) -> None:  # type: ignore[no-untyped-def]
    from ..selectors.balances import balances

    say(f"\n== {title} ==")
    say(
        f"  {'code':<8}{'pending':>9}{'on hold':>9}{'available':>11}{'reserved':>10}"
        f"{'paid':>9}{'tax':>8}"
    )
    for distributor in distributors:
        for row in balances(distributor):
            say(
                f"  {distributor.code:<8}{row.pending:>9}{row.on_hold:>9}{row.available:>11}"
                f"{row.reserved:>10}{row.paid:>9}{row.tax:>8} {row.currency}"
            )
