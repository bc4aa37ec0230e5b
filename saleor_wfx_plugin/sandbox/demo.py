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
    run_story(print)
    return 0


def run_story(say) -> None:  # type: ignore[no-untyped-def]
    from ..domain.attribution import DistributorStatus
    from ..models import CommissionRule, Grade
    from ..services.distributors import create_distributor
    from ..shop import get_shop
    from .report import print_report
    from .simulator import SimulatedLine, SimulatedShop

    settings_now = get_shop().program_settings()
    assert settings_now is not None
    for warning in settings_now.warnings:
        say(f"! {warning}\n")

    gold = Grade.objects.create(slug="gold", name="Gold 金牌", seller_rate=Decimal("15"), rank=1)
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


if __name__ == "__main__":
    sys.exit(main())
