"""Property: however orders, refunds and closes interleave, closing a month again posts nothing,
and once the months are closed every bonus is worth exactly its full amount times the share of
its order the customer kept: a refund after a close never makes or loses money, and the ledger
says what the award lines say."""

import os
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_wfx_plugin.domain.growth import amount_now
from saleor_wfx_plugin.models import BonusRules, GrowthAwardLine, LadderBracket, LedgerEntry
from saleor_wfx_plugin.selectors.growth import kept_share
from saleor_wfx_plugin.services.month_close import close_month

from . import test_month_close as month_close

pytestmark = pytest.mark.django_db

shanghai = month_close.shanghai
now = month_close.now
sell = month_close.sell
MID_MARCH, MID_APRIL = month_close.MID_MARCH, month_close.MID_APRIL
JUNE = datetime(2025, 6, 20, 4, 0, tzinfo=UTC)

# A fortieth of the money property's examples (2,000 → 50; the targeted 50 → 10).
EXAMPLES = max(int(os.environ.get("WFX_PROPERTY_EXAMPLES", "2000")) // 40, 10)
MARCH, APRIL, MAY = date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)

orders = st.lists(
    st.tuples(
        st.sampled_from(["DDD444", "CCC333"]),
        st.integers(min_value=1_000, max_value=25_000),  # whole CNY of goods
        st.sampled_from([MID_MARCH, MID_APRIL]),
        # Refunded percent, and when: before any close, after March's, after April's.
        st.one_of(st.none(), st.tuples(st.integers(1, 100), st.integers(0, 2))),
    ),
    min_size=1,
    max_size=4,
)


@pytest.fixture
def rules(db):
    LadderBracket.objects.create(currency="CNY", min_sales=Decimal("10000"), rate=Decimal("15"))
    LadderBracket.objects.create(currency="CNY", min_sales=Decimal("30000"), rate=Decimal("20"))
    BonusRules.objects.create(
        currency="CNY",
        team_threshold=Decimal("20000"),
        team_extra_rate=Decimal("1"),
        per_order_amount=Decimal("3.00"),
        per_order_monthly_cap=Decimal("7.00"),
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sold=orders, close_twice=st.booleans())
def test_closes_post_once_and_refunds_after_them_neither_make_nor_lose_money(
    shop, program, tree, rules, sell, now, sold, close_twice
):
    settings_now = program()
    now["at"] = month_close.MAY
    with transaction.atomic():
        placed = []
        for code, amount, paid_at, refund in sold:
            placed.append((sell(code, f"{amount}.00", paid_at=paid_at), amount, refund))

        def refunds_at(moment):
            for order, amount, refund in placed:
                if refund is not None and refund[1] == moment:
                    shop.refund(order.order_id, Decimal(amount * refund[0]) / 100)

        def close(month):
            close_month(month, program=settings_now)
            if close_twice:
                entries = LedgerEntry.objects.count()
                assert close_month(month, program=settings_now).already_closed
                assert LedgerEntry.objects.count() == entries

        refunds_at(0)
        close(MARCH)
        refunds_at(1)
        close(APRIL)
        refunds_at(2)
        now["at"] = JUNE
        close(MAY)

        posted = defaultdict(Decimal)
        full = defaultdict(Decimal)
        for line in GrowthAwardLine.objects.select_related("attribution", "award"):
            key = (line.attribution_id, line.order_line_id, line.level, line.award.rule)
            posted[key] += line.amount
            if not line.is_reversal:
                full[key] += line.full_amount
        for key, amount in posted.items():
            order = GrowthAwardLine.objects.filter(attribution_id=key[0]).first().attribution
            kept = kept_share(order)
            assert amount == amount_now(full[key], kept, "CNY"), key
            assert 0 <= amount <= full[key]
        bonus_in_ledger = LedgerEntry.objects.filter(kind="bonus").aggregate(s=Sum("amount"))["s"]
        assert (bonus_in_ledger or Decimal(0)) == sum(posted.values(), Decimal(0))
        # Nobody above the three levels: A is the fourth generation on D's orders and the
        # third on C's, where it may earn; on D's orders it never does.
        a = tree[0]
        assert not GrowthAwardLine.objects.filter(
            award__distributor=a, attribution__seller__code="DDD444"
        ).exists()
        transaction.set_rollback(True)
