"""The money machine's order rules: place, pay, fulfil, refund, cancel, replay a hook,
lose it until the sweep, and move the settlement clock."""

from datetime import timedelta

from hypothesis import strategies as st
from hypothesis.stateful import (
    precondition,
    rule,
)

from saleor_wfx_plugin.domain.money import quantize
from saleor_wfx_plugin.sandbox.simulator import SimulatedShop
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.services.sweep import reconcile_recent_orders
from saleor_wfx_plugin.tasks import process_order_event
from tests.services.money_books import (
    CENT,
    delivered,
    order_lines,
    pick,
    refund_event,
    simulated_lines,
)


class OrderRules:
    """Mixed into MoneyMachine (test_money_properties.py), whose state they change."""

    def _order_changed(self, order_id: str, events: list[str], notify: bool) -> None:
        self.events[order_id] += events
        if notify:
            self.stale.discard(order_id)
        else:
            self.stale.add(order_id)
        self.changed()

    def _orders(self, condition) -> list[str]:
        return [o for o in self.orders if condition(SimulatedShop.orders[o])]

    @rule(lines=order_lines, notify=delivered)
    def place_order(self, lines, notify):
        self._place(lines, notify)

    def _place(self, lines, notify) -> str:
        order = SimulatedShop.place_order(
            simulated_lines(lines), referral_code="DDD444", notify=notify
        )
        self.orders.append(order.order_id)
        self.events[order.order_id] = []
        self._order_changed(order.order_id, ["order_created"], notify)
        return order.order_id

    @precondition(lambda self: self._orders(lambda o: not o.is_paid and not o.cancelled))
    @rule(which=pick, notify=delivered)
    def pay(self, which, notify):
        candidates = self._orders(lambda o: not o.is_paid and not o.cancelled)
        order_id = candidates[which % len(candidates)]
        SimulatedShop.pay(order_id, notify=notify)
        self._order_changed(order_id, ["order_paid", "order_fully_paid"], notify)

    @precondition(lambda self: self._orders(lambda o: o.fulfilled_at is None))
    @rule(
        which=pick, hours_ahead=st.none() | st.integers(min_value=0, max_value=72), notify=delivered
    )
    def fulfil(self, which, hours_ahead, notify):
        candidates = self._orders(lambda o: o.fulfilled_at is None)
        order_id = candidates[which % len(candidates)]
        # None: fulfilled on the real clock, so reconciliation confirms it at once.
        at = None if hours_ahead is None else self.clock + timedelta(hours=hours_ahead)
        SimulatedShop.fulfil(order_id, at=at, notify=notify)
        self._order_changed(order_id, ["order_fulfilled"], notify)

    @precondition(lambda self: self._orders(lambda o: o.is_paid))
    @rule(which=pick, percent=st.integers(min_value=1, max_value=130), notify=delivered)
    def refund_amount(self, which, percent, notify):
        candidates = self._orders(lambda o: o.is_paid)
        order_id = candidates[which % len(candidates)]
        total = SimulatedShop.orders[order_id].refunds.order_total
        amount = max(quantize(total * percent / 100, "CNY"), CENT)
        order = SimulatedShop.refund(order_id, amount, notify=notify)
        self._order_changed(order_id, [refund_event(order)], notify)

    @precondition(lambda self: self._orders(lambda o: o.is_paid))
    @rule(which=pick, line=pick, units=st.integers(min_value=1, max_value=3), notify=delivered)
    def refund_lines(self, which, line, units, notify):
        candidates = self._orders(lambda o: o.is_paid)
        order_id = candidates[which % len(candidates)]
        order_line = SimulatedShop.orders[order_id].lines[
            line % len(SimulatedShop.orders[order_id].lines)
        ]
        units = min(units, order_line.quantity)
        # Saleor names the line and refunds, to the fen, what those units cost.
        amount = quantize(order_line.gross_amount / order_line.quantity * units, "CNY")
        order = SimulatedShop.refund(
            order_id, amount, line_quantities={order_line.line_id: units}, notify=notify
        )
        self._order_changed(order_id, [refund_event(order)], notify)

    @precondition(lambda self: self._orders(lambda o: not o.cancelled))
    @rule(which=pick, notify=delivered)
    def cancel(self, which, notify):
        candidates = self._orders(lambda o: not o.cancelled)
        order_id = candidates[which % len(candidates)]
        SimulatedShop.cancel(order_id, notify=notify)
        self._order_changed(order_id, ["order_cancelled"], notify)

    @precondition(lambda self: self.orders)
    @rule(which=pick, event=pick)
    def replay_hook(self, which, event):
        """A broker delivering an earlier hook again, late and out of order."""
        order_id = self.orders[which % len(self.orders)]
        events = self.events[order_id]
        process_order_event(order_id, events[event % len(events)])
        self.stale.discard(order_id)
        self.changed()

    @precondition(lambda self: self.stale)
    @rule()
    def sweep(self):
        # The window reaches back to the oldest lost hook, as a sweep run often enough would.
        since = min(SimulatedShop.changed_at[order_id] for order_id in self.stale)
        report = reconcile_recent_orders(self.shop, since=since)
        assert report.failures == 0
        self.stale.clear()
        self.changed()

    @rule(hours=st.sampled_from((1, 8, 24, 49, 120, 240)))
    def advance_clock_and_settle(self, hours):
        self.clock += timedelta(hours=hours)
        settle_due(now=self.clock)
        self.changed()
