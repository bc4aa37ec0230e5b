"""Who the month-end close pays, and on which grades: a distributor not active at the close
earns no bonus (as a suspended one earns no new commission), and the same-grade bonus is
judged on the grades held at the month's end, read back from the audit trail, not on grades
changed since. The shop, tree (A → B → C → D) and rules are test_month_close's.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from saleor_wfx_plugin.models import BonusRules, Grade, GrowthAward, LedgerEntry
from saleor_wfx_plugin.services.distributors import reactivate_distributor, suspend_distributor
from saleor_wfx_plugin.services.grades import set_grade
from saleor_wfx_plugin.services.month_close import close_month
from tests.services import test_month_close as month_close

pytestmark = pytest.mark.django_db

shanghai = month_close.shanghai
now = month_close.now
sell = month_close.sell
ladder = month_close.ladder
team_bonus = month_close.team_bonus
bonuses = month_close.bonuses

D = Decimal
MARCH, APRIL = month_close.MARCH, month_close.APRIL
BEFORE_MARCH = datetime(2025, 2, 10, 4, 0, tzinfo=UTC)
# 1 April 01:00 in Shanghai: the month is over, its close (in May here) has not run yet.
JUST_AFTER_MARCH = datetime(2025, 3, 31, 17, 0, tzinfo=UTC)
JUNE = datetime(2025, 6, 20, 4, 0, tzinfo=UTC)


def test_a_suspended_distributor_earns_no_team_bonus_and_the_others_keep_theirs(
    program, tree, team_bonus, sell, now
):
    """D sells 100,000 in March; C is suspended in April, before the close: B and D earn their
    1,000.00, C nothing, and nobody is paid C's share instead."""
    _, b, c, d = tree
    sell("DDD444", "50000.00", "50000.00")
    now["at"] = month_close.MID_APRIL
    suspend_distributor(c, actor="user:staff", reason="Fake orders under review")
    now["at"] = month_close.MAY

    result = close_month(MARCH, program=program())

    assert [bonuses(x, "team") for x in (b, c, d)] == [D("1000.00"), D("0"), D("1000.00")]
    assert result.total_by_currency == {"CNY": D("2000.00")}
    assert not GrowthAward.objects.filter(distributor=c).exists()


def test_a_reactivation_after_the_close_does_not_bring_the_bonus_back(
    program, tree, ladder, sell, now
):
    """D sold 12,000 (ladder top-up 600.00) but was suspended at the close: nothing then, and
    neither the next close nor a second run of March pays it after D is reactivated."""
    d = tree[3]
    sell("DDD444", "12000.00")
    suspend_distributor(d, actor="user:staff", reason="Address matches the buyer's")
    close_month(MARCH, program=program())
    reactivate_distributor(d, actor="user:staff", reason="Cleared")

    close_month(MARCH, program=program())
    now["at"] = JUNE
    close_month(APRIL, program=program())

    assert bonuses(d) == D("0")
    assert not LedgerEntry.objects.filter(kind="bonus").exists()


def test_a_bonus_paid_before_a_suspension_is_still_clawed_back_after_a_refund(
    shop, program, tree, ladder, sell, now
):
    """The 600.00 top-up on D's 12,000 was paid; D is suspended, then half the order is
    refunded: April's close takes back 300.00 as for anyone (money given back is owed)."""
    d = tree[3]
    order = sell("DDD444", "12000.00")
    close_month(MARCH, program=program())
    suspend_distributor(d, actor="user:staff", reason="Left the programme")
    shop.refund(order.order_id, D("6000.00"))
    now["at"] = JUNE

    april = close_month(APRIL, program=program())

    assert (april.reversals, bonuses(d)) == (1, D("300.00"))


@pytest.fixture
def same_grade_rules(db):
    BonusRules.objects.create(currency="CNY", same_grade_share=D("10"))


def test_same_grade_is_judged_on_the_grades_at_the_months_end_not_on_a_later_change(
    program, tree, sell, gold, same_grade_rules, now
):
    """C and D are gold through March (D sells 2,000 at gold's 15 %: 300.00 of commission);
    D is moved to partner on 1 April, before the close: C still earns 10 % of 300.00, 30.00."""
    _, _, c, d = tree
    now["at"] = BEFORE_MARCH
    for member in (c, d):
        set_grade(member, gold, actor="user:staff", reason="Launch cohort")
    sell("DDD444", "2000.00")
    now["at"] = JUST_AFTER_MARCH
    partner = Grade.objects.get(slug="partner")
    set_grade(d, partner, actor="user:staff", reason="Promoted")
    now["at"] = month_close.MAY

    close_month(MARCH, program=program())

    assert bonuses(c, "same_grade") == D("30.00")


def test_a_grade_reached_after_the_month_does_not_make_a_same_grade_bonus(
    program, tree, sell, gold, same_grade_rules, now
):
    """C is gold, D ordinary through March; D is made gold on 1 April: the two did not hold the
    same grade in March, so the close pays C no same-grade bonus."""
    _, _, c, d = tree
    now["at"] = BEFORE_MARCH
    set_grade(c, gold, actor="user:staff", reason="Launch cohort")
    sell("DDD444", "2000.00")
    now["at"] = JUST_AFTER_MARCH
    set_grade(d, gold, actor="user:staff", reason="Promoted")
    now["at"] = month_close.MAY

    close_month(MARCH, program=program())

    assert bonuses(c, "same_grade") == D("0")
