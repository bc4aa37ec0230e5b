"""Grades cannot be farmed: the rules count sales in the month their commission settled (left the
T+3 hold) net of refunds, and team-sales criteria apply only when the merchant opts in.

Same shop and tree as test_grades: Shanghai (UTC+8), A → B → C → D; gold (15 %) for 1,000 CNY of
own sales, partner for 3,000 CNY of team sales and two own orders; the default seller rate is
10 %. Moments are written in UTC with the Shanghai time beside them.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from saleor_wfx_plugin.errors import ProgrammeConfigError
from saleor_wfx_plugin.models import Grade, Settlement
from saleor_wfx_plugin.selectors.sales import SalesBasis, SalesFigures, monthly_sales
from saleor_wfx_plugin.services.grades import GradeUpgrade, evaluate_grades
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.services.program_config import create_grade
from tests.services import test_grades
from tests.services.helpers import net_by_level
from tests.services.test_grades import APRIL, MARCH, SERUM, SET, grade_events, grade_of

# The grade list, the seller and the Shanghai clock are test_grades' fixtures.
grades = test_grades.grades
sell = test_grades.sell
shanghai = test_grades.shanghai

pytestmark = pytest.mark.django_db

PAID = SalesBasis.PAID
SETTLED = SalesBasis.SETTLED
MAY = date(2025, 5, 1)


@pytest.fixture
def deliver(shop, monkeypatch):
    """Saleor reports the order fulfilled at `moment`, and the hook runs then (it confirms what
    is due at once, so it must not run on today's clock)."""

    def deliver(order, moment):
        with monkeypatch.context() as clock:
            clock.setattr(timezone, "now", lambda: moment)
            shop.fulfil(order.order_id, at=moment)

    return deliver


@pytest.fixture
def refund(shop, monkeypatch):
    def refund(order, amount, moment):
        with monkeypatch.context() as clock:
            clock.setattr(timezone, "now", lambda: moment)
            shop.refund(order.order_id, amount)

    return refund


def settlement_ids(order, *distributors):
    return list(
        Settlement.objects.filter(
            attribution__order_id=order.order_id, distributor__in=distributors
        ).values_list("pk", flat=True)
    )


# --- The month a sale counts in ---------------------------------------------------------------


def test_a_sale_counts_for_grades_in_the_month_it_settles_but_in_the_api_when_paid(
    shop, tree, sell, deliver
):
    d = tree[3]
    # Paid Thursday 27 March, delivered Friday 28 March: T+3 ends when Wednesday 2 April begins.
    order = sell(
        "DDD444", [SET, SET], paid_at=datetime(2025, 3, 27, 4, tzinfo=UTC), settled_after=None
    )
    deliver(order, datetime(2025, 3, 28, 4, tzinfo=UTC))
    settle_due(datetime(2025, 3, 31, 16, 0, tzinfo=UTC))  # 1 April 00:00: confirmed, held
    settle_due(datetime(2025, 4, 1, 16, 15, tzinfo=UTC))  # 2 April 00:15: released

    figures = SalesFigures("CNY", Decimal("1398.00"), Decimal("1398.00"), 1)
    assert monthly_sales(MARCH, "CNY", basis=PAID)[d.pk] == figures
    assert d.pk not in monthly_sales(APRIL, "CNY", basis=PAID)
    assert d.pk not in monthly_sales(MARCH, "CNY", basis=SETTLED)
    assert monthly_sales(APRIL, "CNY", basis=SETTLED)[d.pk] == figures


def test_an_order_not_delivered_or_still_in_its_hold_has_not_settled(shop, tree, sell, deliver):
    d = tree[3]
    sell("DDD444", [SET], settled_after=None)  # paid 14 March, never delivered
    held = sell("DDD444", [SERUM], settled_after=None)
    deliver(held, datetime(2025, 3, 31, 4, tzinfo=UTC))  # T+3: 3 April
    settle_due(datetime(2025, 3, 31, 15, 59, tzinfo=UTC))  # 31 March 23:59

    assert monthly_sales(MARCH, "CNY", basis=PAID)[d.pk] == SalesFigures(
        "CNY", Decimal("998.00"), Decimal("998.00"), 2
    )
    assert monthly_sales(MARCH, "CNY", basis=SETTLED) == {}


def test_the_release_month_is_the_shops_month_not_utcs(shop, tree, sell, deliver):
    d = tree[3]
    order = sell("DDD444", [SET], settled_after=None)
    deliver(order, datetime(2025, 3, 25, 4, tzinfo=UTC))  # due 28 March
    # The maturing task ran late: 1 April 00:30 in Shanghai, still 31 March in UTC.
    settle_due(datetime(2025, 3, 31, 16, 30, tzinfo=UTC))

    assert d.pk not in monthly_sales(MARCH, "CNY", basis=SETTLED)
    assert monthly_sales(APRIL, "CNY", basis=SETTLED)[d.pk].own_sales == Decimal("699.00")


def test_an_order_released_in_two_runs_around_midnight_counts_once_in_the_first_month(
    shop, tree, sell, deliver
):
    _a, b, c, d = tree
    order = sell(
        "DDD444", [SET, SET], paid_at=datetime(2025, 4, 24, 4, tzinfo=UTC), settled_after=None
    )
    # Delivered Friday 25 April: T+3 ends when Wednesday 30 April begins.
    deliver(order, datetime(2025, 4, 25, 4, tzinfo=UTC))
    # One run releases D's settlement at 23:50 on 30 April; C's and B's rows were locked by a
    # reconciliation and go in the next run, at 00:05 on 1 May.
    settle_due(datetime(2025, 4, 30, 15, 50, tzinfo=UTC), settlement_ids=settlement_ids(order, d))
    settle_due(datetime(2025, 4, 30, 16, 5, tzinfo=UTC), settlement_ids=settlement_ids(order, c, b))
    assert len(settlement_ids(order, b, c, d)) == 3

    april = monthly_sales(APRIL, "CNY", basis=SETTLED)
    assert {x.pk: april[x.pk] for x in (b, c, d)} == {
        b.pk: SalesFigures("CNY", Decimal("0.00"), Decimal("1398.00"), 0),
        c.pk: SalesFigures("CNY", Decimal("0.00"), Decimal("1398.00"), 0),
        d.pk: SalesFigures("CNY", Decimal("1398.00"), Decimal("1398.00"), 1),
    }
    assert monthly_sales(MAY, "CNY", basis=SETTLED) == {}


# --- The sequences --------------------------------------------------------------------


def test_buying_at_month_end_then_returning_the_goods_earns_no_grade_and_no_higher_rate(
    shop, grades, tree, sell, deliver, refund
):
    d = tree[3]
    # 31 March 20:00: a friend buys 1,398 of goods with D's code (gold needs 1,000); delivered
    # at once, so T+3 ends when Thursday 3 April begins.
    farmed = sell(
        "DDD444", [SET, SET], paid_at=datetime(2025, 3, 31, 12, tzinfo=UTC), settled_after=None
    )
    deliver(farmed, datetime(2025, 3, 31, 12, tzinfo=UTC))

    # 1 April: nothing D sold settled in March.
    assert evaluate_grades(MARCH).upgraded == []
    assert grade_of(d) is None

    # 2 April: the goods come back, refunded in full inside the hold; 3 April: released empty.
    refund(farmed, Decimal("1398.00"), datetime(2025, 4, 2, 2, tzinfo=UTC))
    settle_due(datetime(2025, 4, 2, 16, 5, tzinfo=UTC))
    assert monthly_sales(APRIL, "CNY", basis=SETTLED)[d.pk] == SalesFigures(
        "CNY", Decimal("0.00"), Decimal("0.00"), 0
    )

    # 1 May: April's settled sales are nothing either.
    assert evaluate_grades(APRIL).upgraded == []
    assert grade_of(d) is None
    assert grade_events(d) == []
    # D's next sale earns the ordinary 10 %: 29.90 on a 299 serum, not gold's 44.85.
    later = sell("DDD444", [SERUM], paid_at=datetime(2025, 4, 5, 4, tzinfo=UTC))
    assert net_by_level(later)[1] == ("DDD444", Decimal("29.90"))


def test_an_honest_sellers_march_orders_settling_in_april_upgrade_them_on_1_may(
    shop, grades, tree, sell, deliver
):
    d = tree[3]
    # Paid 27 March, delivered Friday 28 March: released when Wednesday 2 April begins.
    orders = [
        sell("DDD444", [SET], paid_at=datetime(2025, 3, 27, 4, tzinfo=UTC), settled_after=None)
        for _ in range(2)
    ]
    for order in orders:
        deliver(order, datetime(2025, 3, 28, 4, tzinfo=UTC))
    settle_due(datetime(2025, 3, 31, 16, 0, tzinfo=UTC))  # 1 April 00:00

    assert evaluate_grades(MARCH).upgraded == []

    settle_due(datetime(2025, 4, 1, 16, 15, tzinfo=UTC))  # 2 April 00:15
    assert evaluate_grades(APRIL).upgraded == [GradeUpgrade("DDD444", None, "gold")]
    [event] = grade_events(d)
    assert (event.idempotency_key, event.data["month"]) == (
        f"grade-upgrade:{d.pk}:2025-04",
        "2025-04",
    )
    assert event.reason == (
        "Monthly upgrade for 2025-04: own sales 1398.00 CNY, team sales 1398.00 CNY, "
        "2 orders met the Gold rule"
    )
    # The May run for April again, and a run for May, change nothing.
    assert evaluate_grades(APRIL).upgraded == []
    assert evaluate_grades(MAY).upgraded == []
    assert len(grade_events(d)) == 1


def test_a_partial_return_inside_the_hold_counts_only_what_was_kept(
    shop, grades, tree, sell, deliver, refund
):
    d = tree[3]
    order = sell("DDD444", [SET, SET], settled_after=None)  # 1,398, paid 14 March
    deliver(order, datetime(2025, 3, 17, 4, tzinfo=UTC))  # T+3: 20 March
    # One of the two sets comes back before the release: 699 kept, short of gold's 1,000.
    refund(order, Decimal("699.00"), datetime(2025, 3, 18, 4, tzinfo=UTC))
    settle_due(datetime(2025, 3, 19, 16, 5, tzinfo=UTC))

    assert monthly_sales(MARCH, "CNY", basis=SETTLED)[d.pk] == SalesFigures(
        "CNY", Decimal("699.00"), Decimal("699.00"), 1
    )
    assert evaluate_grades(MARCH).upgraded == []


# --- Team-sales criteria are opt-in -----------------------------------------------------------


def test_team_sales_criteria_apply_only_when_the_merchant_opts_in(grades, tree, sell, program):
    b = tree[1]
    sell("DDD444", [SET, SET])  # D 1,398; B is D's grand upline
    sell("DDD444", [SET, SET])  # D 1,398
    sell("BBB222", [SERUM])  # B 299
    sell("BBB222", [SERUM])  # B 299
    # B: 598 own + 2,796 from D = 3,394 of team sales and two own orders: partner's rule.

    default = evaluate_grades(MARCH)

    assert default.upgraded == [GradeUpgrade("DDD444", None, "gold")]
    assert default.team_rules_off == ["partner"]
    assert grade_of(b) is None

    program(grade_team_sales_rules="true")
    opted_in = evaluate_grades(MARCH)

    assert opted_in.upgraded == [GradeUpgrade("BBB222", None, "partner")]
    assert opted_in.team_rules_off == []


def test_a_team_criterion_is_never_met_while_off_even_when_the_rule_has_others(grades, tree, sell):
    Grade.objects.filter(slug="partner").update(upgrade_min_sales=Decimal("2000"))
    sell("DDD444", [SET, SET, SET])  # 2,097
    sell("DDD444", [SET, SET, SET])  # 2,097: 4,194 own meets partner's own-sales criterion

    # Ignoring the team criterion would hand out partner on own sales alone; D gets gold.
    assert evaluate_grades(MARCH).upgraded == [GradeUpgrade("DDD444", None, "gold")]


def test_team_sales_count_only_the_levels_commission_is_paid_on(grades, tree, sell, program):
    _a, b, c, _d = tree
    program(grade_team_sales_rules="true", commission_levels="2")
    sell("DDD444", [SET, SET])  # D 1,398: C is upline (level 2), B grand upline (not paid)
    sell("DDD444", [SET, SET])
    sell("CCC333", [SERUM])  # C 299: B is upline
    sell("CCC333", [SERUM])
    sell("BBB222", [SERUM])
    sell("BBB222", [SERUM])

    figures = monthly_sales(MARCH, "CNY", basis=SETTLED, team_levels=2)
    # B: 598 own + C's 598; D's 2,796 would be a third level, which this programme does not pay.
    assert figures[b.pk].team_sales == Decimal("1196.00")
    # C: 598 own + D's 2,796 = 3,394.
    assert figures[c.pk].team_sales == Decimal("3394.00")

    evaluate_grades(MARCH)

    assert (grade_of(b), grade_of(c)) == (None, "partner")


def test_the_command_says_which_team_criteria_were_not_applied(grades, tree, sell):
    sell("DDD444", [SET, SET])
    out, err = StringIO(), StringIO()

    call_command("wfx_evaluate_grades", "--month", "2025-03", stdout=out, stderr=err)

    assert out.getvalue().splitlines() == [
        "DDD444: no grade → gold",
        "2025-03: 1 upgraded of 4 distributors checked.",
    ]
    assert err.getvalue().splitlines() == [
        "Not applied: the team-sales criterion of partner (grade_team_sales_rules is off), so "
        "nobody reached those grades."
    ]


def test_the_shipped_grade_list_has_no_team_sales_criterion(db):
    assert list(Grade.objects.order_by("rank").values_list("slug", "upgrade_min_team_sales")) == [
        ("ordinary", None),
        ("gold", None),
        ("partner", None),
    ]


def test_without_the_programmes_settings_a_team_criterion_cannot_be_saved(db):
    diamond = {
        "name": "Diamond",
        "rank": 5,
        "upgrade_min_team_sales": "30000",
        "upgrade_currency": "CNY",
    }

    with pytest.raises(ProgrammeConfigError) as refused:
        create_grade(diamond, program=None)  # None: the programme is switched off

    assert (refused.value.code, refused.value.field) == (
        "team_sales_rules_off",
        "upgradeMinTeamSales",
    )
    assert not Grade.objects.filter(slug="diamond").exists()
