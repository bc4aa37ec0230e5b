"""The simulator's fast path against the engine itself: on a random month of orders (random
tree, prices, several lines, a product rule, full refunds, grades, every growth rule on, a cap
that bites), after the close, the unchanged programme run through the simulator must give
each distributor exactly what the ledger holds for them — commission net of refunds plus the
close's bonuses — as "what was" and as "what would be". Grade changes and a suspension after
the close must not move it: the simulator replays the month with the grades at its end and
the statuses its close saw.
"""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from saleor_wfx_plugin.models import (
    BonusRules,
    CommissionRule,
    Grade,
    LadderBracket,
    LedgerEntry,
    ReferralAttribution,
    Settlement,
)
from saleor_wfx_plugin.sandbox.simulator import SimulatedLine
from saleor_wfx_plugin.selectors.simulation import current_draft, run_simulation
from saleor_wfx_plugin.services.distributors import create_distributor, suspend_distributor
from saleor_wfx_plugin.services.grades import set_grade
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.services.month_close import close_month
from tests.services import test_month_close as month_close

pytestmark = pytest.mark.django_db

shanghai = month_close.shanghai
now = month_close.now

D = Decimal
MARCH = month_close.MARCH
BEFORE_MARCH = datetime(2025, 2, 10, 4, 0, tzinfo=UTC)
THE_CLOSE = datetime(2025, 5, 21, 4, 0, tzinfo=UTC)
AFTER_THE_CLOSE = datetime(2025, 5, 25, 4, 0, tzinfo=UTC)


def ledger_paid() -> dict[int, Decimal]:
    """What the engine posted per distributor: commission (accruals and reversals) and bonuses;
    a distributor whose only order was refunded in full holds nothing."""
    rows = (
        LedgerEntry.objects.filter(kind__in=["accrual", "reversal", "bonus"])
        .values_list("distributor_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {distributor_id: total for distributor_id, total in rows if total}


def random_month(shop, now, seed):
    chance = random.Random(seed)
    gold = Grade.objects.get(slug="gold")
    people = []
    now["at"] = BEFORE_MARCH
    for number in range(1, 9):
        upline = chance.choice(people) if people and number > 1 else None
        person = create_distributor(
            code=f"RND{number:03d}", email=f"rnd{number}@example.com", upline=upline
        )
        if chance.random() < 0.5:
            set_grade(person, gold, actor="user:staff", reason="Launch cohort")
        people.append(person)
    now["at"] = month_close.MAY
    orders = []
    for customer in range(24):
        lines = [
            SimulatedLine(
                "Serum" if chance.random() < 0.3 else "Goods",
                D(chance.randrange(5_000, 900_000)) / 100,
                quantity=chance.randint(1, 3),
                product_id="serum" if chance.random() < 0.3 else "goods",
            )
            for _ in range(chance.randint(1, 3))
        ]
        seller = chance.choice(people)
        orders.append(sell_lines(shop, now, seller.code, lines, customer))
    # Refunded in full: nothing of them is kept. (A part refund is reversed by the engine
    # against the goods refunded, the simulator takes the share of the order kept, as the
    # monthly sales do: the two can differ by a fen per line, so parts are not drawn here.)
    for order in chance.sample(orders, 3):
        total = ReferralAttribution.objects.get(order_id=order.order_id).order_total
        shop.refund(order.order_id, total)
    return people


def sell_lines(shop, now, code, lines, customer):
    """An order of `lines` by `code`, paid, fulfilled and released from the hold in March."""
    now["at"] = month_close.MID_MARCH
    order = shop.place_order(lines, referral_code=code, email=f"buyer{customer}@example.com")
    shop.pay(order.order_id)
    shop.fulfil(order.order_id, at=month_close.MID_MARCH)
    settlements = Settlement.objects.filter(attribution__order_id=order.order_id)
    settle_due(
        month_close.MID_MARCH + timedelta(days=7), settlement_ids=[s.pk for s in settlements]
    )
    now["at"] = month_close.MAY
    return order


@pytest.mark.parametrize("seed", [11, 2025])
def test_the_unchanged_programme_gives_back_exactly_what_the_engine_posted(
    shop, program, now, seed
):
    CommissionRule.objects.create(scope="product", saleor_id="serum", seller_rate=D("20"))
    LadderBracket.objects.create(currency="CNY", min_sales=D("10000"), rate=D("15"))
    LadderBracket.objects.create(currency="CNY", min_sales=D("30000"), rate=D("20"))
    BonusRules.objects.create(
        currency="CNY",
        team_threshold=D("20000"),
        team_extra_rate=D("1"),
        same_grade_share=D("10"),
        per_order_amount=D("3.00"),
        per_order_monthly_cap=D("7.00"),
    )
    settings = program(max_total_rate="30")
    people = random_month(shop, now, seed)
    # Suspended before the close: earns no bonus for March.
    suspend_distributor(people[2], actor="user:staff", reason="Under review")
    now["at"] = THE_CLOSE
    close_month(MARCH, program=settings)
    posted = ledger_paid()
    # After the close: grades change, another distributor is suspended.
    now["at"] = AFTER_THE_CLOSE
    partner = Grade.objects.get(slug="partner")
    for person in people[:4]:
        set_grade(person, partner, actor="user:staff", reason="Promoted")
    suspend_distributor(people[5], actor="user:staff", reason="Left")

    simulation = run_simulation(MARCH, MARCH, draft=current_draft(settings))

    outcomes = {
        key[0]: (o.was, o.would_be)
        for key, o in simulation.distributors.items()
        if o.was or o.would_be
    }
    assert outcomes == {pk: (amount, amount) for pk, amount in posted.items()}
    assert LedgerEntry.objects.filter(kind="bonus").exists()
    totals = simulation.currencies["CNY"]
    assert totals.was == totals.would_be == sum(posted.values())
