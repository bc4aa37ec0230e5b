"""Property: whatever Saleor does to an order, and in whatever order its hooks arrive (replayed,
reordered, some lost and repaired by the sweep), the ledger ends at what the order's final state
says, and delivering every event again posts nothing."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_wfx_plugin.domain.commission import commission_targets
from saleor_wfx_plugin.models import CommissionLine, LedgerEntry
from saleor_wfx_plugin.sandbox.simulator import SimulatedLine
from saleor_wfx_plugin.tasks import process_order_event

pytestmark = pytest.mark.django_db

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
lines = st.lists(st.tuples(prices, st.integers(min_value=1, max_value=5)), min_size=1, max_size=4)
actions = st.lists(
    st.one_of(
        st.just(("pay",)),
        st.just(("cancel",)),
        st.tuples(st.just("refund"), st.decimals(min_value=0, max_value=500, places=2)),
        st.tuples(st.just("refund_line"), st.integers(min_value=0, max_value=3)),
    ),
    max_size=5,
)


def ledger(order_id):
    held = {}
    for entry in (
        LedgerEntry.objects.commission()
        .filter(commission_line__attribution__order_id=order_id)
        .select_related("commission_line")
    ):
        key = (entry.commission_line.order_line_id, entry.level)
        held[key] = held.get(key, Decimal(0)) + entry.amount
    return held


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(order_lines=lines, steps=actions, delivery=st.randoms(use_true_random=False))
def test_ledger_ends_at_the_final_state_whatever_the_hooks_do(
    shop, tree, order_lines, steps, delivery
):
    order = shop.place_order(
        [
            SimulatedLine(f"p{index}", price, quantity, product_id=f"p{index}")
            for index, (price, quantity) in enumerate(order_lines)
        ],
        referral_code="DDD444",
        notify=False,
    )
    events = ["order_created"]
    for step in steps:
        if step[0] == "pay":
            shop.pay(order.order_id, notify=False)
            events += ["order_paid", "order_fully_paid"]
        elif step[0] == "cancel":
            shop.cancel(order.order_id, notify=False)
            events.append("order_cancelled")
        elif step[0] == "refund":
            shop.refund(order.order_id, step[1], notify=False)
            events.append("order_refunded")
        else:
            # Saleor names the line and refunds what one unit cost.
            line = order.lines[step[1] % len(order.lines)]
            unit = line.gross_amount / line.quantity
            shop.refund(order.order_id, unit, line_quantities={line.line_id: 1}, notify=False)
            events.append("order_refunded")
        # Some hooks arrive now, some are lost, some arrive late and out of order.
        if delivery.random() < 0.5:
            process_order_event(order.order_id, delivery.choice(events))

    shuffled = events[:]
    delivery.shuffle(shuffled)
    for event in shuffled:
        process_order_event(order.order_id, event)

    final = shop.orders[order.order_id]
    plan = CommissionLine.objects.filter(attribution__order_id=order.order_id).order_by(
        "level", "id"
    )
    expected = commission_targets(
        [line.to_planned() for line in plan],
        refunds=final.refunds,
        cancelled=final.cancelled,
        currency=final.currency,
    )
    held = ledger(order.order_id)
    assert {key: held.get(key, Decimal(0)) for key in expected} == expected
    assert set(held) <= set(expected)
    # Commission never goes below zero on any line and level.
    assert all(amount >= 0 for amount in held.values())
    if not final.is_fully_paid:
        assert held == {}

    entries_before = LedgerEntry.objects.commission().count()
    for event in events:
        assert process_order_event(order.order_id, event) == 0
    assert LedgerEntry.objects.commission().count() == entries_before
