"""Month-end close: the growth rules applied to the orders settled in a month, posted once, with
later refunds settled at the next close. Worked numbers with the article's rules (ladder
≥ 10,000 → 15 %, ≥ 30,000 → 20 %; team ≥ 100,000 → +1 %) and the test shop's rates 10 / 5 / 2.

The shop is in Shanghai; the tree is A → B → C → D (A recruited B, and so on), so on D's orders
D is level 1, C level 2, B level 3 and A a fourth generation.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from saleor_wfx_plugin.apps import CLOSE_BEAT_ENTRY, register_close_schedule
from saleor_wfx_plugin.errors import ProgrammeConfigError
from saleor_wfx_plugin.models import (
    BonusRules,
    GrowthAward,
    GrowthAwardLine,
    LadderBracket,
    LedgerEntry,
    Settlement,
)
from saleor_wfx_plugin.sandbox.simulator import SimulatedLine
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.services.month_close import close_month
from saleor_wfx_plugin.tasks import close_month_task

pytestmark = pytest.mark.django_db

D = Decimal
MARCH = date(2025, 3, 1)
APRIL = date(2025, 4, 1)
MID_MARCH = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)
MID_APRIL = datetime(2025, 4, 10, 4, 0, tzinfo=UTC)
MAY = datetime(2025, 5, 20, 4, 0, tzinfo=UTC)


def goods(price):
    return SimulatedLine("Goods", D(price), product_id="goods")


@pytest.fixture(autouse=True)
def shanghai(settings, shop, monkeypatch):
    settings.WFX_TIME_ZONE = "Asia/Shanghai"
    settings.WFX_PROGRAM_SETTINGS = {
        **settings.WFX_PROGRAM_SETTINGS,
        "confirm_days_after_fulfilment": "0",
    }


@pytest.fixture
def now(monkeypatch):
    """The moment the close runs; May unless a test moves it."""
    moment = {"at": MAY}
    monkeypatch.setattr(timezone, "now", lambda: moment["at"])
    return moment


@pytest.fixture
def ladder(db):
    LadderBracket.objects.create(currency="CNY", min_sales=D("10000"), rate=D("15"))
    LadderBracket.objects.create(currency="CNY", min_sales=D("30000"), rate=D("20"))


@pytest.fixture
def team_bonus(db):
    BonusRules.objects.create(currency="CNY", team_threshold=D("100000"), team_extra_rate=D("1"))


@pytest.fixture
def sell(shop, now):
    """An order by `code`, paid and fulfilled at `paid_at` and released from the T+3 hold a
    week later (inside the same month for the dates used here)."""
    customers = iter(range(1, 10_000))

    def sell(code, *prices, paid_at=MID_MARCH):
        previous = now["at"]
        now["at"] = paid_at
        order = shop.place_order(
            [goods(price) for price in prices],
            referral_code=code,
            email=f"customer{next(customers)}@example.com",
        )
        shop.pay(order.order_id)
        shop.fulfil(order.order_id, at=paid_at)
        settlements = Settlement.objects.filter(attribution__order_id=order.order_id)
        settle_due(paid_at + timedelta(days=7), settlement_ids=[s.pk for s in settlements])
        now["at"] = previous
        return order

    return sell


def bonuses(distributor, rule=None):
    entries = LedgerEntry.objects.filter(distributor=distributor, kind="bonus")
    if rule:
        entries = entries.filter(award__rule=rule)
    return entries.aggregate(total=Sum("amount"))["total"] or D(0)


def test_ladder_top_up_posts_five_percent_of_the_months_sales_tracing_to_each_order(
    program, tree, ladder, sell
):
    """D sold 6,000 + 5,000 = 11,000 in March at 10 %: the 15 % bracket tops up 5 %, 550.00,
    as 300.00 and 250.00 on the two orders, into D's available money."""
    d = tree[3]
    first = sell("DDD444", "6000.00")
    second = sell("DDD444", "5000.00")
    before = balance(d, "CNY").available

    result = close_month(MARCH, program=program())

    assert (result.awards, result.total_by_currency) == (1, {"CNY": D("550.00")})
    (award,) = GrowthAward.objects.filter(distributor=d)
    assert (award.rule, award.amount, award.close.month) == ("ladder", D("550.00"), MARCH)
    assert sorted(
        (str(line.attribution.order_id), line.rate, line.amount) for line in award.lines.all()
    ) == sorted(
        [
            (first.order_id, D("5"), D("300.00")),
            (second.order_id, D("5"), D("250.00")),
        ]
    )
    assert balance(d, "CNY").available - before == D("550.00")
    assert bonuses(d) == D("550.00")


def test_below_the_first_bracket_and_without_rules_nothing_is_posted(program, tree, sell, ladder):
    sell("DDD444", "9999.99")
    assert close_month(MARCH, program=program()).awards == 0
    assert not LedgerEntry.objects.filter(kind="bonus").exists()


def test_closing_a_month_twice_posts_nothing_the_second_time(program, tree, ladder, sell):
    sell("DDD444", "12000.00")
    first = close_month(MARCH, program=program())
    entries = LedgerEntry.objects.count()

    second = close_month(MARCH, program=program())

    assert (first.already_closed, second.already_closed) == (False, True)
    assert second.awards == 0
    assert LedgerEntry.objects.count() == entries
    assert bonuses(tree[3]) == D("600.00")


def test_a_refund_after_the_close_reverses_its_share_of_the_top_up_at_the_next_close(
    shop, program, tree, ladder, sell, now
):
    """March: 6,000 + 5,000 → 550.00. In April half of the 5,000 order comes back: the April
    close takes back half of its 250.00 top-up (−125.00); March's bracket stays closed."""
    d = tree[3]
    sell("DDD444", "6000.00")
    refunded = sell("DDD444", "5000.00")
    close_month(MARCH, program=program())
    shop.refund(refunded.order_id, D("2500.00"))

    april = close_month(APRIL, program=program())

    assert (april.reversals, april.total_by_currency) == (1, {"CNY": D("-125.00")})
    assert bonuses(d) == D("425.00")
    reversal = GrowthAwardLine.objects.get(is_reversal=True)
    assert (str(reversal.attribution.order_id), reversal.amount) == (
        refunded.order_id,
        D("-125.00"),
    )
    # Nothing more to settle at the close after.
    now["at"] = datetime(2025, 6, 20, 4, 0, tzinfo=UTC)
    assert close_month(date(2025, 5, 1), program=program()).reversals == 0


def test_a_refund_before_the_close_counts_only_what_was_kept(shop, program, tree, ladder, sell):
    """12,000 sold, 2,000 refunded before the close: own sales 10,000 reach 15 %, and the top-up
    is 5 % of the 10,000 kept, 500.00."""
    order = sell("DDD444", "12000.00")
    shop.refund(order.order_id, D("2000.00"))

    close_month(MARCH, program=program())

    assert bonuses(tree[3]) == D("500.00")


def test_team_bonus_pays_one_percent_to_the_three_levels_and_never_to_a_fourth(
    program, tree, team_bonus, sell
):
    """D sells 100,000: D, C and B each have 100,000 of team sales and earn 1 % = 1,000.00. A,
    the fourth generation, and A's recruiting, earn nothing."""
    a, b, c, d = tree
    sell("DDD444", "50000.00", "50000.00")

    close_month(MARCH, program=program())

    assert [bonuses(x, "team") for x in (a, b, c, d)] == [
        D("0"),
        D("1000.00"),
        D("1000.00"),
        D("1000.00"),
    ]
    assert not LedgerEntry.objects.filter(distributor=a).exists()


def test_with_two_levels_the_upline_of_the_upline_earns_no_bonus(program, tree, team_bonus, sell):
    _, b, c, d = tree
    settings = program(commission_levels="2")
    sell("DDD444", "100000.00")

    close_month(MARCH, program=settings)

    assert [bonuses(x) for x in (b, c, d)] == [D("0"), D("1000.00"), D("1000.00")]


def test_the_combined_cap_bounds_the_bonuses_and_the_rest_is_not_paid(
    program, tree, ladder, team_bonus, sell
):
    """Cap 25 %: commission pays 17 %, the 20 % bracket wants +10 on D's 100,000 and gets 8
    (8,000.00); the team bonus finds no room left."""
    settings = program(max_total_rate="25")
    sell("DDD444", "100000.00")

    close_month(MARCH, program=settings)

    assert bonuses(tree[3], "ladder") == D("8000.00")
    assert LedgerEntry.objects.filter(kind="bonus", award__rule="team").count() == 0


def test_the_current_month_cannot_be_closed(program, now):
    now["at"] = MID_MARCH
    with pytest.raises(ProgrammeConfigError) as error:
        close_month(MARCH, program=program())
    assert error.value.code == "month_not_over"


def test_the_command_closes_a_month_and_a_rerun_says_nothing_was_posted(
    program, tree, ladder, sell
):
    sell("DDD444", "12000.00")
    out = StringIO()
    call_command("wfx_close_month", "--month", "2025-03", stdout=out)
    call_command("wfx_close_month", "--month", "2025-03", stdout=out)
    assert out.getvalue().splitlines() == [
        "2025-03 closed: 1 awards posted (600.00 CNY), 0 refunded lines reversed.",
        "2025-03 was already closed: nothing posted.",
    ]
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("wfx_close_month", "--month", "March")


def test_the_task_closes_the_previous_month_by_default(program, tree, ladder, sell):
    sell("DDD444", "12000.00", paid_at=datetime(2025, 4, 10, 4, 0, tzinfo=UTC))
    report = close_month_task()
    assert (report["month"], report["awards"], report["total"]) == (
        "2025-04",
        1,
        {"CNY": "600.00"},
    )
    assert close_month_task()["already_closed"] is True


def test_the_close_is_scheduled_on_the_first_of_the_month(settings):
    settings.CELERY_BEAT_SCHEDULE = {}
    register_close_schedule()
    entry = settings.CELERY_BEAT_SCHEDULE[CLOSE_BEAT_ENTRY]
    assert entry["task"] == "saleor_wfx_plugin.tasks.close_month_task"
    assert entry["schedule"].day_of_month == {1}


def test_same_grade_and_per_order_bonuses_post_when_switched_on(program, tree, sell, gold):
    """D and C both gold (seller rate 15 %): C earns 10 % of D's own commission of 300.00 on
    2,000 of sales, 30.00. Per-order 3.00 for each of D's two orders to C and B, at most 5.00 a
    month: 3.00 + 2.00 each; A, the fourth generation, nothing."""
    a, b, c, d = tree
    for member in (c, d):
        member.grade = gold
        member.save(update_fields=["grade"])
    BonusRules.objects.create(
        currency="CNY",
        same_grade_share=D("10"),
        per_order_amount=D("3.00"),
        per_order_monthly_cap=D("5.00"),
    )
    sell("DDD444", "1000.00")
    sell("DDD444", "1000.00")

    close_month(MARCH, program=program())

    assert bonuses(c, "same_grade") == D("30.00")
    assert [bonuses(x, "per_order") for x in (a, b, c, d)] == [
        D("0"),
        D("5.00"),
        D("5.00"),
        D("0"),
    ]
