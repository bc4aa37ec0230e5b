"""The combined cap (`max_total_rate`, 40 % by default) on all levels' rates of a line: refused
where staff enter a grade or a product/category rule, and enforced on every order's plan for
whatever got past those checks."""

import logging
from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.rate_cap import RateSource
from saleor_wfx_plugin.errors import ProgrammeConfigError
from saleor_wfx_plugin.models import CommissionLine, CommissionRule, Grade
from saleor_wfx_plugin.selectors.program_config import highest_seller_override
from saleor_wfx_plugin.services.program_config import (
    create_grade,
    create_rule,
    update_grade,
    update_rule,
)

from .conftest import SERUM
from .helpers import net_by_level

pytestmark = pytest.mark.django_db


def refusal(call, *args, **kwargs):
    with pytest.raises(ProgrammeConfigError) as error:
        call(*args, **kwargs)
    return error.value.code, error.value.field, str(error.value)


def test_a_grade_rate_that_leaves_the_uplines_no_room_is_refused(shop, gold):
    # Uplines 5 % + 2 %: a seller may have at most 33 % under the 40 % cap.
    code, field, message = refusal(update_grade, gold, {"seller_rate": "34"})
    assert (code, field) == ("rate_above_cap", "sellerRate")
    assert message == (
        "level 1 up to 34% (grade Gold) + level 2 5% + level 3 2% = 41% of a line, above "
        "max_total_rate 40%: all levels together may pay at most that, which leaves level 1 at "
        "most 33% (check for a typo such as 50 for 5)"
    )
    gold.refresh_from_db()
    assert gold.seller_rate == Decimal("15.00")  # nothing saved

    assert update_grade(gold, {"seller_rate": "33"}).seller_rate == Decimal("33")
    code, field, _ = refusal(create_grade, {"name": "Star", "seller_rate": "50"})
    assert (code, field) == ("rate_above_cap", "sellerRate")
    assert not Grade.objects.filter(name="Star").exists()


def test_the_room_depends_on_the_levels_paid_and_the_cap_set(shop, gold, program):
    program(commission_levels="2")
    assert update_grade(gold, {"seller_rate": "35"}).seller_rate == Decimal("35")  # 35 + 5
    program(commission_levels="3", max_total_rate="50")
    assert update_grade(gold, {"seller_rate": "43"}).seller_rate == Decimal("43")  # 43 + 5 + 2


def test_product_and_category_rules_are_held_to_the_cap(shop):
    code, field, message = refusal(
        create_rule, scope="product", saleor_id="72", seller_rate="35", note=""
    )
    assert (code, field) == ("rate_above_cap", "sellerRate")
    assert "(this product rule)" in message
    assert not CommissionRule.objects.exists()

    rule = create_rule(scope="category", saleor_id="9", seller_rate="33")
    code, _, _ = refusal(update_rule, rule, seller_rate="33.5")
    assert code == "rate_above_cap"
    rule.refresh_from_db()
    assert rule.seller_rate == Decimal("33.00")


def test_the_highest_override_is_found_with_what_sets_it(gold):
    Grade.objects.exclude(pk=gold.pk).update(seller_rate=None)
    assert highest_seller_override() == RateSource(Decimal("15.00"), "grade Gold")
    CommissionRule.objects.create(scope="product", saleor_id="72", seller_rate=Decimal("25"))
    assert highest_seller_override() == RateSource(Decimal("25.00"), "product rule 72")
    Grade.objects.update(seller_rate=None)
    CommissionRule.objects.all().delete()
    assert highest_seller_override() is None


def test_an_order_over_the_cap_is_capped_highest_level_first_and_says_so(
    shop, tree, program, caplog
):
    # Saved before the cap existed: 50 typed for 5 in level2_rate. Without the cap C would earn
    # half of every serum (149.50); now the line pays 40 % at most: D 10 %, C 30 %, B nothing.
    program(level2_rate="50")
    order = shop.place_order([SERUM], referral_code="DDD444")
    with caplog.at_level(logging.WARNING, logger="saleor_wfx_plugin.services.commissions"):
        shop.pay(order.order_id)

    assert net_by_level(order) == {
        1: ("DDD444", Decimal("29.90")),
        2: ("CCC333", Decimal("89.70")),
    }
    plan = {
        line.level: (line.rate, line.uncapped_rate)
        for line in CommissionLine.objects.filter(attribution__order_id=order.order_id)
    }
    assert plan == {
        1: (Decimal("10.00"), None),
        2: (Decimal("30.00"), Decimal("50.00")),
        3: (Decimal("0.00"), Decimal("2.00")),
    }
    assert "rates above max_total_rate 40% on 2 line level(s), capped" in caplog.text
