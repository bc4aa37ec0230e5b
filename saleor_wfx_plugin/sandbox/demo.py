"""The demo: a small programme run end to end on SQLite, no Saleor needed.

    python -m saleor_wfx_plugin.sandbox.demo

A → B → C → D are four generations of recruiting. D's sale pays D, C and B; A, the fourth
generation, gets nothing: the law stops commission at three levels including the seller.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", help="SQLite file to keep (default: a fresh temporary one)", default=None
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="then serve the dashboard pages inside a stand-in dashboard and print its URL",
    )
    parser.add_argument("--port", type=int, default=8000, help="the plugin's port (--serve)")
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="wfx-demo-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["WFX_SQLITE_PATH"] = args.db or str(Path(workdir) / "demo.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_wfx_plugin.sandbox.settings")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings

    settings.WFX_PROGRAM_SETTINGS = {
        "default_seller_rate": "10",
        "level2_rate": "5",
        "level3_rate": "2",
        "commission_levels": "3",
    }
    if args.serve:
        from .dashboard_serve import serve

        return serve(args.port)
    run_story(print)
    return 0


def run_story(say) -> None:  # type: ignore[no-untyped-def]
    from ..domain.attribution import DistributorStatus
    from ..models import CommissionRule, Grade
    from ..services.distributors import create_distributor
    from ..shop import get_shop
    from .report import print_report
    from .simulator import SimulatedLine, SimulatedShop

    # A fresh install: the plugin is inactive until the merchant switches it on (pluginUpdate),
    # which starts the programme's history; orders placed before that moment never earn.
    SimulatedShop.plugin_active = False
    SimulatedShop.switch_plugin(True)
    settings_now = get_shop().program_settings()
    assert settings_now is not None
    for warning in settings_now.warnings:
        say(f"! {warning}\n")

    # The migrations install ordinary / gold / partner; the demo pays gold 15 %.
    gold = Grade.objects.get(slug="gold")
    gold.seller_rate = Decimal("15")
    gold.save()
    a = create_distributor(email="a@example.com", code="AAA111")
    b = create_distributor(email="b@example.com", code="BBB222", upline=a)
    c = create_distributor(email="c@example.com", code="CCC333", upline=b, grade=gold)
    d = create_distributor(email="d@example.com", code="DDD444", upline=c)
    create_distributor(email="e@example.com", code="EEE555", status=DistributorStatus.SUSPENDED)
    CommissionRule.objects.create(
        scope=CommissionRule.Scope.PRODUCT,
        saleor_id="serum-299",
        seller_rate=Decimal("20"),
        note="profit product",
    )

    mask = SimulatedLine("Mask 面膜", Decimal("9.90"), quantity=3, product_id="mask-99")
    serum = SimulatedLine("Serum 精华", Decimal("299.00"), product_id="serum-299")
    gift_set = SimulatedLine("Gift set 礼盒", Decimal("699.00"), product_id="set-699")

    shop = SimulatedShop
    story = []
    order = shop.place_order([mask, serum], referral_code=" ddd444 ", email="amy@example.com")
    shop.pay(order.order_id)
    story.append((order, "D's link, paid: D 10%/20%, C 5%, B 2%, A nothing"))

    order = shop.place_order([gift_set], referral_code="CCC333", email="bob@example.com")
    shop.pay(order.order_id)
    shop.refund(order.order_id, Decimal("349.50"))
    story.append((order, "C (gold 15%), paid then half refunded"))

    order = shop.place_order([serum], email="amy@example.com")
    shop.pay(order.order_id)
    story.append((order, "no code: Amy is bound to D for 30 days"))

    order = shop.place_order([serum], referral_code="BBB222", email="carl@example.com")
    shop.pay(order.order_id)
    shop.cancel(order.order_id)
    story.append((order, "B's link, paid then cancelled: all reversed"))

    order = shop.place_order([mask], referral_code="NOPE99", email="dan@example.com")
    shop.pay(order.order_id)
    story.append((order, "unknown code"))

    order = shop.place_order([mask], referral_code="EEE555", email="eve@example.com")
    shop.pay(order.order_id)
    story.append((order, "suspended distributor's code"))

    order = shop.place_order([serum], referral_code="DDD444", email="d@example.com")
    shop.pay(order.order_id)
    story.append((order, "D buys with own code: self-purchase is off"))

    # Saleor lost the payment hook of this one; the sweep repairs it.
    order = shop.place_order([gift_set], referral_code="DDD444", email="fay@example.com")
    shop.pay(order.order_id, notify=False)
    story.append((order, "payment hook lost, repaired by the sweep"))
    from ..tasks import reconcile_recent_orders_task

    sweep = reconcile_recent_orders_task()
    print_report(say, story, [a, b, c, d], sweep)
    run_money_story(say, shop, story, [a, b, c, d], serum)


def run_money_story(say, shop, story, distributors, serum) -> None:  # type: ignore[no-untyped-def]
    """Deliveries, the T+3 hold, a payout with tax withheld, and a refund after the payout."""
    from datetime import timedelta

    from django.utils import timezone

    from ..domain.money import quantize
    from ..domain.settings import ProgramSettings
    from ..services.ledger import settle_due
    from ..services.payouts import (
        PayeeDetails,
        approve_payout,
        create_batch,
        mark_paid,
        request_payout,
    )
    from .report import print_balances

    d = distributors[3]
    # Everything was delivered twenty days ago: confirmed seven days later (automatic receipt
    # confirmation, the default), and the T+3 business-day hold is over.
    delivered = timezone.now() - timedelta(days=20)
    for order, _ in story:
        shop.fulfil(order.order_id, at=delivered)
    settle_due()  # what Celery beat runs every 15 minutes
    say(
        "\nEvery order was delivered twenty days ago: confirmed seven days after delivery "
        "(China's seven-day return runs from receipt), and the T+3 business-day hold is over."
    )
    print_balances(say, "Balances after the hold", distributors)

    program = ProgramSettings()  # labour-remuneration tax, monthly; at least 10 CNY
    payee = PayeeDetails("bank", "丁大伟", "6222 0212 3456 7890 123", "ICBC", "11010519491231002X")
    available = next(b.available for b in _balances(d) if b.currency == "CNY")
    payout = request_payout(
        d,
        currency="CNY",
        amount=available,
        payee=payee,
        idempotency_key="demo-1",
        actor=f"user:{d.pk}",
        program=program,
    )
    payout = approve_payout(payout, actor="user:staff-1", program=program)
    batch, _ = create_batch(actor="user:staff-1")  # the file finance upload to the bank
    payout.refresh_from_db()
    payout = mark_paid(payout, actor="user:staff-1", transfer_reference="ICBC-DEMO-0001")
    tax = quantize(payout.tax or Decimal(0), "CNY")
    net = quantize(payout.net or Decimal(0), "CNY")
    say(
        f"\nD asks for all of it and is paid {quantize(payout.amount, 'CNY')} CNY: {tax} income "
        f"tax withheld (劳务报酬: nothing up to 800), {net} transferred in bank batch "
        f"{batch.pk}, reference {payout.transfer_reference}. D's resident ID is now on D's "
        "profile: later requests need not send it."
    )

    first_order = story[0][0]
    shop.refund(first_order.order_id, first_order.refunds.order_total)
    print_balances(say, "Amy returns her first order after D was paid", [d])
    order = shop.place_order([serum, serum], referral_code="DDD444", email="gus@example.com")
    shop.pay(order.order_id)
    shop.fulfil(order.order_id, at=delivered)
    settle_due()
    print_balances(say, "D's next sale offsets the clawback", [d])


def _balances(distributor):  # type: ignore[no-untyped-def]
    from ..selectors.balances import balances

    return balances(distributor)


if __name__ == "__main__":
    sys.exit(main())
