"""Grades: the monthly upgrade judged on sales only, and the staff override, all in the audit trail.

The shop is in Shanghai (UTC+8) and the tree is A → B → C → D (A recruited B, and so on). Orders
are settled (fulfilled, then released from the T+3 hold) a week after payment unless a test says
otherwise: the grade rules count an order in the month it settles.
"""

import threading
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from saleor_wfx_plugin.apps import GRADES_BEAT_ENTRY, register_grades_schedule
from saleor_wfx_plugin.domain.attribution import DistributorStatus
from saleor_wfx_plugin.errors import ProgrammeConfigError
from saleor_wfx_plugin.models import Distributor, DistributorEvent, Grade, Settlement
from saleor_wfx_plugin.sandbox.simulator import SimulatedLine
from saleor_wfx_plugin.selectors.sales import (
    SalesBasis,
    SalesFigures,
    distributor_sales_summary,
    month_bounds,
    monthly_sales,
    shop_time_zone,
)
from saleor_wfx_plugin.services import grades as grade_service
from saleor_wfx_plugin.services.distributors import set_status
from saleor_wfx_plugin.services.grades import (
    GradeUpgrade,
    evaluate_grades,
    set_grade,
    unlock_grade,
)
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.tasks import evaluate_grades_task

pytestmark = pytest.mark.django_db

PAID = SalesBasis.PAID
SETTLED = SalesBasis.SETTLED
MARCH = date(2025, 3, 1)
APRIL = date(2025, 4, 1)
MID_MARCH = datetime(2025, 3, 14, 4, 0, tzinfo=UTC)
MID_APRIL = datetime(2025, 4, 14, 4, 0, tzinfo=UTC)
SET = SimulatedLine("Gift set", Decimal("699.00"), product_id="set")
SERUM = SimulatedLine("Serum", Decimal("299.00"), product_id="serum")


@pytest.fixture(autouse=True)
def shanghai(settings, shop):
    settings.WFX_TIME_ZONE = "Asia/Shanghai"
    # Confirmed on delivery (the default until it became 7 days after), so the worked months
    # below need no receipt-confirmation days.
    settings.WFX_PROGRAM_SETTINGS = {
        **settings.WFX_PROGRAM_SETTINGS,
        "confirm_days_after_fulfilment": "0",
    }


@pytest.fixture
def grades(db):
    """Gold for 1,000 CNY of own sales in a month; partner for 3,000 CNY of team sales and two
    orders of one's own. Ordinary has no rule, as the migration installs it."""
    ordinary, _ = Grade.objects.update_or_create(
        slug="ordinary", defaults={"name": "Ordinary", "rank": 0}
    )
    gold, _ = Grade.objects.update_or_create(
        slug="gold",
        defaults={
            "name": "Gold",
            "rank": 1,
            "seller_rate": Decimal("15"),
            "upgrade_min_sales": Decimal("1000"),
            "upgrade_currency": "CNY",
        },
    )
    partner, _ = Grade.objects.update_or_create(
        slug="partner",
        defaults={
            "name": "Partner",
            "rank": 2,
            "seller_rate": Decimal("20"),
            "upgrade_min_team_sales": Decimal("3000"),
            "upgrade_min_orders": 2,
            "upgrade_currency": "CNY",
        },
    )
    return {"ordinary": ordinary, "gold": gold, "partner": partner}


@pytest.fixture
def sell(shop, monkeypatch):
    """Place an order with a distributor's code and have it paid at `paid_at`; unless
    `settled_after` is None, fulfil it then and release its commission from the T+3 hold that
    long after payment (a week by default: past the hold whatever the weekday)."""
    customers = iter(range(1, 10_000))

    def sell(code, lines, *, paid_at=MID_MARCH, settled_after=timedelta(days=7), **options):
        options.setdefault("email", f"customer{next(customers)}@example.com")
        order = shop.place_order(lines, referral_code=code, **options)
        with monkeypatch.context() as clock:
            clock.setattr(timezone, "now", lambda: paid_at)
            shop.pay(order.order_id)
            if settled_after is not None:
                shop.fulfil(order.order_id, at=paid_at)
        if settled_after is not None:
            settlements = Settlement.objects.filter(attribution__order_id=order.order_id)
            settle_due(paid_at + settled_after, settlement_ids=[s.pk for s in settlements])
            assert all(s.released_at for s in settlements.all()), "still in the hold"
        return order

    return sell


@pytest.fixture(params=list(SalesBasis))
def basis(request):
    """The figures' value rules hold on either basis; only the month an order falls in differs."""
    return request.param


def grade_of(distributor):
    distributor.refresh_from_db()
    return distributor.grade.slug if distributor.grade else None


def grade_events(distributor):
    return list(
        DistributorEvent.objects.filter(
            distributor=distributor, kind=DistributorEvent.Kind.GRADE_CHANGED
        ).order_by("id")
    )


# --- Monthly sales ---------------------------------------------------------------------------


def test_own_sales_are_the_goods_sold_without_shipping(tree, sell, basis):
    d = tree[3]
    sell("DDD444", [SET, SERUM], shipping=Decimal("12"))
    sell("DDD444", [SERUM])

    assert monthly_sales(MARCH, "CNY", basis=basis)[d.pk] == SalesFigures(
        currency="CNY", own_sales=Decimal("1297.00"), team_sales=Decimal("1297.00"), orders=2
    )


def test_team_sales_count_two_levels_below_and_never_a_fourth_generation(tree, sell, basis):
    sell("DDD444", [SET, SET])  # 1,398: D sells, C upline, B grand upline, A nothing
    sell("CCC333", [SET])  # 699: C sells, B upline, A grand upline
    sell("BBB222", [SERUM])  # 299: B sells, A upline

    figures = monthly_sales(MARCH, "CNY", basis=basis)

    assert {code: figures[x.pk] for code, x in zip("ABCD", tree, strict=True)} == {
        "A": SalesFigures("CNY", Decimal("0.00"), Decimal("998.00"), 0),
        "B": SalesFigures("CNY", Decimal("299.00"), Decimal("2396.00"), 1),
        "C": SalesFigures("CNY", Decimal("699.00"), Decimal("2097.00"), 1),
        "D": SalesFigures("CNY", Decimal("1398.00"), Decimal("1398.00"), 1),
    }


def test_a_partial_refund_takes_its_share_of_the_goods_off_the_sales(shop, tree, sell, basis):
    d = tree[3]
    order = sell("DDD444", [SET, SET], shipping=Decimal("10"))
    # A quarter of the 1,408 charged comes back: a quarter of the 1,398 of goods is gone.
    shop.refund(order.order_id, Decimal("352"))

    assert monthly_sales(MARCH, "CNY", basis=basis)[d.pk] == SalesFigures(
        "CNY", Decimal("1048.50"), Decimal("1048.50"), 1
    )


def test_fully_refunded_and_cancelled_orders_add_neither_sales_nor_orders(shop, tree, sell, basis):
    d = tree[3]
    refunded = sell("DDD444", [SET])
    cancelled = sell("DDD444", [SET])
    sell("DDD444", [SERUM])
    shop.refund(refunded.order_id, Decimal("699"))
    shop.cancel(cancelled.order_id)

    assert monthly_sales(MARCH, "CNY", basis=basis)[d.pk] == SalesFigures(
        "CNY", Decimal("299.00"), Decimal("299.00"), 1
    )


def test_a_month_is_the_shops_month_not_utcs(tree, sell):
    d = tree[3]
    # 1 March 00:30 in Shanghai, still February in UTC: March.
    sell("DDD444", [SET], paid_at=datetime(2025, 2, 28, 16, 30, tzinfo=UTC))
    # 1 April 00:30 in Shanghai, still March in UTC: April.
    sell("DDD444", [SERUM], paid_at=datetime(2025, 3, 31, 16, 30, tzinfo=UTC))

    assert monthly_sales(MARCH, "CNY", basis=PAID)[d.pk].own_sales == Decimal("699.00")
    assert monthly_sales(APRIL, "CNY", basis=PAID)[d.pk].own_sales == Decimal("299.00")
    assert month_bounds(MARCH, shop_time_zone()) == (
        datetime(2025, 2, 28, 16, 0, tzinfo=UTC),
        datetime(2025, 3, 31, 16, 0, tzinfo=UTC),
    )


def test_orders_paid_outside_the_month_do_not_count(tree, sell):
    d = tree[3]
    sell("DDD444", [SET], paid_at=MID_APRIL)
    sell("DDD444", [SET], paid_at=datetime(2025, 2, 14, tzinfo=UTC))

    assert d.pk not in monthly_sales(MARCH, "CNY", basis=PAID)


def test_sales_in_another_currency_are_kept_apart_never_converted(tree, sell, basis):
    d = tree[3]
    sell("DDD444", [SET], currency="USD")
    sell("DDD444", [SERUM])

    assert monthly_sales(MARCH, "CNY", basis=basis)[d.pk].own_sales == Decimal("299.00")
    assert monthly_sales(MARCH, "USD", basis=basis)[d.pk].own_sales == Decimal("699.00")
    assert distributor_sales_summary(d, MARCH, basis=basis) == [
        SalesFigures("CNY", Decimal("299.00"), Decimal("299.00"), 1),
        SalesFigures("USD", Decimal("699.00"), Decimal("699.00"), 1),
    ]


def test_an_upline_sees_their_team_sales_in_their_summary(tree, sell, basis):
    b = tree[1]
    sell("DDD444", [SET])

    assert distributor_sales_summary(b, MARCH, basis=basis) == [
        SalesFigures("CNY", Decimal("0.00"), Decimal("699.00"), 0)
    ]


def test_monthly_sales_is_one_query_however_many_distributors_sold(
    tree, sell, basis, django_assert_num_queries
):
    for code in ("AAA111", "BBB222", "CCC333", "DDD444"):
        sell(code, [SERUM])

    with django_assert_num_queries(1):
        figures = monthly_sales(MARCH, "CNY", basis=basis)
    assert len(figures) == 4


# --- Monthly upgrade -------------------------------------------------------------------------


def test_own_sales_over_the_threshold_upgrade_to_gold_with_the_figures_as_reason(
    grades, tree, sell
):
    d = tree[3]
    sell("DDD444", [SET, SERUM])  # 998
    sell("DDD444", [SERUM])  # 299

    evaluation = evaluate_grades(MARCH)

    assert evaluation.upgraded == [GradeUpgrade("DDD444", None, "gold")]
    assert grade_of(d) == "gold"
    [event] = grade_events(d)
    assert (event.actor, event.idempotency_key) == ("system", f"grade-upgrade:{d.pk}:2025-03")
    assert event.reason == (
        "Monthly upgrade for 2025-03: own sales 1297.00 CNY, team sales 1297.00 CNY, "
        "2 orders met the Gold rule"
    )
    assert event.data["from"] is None
    assert event.data["to"] == "gold"


def test_own_sales_below_the_threshold_change_nothing(grades, tree, sell):
    d = tree[3]
    sell("DDD444", [SET, SERUM])  # 998: two yuan short of 1,000

    assert evaluate_grades(MARCH).upgraded == []
    assert grade_of(d) is None
    assert grade_events(d) == []


def test_a_refund_can_drop_sales_below_the_threshold(shop, grades, tree, sell):
    d = tree[3]
    order = sell("DDD444", [SET, SET])  # 1,398
    shop.refund(order.order_id, Decimal("699"))

    assert evaluate_grades(MARCH).upgraded == []
    assert grade_of(d) is None


def test_team_sales_from_levels_two_and_three_make_a_partner_but_a_fourth_level_does_not(
    grades, tree, sell, program
):
    program(grade_team_sales_rules="true")
    a, b, c, d = tree
    sell("DDD444", [SET, SET])  # D 1,398
    sell("DDD444", [SET, SET])  # D 1,398
    sell("BBB222", [SERUM])  # B 299
    sell("BBB222", [SERUM])  # B 299
    sell("AAA111", [SERUM])  # A 299
    sell("AAA111", [SERUM])  # A 299

    evaluate_grades(MARCH)

    # B: 598 own + D's 2,796 as grand upline = 3,394 with two orders of B's own.
    assert grade_of(b) == "partner"
    # A: 598 own + B's 598; D is A's fourth generation and counts for nothing.
    assert grade_of(a) is None
    # D: 2,796 own is gold's rule; partner also needs team sales D's own cannot reach.
    assert grade_of(d) == "gold"
    # C leads D's sales (2,796) but has no order of their own: partner needs two.
    assert grade_of(c) is None


def test_orders_outside_the_month_do_not_earn_a_grade(grades, tree, sell):
    sell("DDD444", [SET, SET], paid_at=datetime(2025, 3, 31, 16, 30, tzinfo=UTC))  # April there

    assert evaluate_grades(MARCH).upgraded == []
    assert evaluate_grades(date(2025, 4, 1)).upgraded == [GradeUpgrade("DDD444", None, "gold")]


def test_sales_in_another_currency_do_not_count_toward_a_cny_threshold(grades, tree, sell):
    d = tree[3]
    sell("DDD444", [SET, SET], currency="USD")

    assert evaluate_grades(MARCH).upgraded == []
    assert grade_of(d) is None


def test_a_grade_without_a_rule_is_never_given_automatically(grades, tree, sell):
    d = tree[3]
    Grade.objects.create(slug="ambassador", name="Ambassador", rank=9)
    sell("DDD444", [SET, SET])

    evaluate_grades(MARCH)

    assert grade_of(d) == "gold"


def test_a_rule_on_orders_alone_counts_orders_in_every_currency(grades, tree, sell):
    d = tree[3]
    Grade.objects.create(slug="regular", name="Regular", rank=1, upgrade_min_orders=2)
    Grade.objects.filter(slug="gold").update(rank=3)
    sell("DDD444", [SERUM], currency="USD")
    sell("DDD444", [SERUM])

    assert evaluate_grades(MARCH).upgraded == [GradeUpgrade("DDD444", None, "regular")]
    assert grade_events(d)[0].reason == (
        "Monthly upgrade for 2025-03: 2 orders in any currency met the Regular rule"
    )


def test_a_locked_grade_is_left_alone(grades, tree, sell):
    d = tree[3]
    set_grade(d, grades["ordinary"], actor="user:7", reason="Under review for fake orders")
    sell("DDD444", [SET, SET])

    evaluation = evaluate_grades(MARCH)

    assert evaluation.upgraded == []
    assert evaluation.checked == 3  # A, B, C: D's grade is staff's
    assert grade_of(d) == "ordinary"


def test_a_suspended_distributor_is_not_upgraded(grades, tree, sell):
    d = tree[3]
    sell("DDD444", [SET, SET])
    set_status(d, DistributorStatus.SUSPENDED)

    assert evaluate_grades(MARCH).upgraded == []
    assert grade_of(d) is None


def test_nobody_is_downgraded_automatically(grades, tree, sell):
    d = tree[3]
    set_grade(d, grades["partner"], actor="user:7", reason="Seed partner", lock=False)
    sell("DDD444", [SET, SET])  # enough for gold only

    assert evaluate_grades(MARCH).upgraded == []
    assert grade_of(d) == "partner"


def test_a_higher_grade_is_reached_in_one_step(grades, tree, sell, program):
    program(grade_team_sales_rules="true")
    b = tree[1]
    set_grade(b, grades["ordinary"], actor="user:7", reason="Imported", lock=False)
    sell("BBB222", [SET, SET, SET])
    sell("BBB222", [SET, SET, SET])

    assert evaluate_grades(MARCH).upgraded == [GradeUpgrade("BBB222", "ordinary", "partner")]
    assert [event.data["to"] for event in grade_events(b)] == ["ordinary", "partner"]


def test_running_the_same_month_again_changes_nothing(grades, tree, sell):
    d = tree[3]
    sell("DDD444", [SET, SET])
    evaluate_grades(MARCH)

    again = evaluate_grades(MARCH)

    assert again.upgraded == []
    assert len(grade_events(d)) == 1


def test_a_rerun_does_not_undo_staff_lowering_the_grade_after_the_upgrade(grades, tree, sell):
    d = tree[3]
    sell("DDD444", [SET, SET])
    evaluate_grades(MARCH)
    set_grade(d, grades["ordinary"], actor="user:7", reason="Orders were fake", lock=False)

    assert evaluate_grades(MARCH).upgraded == []
    assert grade_of(d) == "ordinary"


def test_the_default_month_is_the_previous_month_in_the_shops_time_zone(
    grades, tree, sell, monkeypatch
):
    sell("DDD444", [SET, SET])
    # 1 April 01:00 in Shanghai, still 31 March in UTC: March has ended in the shop.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 3, 31, 17, 0, tzinfo=UTC))

    evaluation = evaluate_grades()

    assert evaluation.month == MARCH
    assert evaluation.upgraded == [GradeUpgrade("DDD444", None, "gold")]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_runs_upgrade_once(grades, tree, sell, monkeypatch):
    d = tree[3]
    sell("DDD444", [SET, SET])

    def slowed_sales(*args, **kwargs):
        # Every run has read the candidates before any of them writes.
        time.sleep(0.2)
        return monthly_sales(*args, **kwargs)

    monkeypatch.setattr(grade_service, "monthly_sales", slowed_sales)
    results, errors = [], []
    barrier = threading.Barrier(3)

    def run():
        try:
            barrier.wait()
            results.append(evaluate_grades(MARCH))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(len(result.upgraded) for result in results) == [0, 0, 1]
    assert len(grade_events(d)) == 1


# --- Staff override --------------------------------------------------------------------------


def test_staff_set_a_grade_with_who_and_why_and_it_is_locked(grades, tree):
    d = tree[3]

    set_grade(d, grades["gold"], actor="user:12", reason="Top seller at the spring fair")

    assert (d.grade, d.grade_locked) == (grades["gold"], True)
    d.refresh_from_db()
    assert (d.grade_id, d.grade_locked) == (grades["gold"].pk, True)
    [event] = grade_events(d)
    assert (event.actor, event.reason, event.data) == (
        "user:12",
        "Top seller at the spring fair",
        {"from": None, "to": "gold", "locked": True},
    )


def test_staff_may_lower_a_grade(grades, tree):
    d = tree[3]
    set_grade(d, grades["partner"], actor="user:12", reason="Seed partner")

    set_grade(d, grades["gold"], actor="user:13", reason="Left the seed programme")

    assert grade_of(d) == "gold"
    assert [(e.actor, e.data["from"], e.data["to"]) for e in grade_events(d)] == [
        ("user:12", None, "partner"),
        ("user:13", "partner", "gold"),
    ]


def test_a_grade_change_without_a_reason_is_refused_and_changes_nothing(grades, tree):
    d = tree[3]

    with pytest.raises(ProgrammeConfigError) as refused:
        set_grade(d, grades["gold"], actor="user:12", reason="   ")

    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    assert grade_of(d) is None
    assert grade_events(d) == []


def test_a_reason_too_long_to_keep_whole_is_refused(grades, tree):
    d = tree[3]

    with pytest.raises(ProgrammeConfigError) as refused:
        set_grade(d, grades["gold"], actor="user:12", reason="x" * 501)

    assert (refused.value.code, refused.value.field) == ("reason_too_long", "reason")
    assert grade_of(d) is None


def test_setting_the_same_grade_and_lock_again_records_nothing(grades, tree):
    d = tree[3]
    set_grade(d, grades["gold"], actor="user:12", reason="Top seller")

    set_grade(d, grades["gold"], actor="user:12", reason="Top seller")

    assert len(grade_events(d)) == 1


def test_unlocking_hands_the_grade_back_to_the_monthly_run(grades, tree, sell):
    d = tree[3]
    set_grade(d, grades["ordinary"], actor="user:12", reason="Under review")
    sell("DDD444", [SET, SET])

    unlock_grade(d, actor="user:12", reason="Review cleared")
    evaluate_grades(MARCH)

    assert grade_of(d) == "gold"
    assert [(e.actor, e.reason, e.data) for e in grade_events(d)][1] == (
        "user:12",
        "Review cleared",
        {"from": "ordinary", "to": "ordinary", "locked": False},
    )
    assert Distributor.objects.get(pk=d.pk).grade_locked is False


# --- Task, command and schedule --------------------------------------------------------------


def test_the_task_reports_what_changed(grades, tree, sell):
    sell("DDD444", [SET, SET])

    assert evaluate_grades_task("2025-03") == {
        "month": "2025-03",
        "checked": 4,
        "upgraded": [["DDD444", None, "gold"]],
        "skipped_inactive": False,
    }


def test_the_task_does_nothing_while_the_programme_is_switched_off(grades, tree, sell, settings):
    sell("DDD444", [SET, SET])
    settings.WFX_PROGRAM_ACTIVE = False

    assert evaluate_grades_task("2025-03")["skipped_inactive"] is True
    assert grade_of(tree[3]) is None


def test_the_command_prints_each_upgrade(grades, tree, sell):
    sell("DDD444", [SET, SET])
    out = StringIO()

    call_command("wfx_evaluate_grades", "--month", "2025-03", stdout=out)

    assert out.getvalue().splitlines() == [
        "DDD444: no grade → gold",
        "2025-03: 1 upgraded of 4 distributors checked.",
    ]


def test_the_command_refuses_a_month_it_cannot_read(grades, tree):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("wfx_evaluate_grades", "--month", "March")


def test_the_monthly_run_is_scheduled_at_start_up_on_the_first_of_the_month(settings):
    entry = settings.CELERY_BEAT_SCHEDULE[GRADES_BEAT_ENTRY]

    assert entry["task"] == evaluate_grades_task.name
    schedule = entry["schedule"]
    assert (schedule.day_of_month, schedule.hour, schedule.minute) == ({1}, {2}, {30})


def test_a_merchants_own_monthly_entry_is_kept(settings):
    settings.CELERY_BEAT_SCHEDULE = {GRADES_BEAT_ENTRY: {"task": "merchant.own"}}

    register_grades_schedule()

    assert settings.CELERY_BEAT_SCHEDULE[GRADES_BEAT_ENTRY] == {"task": "merchant.own"}
