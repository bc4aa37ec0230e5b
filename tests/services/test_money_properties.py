"""Property: whatever happens to orders (paid, fulfilled, refunded in part, in full or beyond,
cancelled, hooks replayed, lost and repaired by the sweep) and to payouts (requested early or
not, retried with the same key, approved once, twice or in bulk, rejected, cancelled, exported
to the bank in batches, paid, failed at the bank), interleaved with the settlement clock and the
odd staff adjustment, the money ledger stays right:

1. no money is made or lost: every distributor's ledger is their commission plus staff
   adjustments, and every other movement sums to zero;
2. reversals never exceed accruals, on any order line and level;
3. a payout never overdraws available money, reserved money is exactly the open payouts, and
   paid, tax and fees are exactly what the paid payouts say;
4. every entry traces to an order line or a staff action, and the fourth generation never earns;
5. an order's pending and on-hold money are never negative, except on hold after an early
   withdrawal of money that a refund then took back (the clawback the early withdrawal risked);
6. every order whose last change was delivered holds exactly what its current state earns;
7. a person's tax in a tax month (D and C are one person with two accounts, B another) is the
   labour-remuneration tax on that month's income from their payouts still counting (approved,
   exported or paid), per domain/tax.py, however approvals, rejections and failures interleave;
8. an exported payout is in exactly one batch, a batch never gains or loses a payout, and its
   file downloads again the same.
9. never more paid than earned: money that has left or is reserved (the payouts not rejected,
   cancelled or failed, and tax corrections) never exceeds commission earned net of reversals
   plus adjustments, except by reversals and clawbacks posted after the money last left; and no
   payout is requested or approved while such a debt is unpaid (stated from the payouts and the
   commission, not from the rule the payout code applies: with the old rule, available money
   only, test_the_oracle_sees_an_early_withdrawal_round_a_clawback shows it failing).

Every example starts from the same opening orders (commission on hold and available, written
once) and runs in a savepoint rolled back afterwards: the ledger is append-only, so rows cannot
be deleted. `WFX_PROPERTY_EXAMPLES` sets the number of
examples (default and CI: 2,000) and `WFX_PROPERTY_STEPS` the longest sequence (default 15); a
nightly run can ask for more of both, e.g. 20,000 and 30.
"""

import itertools
import os
from collections import defaultdict, namedtuple
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from saleor_wfx_plugin.domain.commission import PlannedCommission, commission_targets
from saleor_wfx_plugin.domain.money import quantize
from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.domain.tax import labour_remuneration_tax
from saleor_wfx_plugin.errors import PayoutError
from saleor_wfx_plugin.models import Distributor, LedgerEntry, Payout, PayoutBatch
from saleor_wfx_plugin.sandbox.simulator import SimulatedLine, SimulatedShop
from saleor_wfx_plugin.selectors.balances import Balance, balance
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.services.payouts import (
    PayeeDetails,
    approve_payout,
    approve_payouts,
    batch_csv,
    cancel_payout,
    create_batch,
    mark_failed,
    mark_paid,
    reject_payout,
    request_payout,
)
from saleor_wfx_plugin.services.sweep import reconcile_recent_orders
from saleor_wfx_plugin.tasks import process_order_event
from tests.services.helpers import staff_adjusts_balance

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("WFX_PROPERTY_EXAMPLES", "2000"))
STEPS = int(os.environ.get("WFX_PROPERTY_STEPS", "15"))
PROGRAM_CONFIG = {
    "default_seller_rate": "10",
    "level2_rate": "5",
    "level3_rate": "2",
    "commission_levels": "3",
    "settlement_days": "3",
    # Confirmed on delivery (the default was 0 when this test was written; now 7).
    "confirm_days_after_fulfilment": "0",
    "payout_min_amount": "10",
    "early_withdrawal": "true",
    "early_withdrawal_fee_rate": "0.5",
    # Low, so that most payouts need two approvers.
    "second_approval_above": "50",
    "tax_policy": "labour_remuneration",
    "tax_period": "monthly",
}
PROGRAM = ProgramSettings.from_mapping(PROGRAM_CONFIG)
# Seller D, upline C, grand upline B; A recruited B and is a fourth generation, paid nothing.
CODES = ("AAA111", "BBB222", "CCC333", "DDD444")
RATES = ((1, "DDD444", Decimal(10)), (2, "CCC333", Decimal(5)), (3, "BBB222", Decimal(2)))
# Every example starts from these (days since delivery; lines as (price in fen, quantity, taxed)):
# one delivered today, its commission on hold until the shop clock first moves, more than is
# available, so early withdrawals take from it; and one whose commission is available, enough
# for a payout that is taxed (above 800 yuan).
OPENING_ORDERS = (
    (0, ((499_999, 3, False), (1_888, 1, True), (3, 3, False))),
    (20, ((450_000, 2, True), (990, 3, False))),
)
# D and C are one person (one ID number, two accounts, one monthly allowance); B is another.
PAYEES = {
    "DDD444": PayeeDetails("alipay", "王小明", "13812345678", "", "11010519491231002X"),
    "CCC333": PayeeDetails("wechat", "王小明", "wxid_wang_2", "", "11010519491231002X"),
    "BBB222": PayeeDetails("alipay", "李四", "13912345678", "", "110101199003071233"),
}
STAFF = ("user:900", "user:901")
# A Friday in the future: the real clock never reaches the shop clock's due dates.
START = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
ZERO = Decimal(0)
CENT = Decimal("0.01")

Kind = LedgerEntry.Kind
Bucket = LedgerEntry.Bucket
Status = Payout.Status
COMMISSION_KINDS = {Kind.ACCRUAL, Kind.REVERSAL}
SETTLEMENT_KINDS = {Kind.CONFIRMATION, Kind.RELEASE}
PAYOUT_KINDS = {Kind.RESERVATION, Kind.RESERVATION_RETURN, Kind.PAYOUT, Kind.TAX, Kind.FEE}
RESERVED_STATUSES = {Status.REQUESTED, Status.FIRST_APPROVED, Status.APPROVED, Status.EXPORTED}
COUNTING_STATUSES = {Status.APPROVED, Status.EXPORTED, Status.PAID}
REJECTABLE_STATUSES = {Status.REQUESTED, Status.FIRST_APPROVED, Status.APPROVED}
OPEN_STATUSES = {Status.REQUESTED, Status.FIRST_APPROVED}
PAID_OR_RESERVED = RESERVED_STATUSES | {Status.PAID}

# Cheap lines probe rounding to the fen; dear ones make commission worth paying out.
prices_in_fen = st.integers(min_value=1, max_value=999) | st.integers(
    min_value=10_000, max_value=500_000
)
order_lines = st.lists(
    st.tuples(prices_in_fen, st.integers(min_value=1, max_value=3), st.booleans()),
    min_size=1,
    max_size=3,
)
pick = st.integers(min_value=0, max_value=63)
delivered = st.booleans()


def fen(amount: int) -> Decimal:
    return Decimal(amount) * CENT


LedgerRow = namedtuple(
    "LedgerRow",
    "id distributor_id currency bucket kind amount movement commission_line_id level "
    "settlement_id payout_id actor reason",
)
CommissionRow = namedtuple(
    "CommissionRow",
    "id distributor_id currency kind amount level line_id order_line_id order_id "
    "line_distributor_id line_level",
)
PayoutRow = namedtuple(
    "PayoutRow",
    "id distributor_id currency status amount early_amount fee tax net tax_correction "
    "tax_identity_id tax_month batch_id method",
)
SettlementRow = namedtuple("SettlementRow", "id distributor_id confirmed_at released_at")
BOOKS_SQL = """
SELECT id, distributor_id, currency, bucket, kind, amount, movement, commission_line_id, level,
       settlement_id, payout_id, actor, reason
FROM wfx_ledgerentry;
SELECT e.id, e.distributor_id, e.currency, e.kind, e.amount, e.level, l.id, l.order_line_id,
       a.order_id::text, l.distributor_id, l.level
FROM wfx_ledgerentry e
JOIN wfx_commissionline l ON l.id = e.commission_line_id
JOIN wfx_referralattribution a ON a.id = l.attribution_id
WHERE e.kind IN ('accrual', 'reversal');
SELECT id, distributor_id, currency, status, amount, early_amount, fee, tax, net, tax_correction,
       tax_identity_id, tax_month, batch_id, method
FROM wfx_payout;
SELECT id, distributor_id, confirmed_at, released_at FROM wfx_settlement;
"""


class Books:
    """The example's whole ledger, read once per step for all invariants: plain SQL in one
    round trip, because the ORM's query building and four round trips would triple the time
    every step spends here."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(BOOKS_SQL)
            self.ledger = [LedgerRow(*row) for row in cursor.fetchall()]
            cursor.nextset()
            self.commission = [CommissionRow(*row) for row in cursor.fetchall()]
            cursor.nextset()
            self.payouts = [PayoutRow(*row) for row in cursor.fetchall()]
            cursor.nextset()
            self.settlements = [SettlementRow(*row) for row in cursor.fetchall()]
        self.buckets: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
        for row in self.ledger:
            self.buckets[(row.distributor_id, row.currency, row.bucket)] += row.amount

    def balance(self, distributor_id: int) -> Balance:
        def amount(bucket: str) -> Decimal:
            return self.buckets[(distributor_id, "CNY", bucket)]

        return Balance(
            "CNY",
            pending=amount(Bucket.PENDING),
            on_hold=amount(Bucket.HOLD),
            available=amount(Bucket.AVAILABLE),
            reserved=amount(Bucket.RESERVED),
            paid=amount(Bucket.PAID),
            tax=amount(Bucket.TAX),
            fees=amount(Bucket.FEE),
        )

    def early_withdrawable(self, distributor_id: int) -> Decimal:
        """What an early withdrawal may take: on hold in orders whose hold still runs."""
        running = {
            s.id
            for s in self.settlements
            if s.distributor_id == distributor_id and s.released_at is None
        }
        held: dict[int, Decimal] = defaultdict(Decimal)
        for row in self.ledger:
            if row.bucket == Bucket.HOLD and row.settlement_id in running:
                held[row.settlement_id] += row.amount
        return sum((amount for amount in held.values() if amount > 0), ZERO)


class MoneyMachine(RuleBasedStateMachine):
    def __init__(self, opening_orders: dict, opening_changes: dict) -> None:
        super().__init__()
        # Ledger rows cannot be deleted, so each example lives in a savepoint rolled back in
        # teardown.
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        SimulatedShop.reset()
        SimulatedShop.orders.update(opening_orders)
        SimulatedShop.changed_at.update(opening_changes)
        _starts_from_the_opening_books()
        self.shop = SimulatedShop()
        by_code = {d.code: d for d in Distributor.objects.filter(code__in=CODES)}
        self.distributors = [by_code[code] for code in CODES]
        self.ids = {code: d.pk for code, d in by_code.items()}
        self.clock = START
        self.orders: list[str] = list(opening_orders)
        self.events: dict[str, list[str]] = {
            order_id: ["order_created", "order_paid", "order_fully_paid", "order_fulfilled"]
            for order_id in opening_orders
        }
        # Orders changed while their hook was lost, until a replay or the sweep repairs them.
        self.stale: set[str] = set()
        self.payouts: list[int] = []
        # Each batch's payouts and file as first made.
        self.batches: dict[int, tuple[frozenset[int], str]] = {}
        self.keys: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
        self.key_numbers = itertools.count()
        self.adjusted = False
        # Expected commission per order, worked out again only when the order changes.
        self._expected: dict[str, tuple[object, dict[tuple[str, int], Decimal]]] = {}
        self._books: Books | None = None
        # Per distributor, the last ledger row when money last left (a request or approval
        # succeeded): losses posted after it may leave a debt, nothing else may.
        self.money_left_at: dict[int, int] = {}
        # The first step's choices enable the same rules in every example.
        enabled = sorted(
            (rule.function.__name__, all(check(self) for check in rule.preconditions))
            for rule in self._rules_strategy.rules  # Hypothesis keeps no public list
        )
        if not OPENING_RULES:
            OPENING_RULES.append(enabled)
        assert enabled == OPENING_RULES[0], (enabled, OPENING_RULES[0])

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)
        SimulatedShop.reset()

    def books(self) -> Books:
        if self._books is None:
            self._books = Books()
        return self._books

    def changed(self) -> None:
        self._books = None

    # --- Orders -------------------------------------------------------------------------------
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
        self._order_changed(order_id, [_refund_event(order)], notify)

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
        self._order_changed(order_id, [_refund_event(order)], notify)

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

    # --- Payouts ------------------------------------------------------------------------------
    def _with_money(self) -> list[Distributor]:
        """Distributors with money available or on hold, richest first. Requests from the others
        can only be refused (tests/services/test_payouts.py covers that), so examples spend no
        steps on them."""
        buckets = self.books().buckets

        def money(d: Distributor) -> Decimal:
            return buckets[(d.pk, "CNY", Bucket.AVAILABLE)] + buckets[(d.pk, "CNY", Bucket.HOLD)]

        return sorted((d for d in self.distributors if money(d) > 0), key=money, reverse=True)

    @precondition(lambda self: self._with_money())
    @rule(who=pick, percent=st.sampled_from((30, 60, 100, 101, 120)), early=st.booleans())
    def distributor_requests_a_share(self, who, percent, early):
        """A share of what the distributor can withdraw: part, all, or a little more."""
        candidates = self._with_money()
        self._request(
            candidates[who % len(candidates)],
            lambda reachable: max(quantize(reachable * percent / 100, "CNY"), CENT),
            early,
            reuse=None,
        )

    @precondition(lambda self: self._with_money())
    @rule(
        who=pick,
        amount=st.integers(min_value=500, max_value=100_000),
        early=st.booleans(),
        reuse=st.none() | st.tuples(pick, st.booleans()),
    )
    def distributor_requests_an_amount_or_retries(self, who, amount, early, reuse):
        """Any amount; or a retry with an earlier request's key, with its amount or another."""
        candidates = self._with_money()
        self._request(candidates[who % len(candidates)], lambda _: fen(amount), early, reuse)

    def _request(self, distributor, amount_of, early, reuse) -> Payout | None:
        """The new payout, or None when the request was refused or was a retry."""
        before = self.books().balance(distributor.pk)
        held = self.books().early_withdrawable(distributor.pk)
        # The net position: available plus every hold, a refund's negative hold included.
        net = before.available + before.on_hold
        reachable = max(net if early else min(before.available, net), ZERO)
        requested = amount_of(reachable)
        known = self.keys[distributor.pk]
        retried = None
        if reuse is not None and known:
            key, first_amount = known[reuse[0] % len(known)]
            retried = first_amount
            if reuse[1]:
                requested = first_amount
        else:
            key = f"key-{next(self.key_numbers)}"
        entries_before = len(self.books().ledger)
        try:
            payout = request_payout(
                distributor,
                currency="CNY",
                amount=requested,
                payee=PAYEES[distributor.code],
                idempotency_key=key,
                actor=f"user:{distributor.user_id}",
                program=PROGRAM,
                early=early,
            )
        except PayoutError as error:
            expected = {
                "idempotency_conflict": retried is not None and retried != requested,
                "below_minimum": requested < PROGRAM.payout_minimum("CNY"),
                "negative_balance": net < 0 or (before.available < 0 and not early),
                "insufficient_funds": requested > reachable,
            }
            assert expected.get(error.code), (error.code, requested, before, held, early)
            return None
        if retried is not None:
            # A retry finds the first request and moves no money again.
            assert retried == requested
            assert payout.pk in self.payouts
            assert LedgerEntry.objects.count() == entries_before
            return None
        self.payouts.append(payout.pk)
        known.append((key, requested))
        self.changed()
        # The rule stated from outside first, then what the request did to the buckets.
        self._money_left(distributor.pk)
        after = balance(distributor, "CNY")
        # The request reserved what was there: available (and the hold, early) never overdrawn.
        assert net >= 0 and requested >= PROGRAM.payout_minimum("CNY")
        assert requested <= reachable
        assert after.reserved == before.reserved + requested
        from_available = min(max(before.available, ZERO), requested)
        early_part = requested - from_available
        assert after.available == before.available - from_available
        assert payout.early_amount == early_part
        assert payout.fee == quantize(early_part * PROGRAM.early_withdrawal_fee_rate / 100, "CNY")
        assert after.on_hold == before.on_hold - early_part
        return payout

    def _payout(self, which: int, statuses, anything: bool) -> Payout:
        """Mostly a payout the action applies to, so that payouts get as far as being paid;
        sometimes any, to see the others refused."""
        fitting = [p.id for p in self.books().payouts if p.status in statuses]
        ids = self.payouts if anything or not fitting else fitting
        return Payout.objects.get(pk=ids[which % len(ids)])

    @precondition(lambda self: self.payouts)
    @rule(
        which=pick,
        anything=st.booleans(),
        # One approval, or two in a row: by different staff, or the same one (refused).
        actors=st.sampled_from(((STAFF[0],), STAFF, STAFF[::-1], (STAFF[0], STAFF[0]))),
        then_pay=st.booleans(),
    )
    def staff_approve(self, which, anything, actors, then_pay):
        payout = self._payout(which, OPEN_STATUSES, anything)
        for actor in actors:
            payout = self._approve(payout, actor)
        if then_pay:
            # The transfer the same day, before anything else can happen in between.
            self._mark_paid(payout)
        self.changed()

    def _approve(self, payout: Payout, actor: str) -> Payout:
        # Approval moves no money, so the books read before it still hold.
        before = self.books().balance(payout.distributor_id)
        net = before.available + before.on_hold
        try:
            approved = approve_payout(payout, actor=actor, program=PROGRAM)
        except PayoutError as error:
            expected = {
                "invalid_status": payout.status not in OPEN_STATUSES,
                "same_approver": payout.status == Status.FIRST_APPROVED
                and payout.first_approved_by == actor,
                "negative_balance": net < 0,
            }
            assert expected.get(error.code), (error.code, payout.status)
            return payout
        self._money_left(payout.distributor_id)
        # A clawback still to offset holds every payout back.
        assert net >= 0
        # The threshold counts what the distributor asked for over 24 hours (a run lasts less),
        # this request and the earlier ones not cancelled or rejected.
        asked = Payout.objects.filter(
            distributor_id=payout.distributor_id, currency="CNY", pk__lte=payout.pk
        ).exclude(status__in=(Status.CANCELLED, Status.REJECTED))
        needs_two = PROGRAM.needs_second_approval(
            "CNY", sum((p.amount for p in asked if p.pk != payout.pk), payout.amount)
        )
        if payout.status == Status.REQUESTED and needs_two:
            assert approved.status == Status.FIRST_APPROVED
        else:
            # One approver for a small payout; a large one needs a second, different one.
            assert payout.status == Status.REQUESTED or approved.first_approved_by != actor
            assert approved.status == Status.APPROVED
            assert approved.net == approved.amount - approved.fee - approved.tax
        return approved

    @precondition(lambda self: self.payouts)
    @rule(which=pick, anything=st.booleans())
    def staff_reject(self, which, anything):
        payout = self._payout(which, REJECTABLE_STATUSES, anything)
        try:
            self._gives_money_back(
                payout,
                lambda: reject_payout(
                    payout, actor=STAFF[0], reason="the name does not match the account"
                ),
            )
        except PayoutError as error:
            # Exported payouts wait for the bank's answer; closed ones are closed.
            assert error.code == "invalid_status"
            assert payout.status not in REJECTABLE_STATUSES

    @precondition(lambda self: self.payouts)
    @rule(which=pick, anything=st.booleans())
    def distributor_cancels_payout(self, which, anything):
        payout = self._payout(which, OPEN_STATUSES, anything)
        try:
            self._gives_money_back(
                payout, lambda: cancel_payout(payout, actor=f"user:{payout.distributor.user_id}")
            )
        except PayoutError as error:
            assert error.code == "invalid_status"
            assert payout.status not in OPEN_STATUSES

    def _gives_money_back(self, payout: Payout, reject_or_cancel) -> None:
        """Money goes back where it came from: what an early withdrawal took from an order still
        in its hold goes back on hold (the early path must not skip the hold), the rest to
        available, less the tax the rest of the payout's tax month still owes (or plus what it
        withheld too much) once this payout's income is gone from it."""
        before = self.books()
        running = {s.id for s in before.settlements if s.released_at is None}
        taken_from_running = -sum(
            (
                row.amount
                for row in before.ledger
                if row.payout_id == payout.pk
                and row.bucket == Bucket.HOLD
                and row.settlement_id in running
            ),
            ZERO,
        )
        reject_or_cancel()
        self.changed()
        after = self.books()
        back_on_hold = sum(
            (
                row.amount
                for row in after.ledger
                if row.payout_id == payout.pk
                and row.bucket == Bucket.HOLD
                and row.kind == Kind.RESERVATION_RETURN
            ),
            ZERO,
        )
        assert back_on_hold == taken_from_running
        [closed] = [p for p in after.payouts if p.id == payout.pk]
        if payout.status not in COUNTING_STATUSES:
            assert closed.tax_correction == 0
        available = after.balance(payout.distributor_id).available
        assert available == (
            before.balance(payout.distributor_id).available
            + payout.amount
            - taken_from_running
            - closed.tax_correction
        )

    @precondition(lambda self: self.payouts)
    @rule(which=pick, anything=st.booleans())
    def staff_marks_paid(self, which, anything):
        self._mark_paid(self._payout(which, {Status.APPROVED, Status.EXPORTED}, anything))
        self.changed()

    def _mark_paid(self, payout: Payout) -> None:
        try:
            mark_paid(payout, actor=STAFF[1], transfer_reference=f"T-{payout.pk}")
        except PayoutError as error:
            assert error.code == (
                "already_paid" if payout.status == Status.PAID else "invalid_status"
            )
            assert payout.status not in (Status.APPROVED, Status.EXPORTED)
            return
        self.changed()

    @precondition(lambda self: self.payouts)
    @rule(picks=st.lists(pick, min_size=1, max_size=4), anything=st.booleans())
    def staff_approve_in_bulk(self, picks, anything):
        chosen = [self._payout(which, OPEN_STATUSES, anything) for which in picks]
        before = {payout.pk: payout.status for payout in chosen}
        results = approve_payouts([p.pk for p in chosen], actor=STAFF[0], program=PROGRAM)
        self.changed()
        seen = set()
        for payout, result in zip(chosen, results, strict=True):
            if payout.pk in seen:
                assert result.error.code == "invalid"
                continue
            seen.add(payout.pk)
            # The bulk approval does per payout what a single one does.
            if result.error is None:
                assert before[payout.pk] in OPEN_STATUSES
                assert result.outcome in (Status.APPROVED, Status.FIRST_APPROVED)
            else:
                assert result.error.code in ("invalid_status", "same_approver", "negative_balance")

    def _with_available_money(self) -> list[Distributor]:
        buckets = self.books().buckets
        minimum = PROGRAM.payout_minimum("CNY")
        return [d for d in self.distributors if buckets[(d.pk, "CNY", Bucket.AVAILABLE)] >= minimum]

    @precondition(lambda self: self._with_available_money())
    @rule(
        who=pick,
        percent=st.sampled_from((40, 100)),
        bank_says=st.sampled_from(("paid", "failed", "later")),
        method=st.sampled_from((None, "alipay", "wechat")),
        then_an_earlier_one_fails=st.booleans(),
    )
    def payout_to_the_bank_and_back(
        self, who, percent, bank_says, method, then_an_earlier_one_fails
    ):
        """The whole way in one step, so that examples often reach taxed months, batches and
        failures: a request, its approvals, a batch, and the bank's answer for that payout, or
        none yet (so that a later failure takes a payout out of a month others were taxed
        in after it, and the month is assessed again)."""
        candidates = self._with_available_money()
        distributor = candidates[who % len(candidates)]
        payout = self._request(
            distributor,
            lambda reachable: max(quantize(reachable * percent / 100, "CNY"), CENT),
            False,
            reuse=None,
        )
        if payout is None:
            return
        for actor in STAFF:
            payout = self._approve(payout, actor)
        self.changed()
        self.staff_export_a_batch(method)
        payout.refresh_from_db()
        if bank_says == "paid":
            self._mark_paid(payout)
        elif bank_says == "failed":
            self.bank_reports_a_failure_of(payout)
        payout.refresh_from_db()
        earlier = (
            Payout.objects.filter(
                tax_identity_id=payout.tax_identity_id,
                status=Status.EXPORTED,
                approved_at__lt=payout.approved_at,
            )
            .order_by("approved_at")
            .first()
            if then_an_earlier_one_fails and payout.approved_at
            else None
        )
        if earlier is not None:
            # Its person's month now holds payouts approved after it: assessed again.
            self.bank_reports_a_failure_of(earlier)

    @rule(method=st.sampled_from((None, "alipay", "wechat")))
    def staff_export_a_batch(self, method):
        books = self.books()
        waiting = {
            p.id
            for p in books.payouts
            if p.status == Status.APPROVED
            and p.batch_id is None
            and (method is None or p.method == method)
        }
        try:
            batch, content = create_batch(actor=STAFF[0], method=method)
        except PayoutError as error:
            assert error.code == "nothing_to_export" and not waiting
            return
        self.changed()
        members = frozenset(batch.payouts.values_list("pk", flat=True))
        # Every approved payout waiting for the bank, and nothing else.
        assert members == waiting
        self.batches[batch.pk] = (members, content)

    @precondition(lambda self: self.batches)
    @rule(which=pick)
    def staff_download_a_batch_again(self, which):
        batch_id = sorted(self.batches)[which % len(self.batches)]
        assert batch_csv(PayoutBatch.objects.get(pk=batch_id)) == self.batches[batch_id][1]

    @precondition(lambda self: self.batches)
    @rule(which=pick, anything=st.booleans())
    def bank_reports_a_failure(self, which, anything):
        self.bank_reports_a_failure_of(self._payout(which, {Status.EXPORTED}, anything))

    def bank_reports_a_failure_of(self, payout: Payout) -> None:
        try:
            self._gives_money_back(
                payout, lambda: mark_failed(payout, actor=STAFF[1], reason="account closed")
            )
        except PayoutError as error:
            assert error.code == "invalid_status"
            assert payout.status != Status.EXPORTED

    @precondition(lambda self: not self.adjusted)
    @rule(who=st.sampled_from(CODES[1:]), amount=st.integers(-50_000, 50_000), rare=pick)
    def staff_adjustment(self, who, amount, rare):
        # Rare (at most one an example): a goodwill bonus, or a clawback agreed with the
        # distributor outside the shop.
        if rare % 4 != 1 or not amount:
            return
        self.adjusted = True
        staff_adjusts_balance(
            distributor_id=self.ids[who],
            currency="CNY",
            amount=fen(amount),
            actor=STAFF[0],
            reason="agreed with the distributor",
        )
        self.changed()

    # --- Never more paid than earned ---------------------------------------------------------
    def _debt(self, books: Books, distributor_id: int) -> Decimal:
        """Money that has left or is reserved beyond what the distributor earned: the payouts
        not rejected, cancelled or failed, against the commission earned net of reversals plus
        staff adjustments. Stated from the payouts and the commission, not from the buckets the
        payout code keeps."""
        out = sum(
            (
                p.amount
                for p in books.payouts
                if p.distributor_id == distributor_id and p.status in PAID_OR_RESERVED
            ),
            ZERO,
        ) + sum(
            # A month assessed again after a rejection moves tax out of (or back to) available.
            (p.tax_correction for p in books.payouts if p.distributor_id == distributor_id),
            ZERO,
        )
        earned = sum(
            (
                row.amount
                for row in books.ledger
                if row.distributor_id == distributor_id
                and row.kind in (*COMMISSION_KINDS, Kind.ADJUSTMENT)
            ),
            ZERO,
        )
        return max(out - earned, ZERO)

    def _money_left(self, distributor_id: int) -> None:
        """A request or an approval just succeeded: it may only do so while no debt is unpaid,
        and it may not make one."""
        books = self.books()
        assert self._debt(books, distributor_id) == 0, (
            "money left while more had left than was earned",
            distributor_id,
            self._debt(books, distributor_id),
        )
        self.money_left_at[distributor_id] = max((row.id for row in books.ledger), default=0)

    @invariant()
    def never_more_paid_than_earned_but_by_later_refunds(self):
        books = self.books()
        for distributor_id in self.ids.values():
            since = self.money_left_at.get(distributor_id, 0)
            later_losses = -sum(
                (
                    row.amount
                    for row in books.ledger
                    if row.distributor_id == distributor_id
                    and row.id > since
                    and row.amount < 0
                    and row.kind in (Kind.REVERSAL, Kind.ADJUSTMENT)
                ),
                ZERO,
            )
            assert self._debt(books, distributor_id) <= later_losses, (distributor_id, since)

    # --- Invariants ---------------------------------------------------------------------------
    @invariant()
    def no_money_is_made_or_lost(self):
        books = self.books()
        # Commission is one ledger row per accrual or reversal of a plan line, paid to that
        # line's distributor at that line's level; no other row claims a plan line.
        assert len(books.commission) == sum(
            1 for row in books.ledger if row.kind in COMMISSION_KINDS
        )
        assert all(
            row.commission_line_id is None and row.level is None
            for row in books.ledger
            if row.kind not in COMMISSION_KINDS
        )
        for entry in books.commission:
            assert (entry.distributor_id, entry.level) == (
                entry.line_distributor_id,
                entry.line_level,
            )
            assert entry.currency == "CNY"
        # Everything but commission and staff adjustments moves money between buckets.
        movements: dict[object, Decimal] = defaultdict(Decimal)
        for row in books.ledger:
            if row.kind not in COMMISSION_KINDS and row.kind != Kind.ADJUSTMENT:
                movements[row.movement] += row.amount
        assert {m: total for m, total in movements.items() if total} == {}
        ledger_totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        sources: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        for row in books.ledger:
            ledger_totals[(row.distributor_id, row.currency)] += row.amount
            if row.kind == Kind.ADJUSTMENT:
                sources[(row.distributor_id, row.currency)] += row.amount
        for entry in books.commission:
            sources[(entry.distributor_id, entry.currency)] += entry.amount
        assert _nonzero(ledger_totals) == _nonzero(sources)

    @invariant()
    def reversals_never_exceed_accruals(self):
        accrued: dict[int, Decimal] = defaultdict(Decimal)
        reversed_: dict[int, Decimal] = defaultdict(Decimal)
        for entry in self.books().commission:
            target = accrued if entry.kind == Kind.ACCRUAL else reversed_
            target[entry.line_id] += entry.amount
        for line, amount in reversed_.items():
            assert -amount <= accrued[line], (line, accrued[line], amount)

    @invariant()
    def payouts_never_overdraw_and_buckets_match_them(self):
        books = self.books()
        buckets = books.buckets
        expected: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
        legs: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        for row in books.ledger:
            if row.payout_id is not None:
                kind = "early" if row.kind == Kind.RESERVATION and row.bucket == Bucket.HOLD else ""
                legs[(row.payout_id, kind or row.bucket)] += row.amount
        for payout in books.payouts:
            key = (payout.distributor_id, payout.currency)
            reserved_now = payout.amount if payout.status in RESERVED_STATUSES else ZERO
            assert legs[(payout.id, Bucket.RESERVED)] == reserved_now
            assert -legs[(payout.id, "early")] == payout.early_amount
            expected[(*key, Bucket.RESERVED)] += reserved_now
            if payout.status in (Status.APPROVED, Status.PAID):
                assert payout.tax >= 0 and payout.net >= 0
                assert payout.net + payout.tax + payout.fee == payout.amount
            if payout.status == Status.PAID:
                expected[(*key, Bucket.PAID)] += payout.net
                expected[(*key, Bucket.TAX)] += payout.tax
                expected[(*key, Bucket.FEE)] += payout.fee
            # A payout that left its tax month moved the month's re-assessment to tax.
            expected[(*key, Bucket.TAX)] += payout.tax_correction
            for bucket in (Bucket.PAID, Bucket.TAX, Bucket.FEE):
                paid_part = {Bucket.PAID: payout.net, Bucket.TAX: payout.tax}.get(
                    bucket, payout.fee
                )
                assert legs[(payout.id, bucket)] == (
                    paid_part if payout.status == Status.PAID else ZERO
                ) + (payout.tax_correction if bucket == Bucket.TAX else ZERO)
        for bucket in (Bucket.RESERVED, Bucket.PAID, Bucket.TAX, Bucket.FEE):
            actual = {k: v for k, v in buckets.items() if k[2] == bucket}
            assert _nonzero(actual) == _nonzero(
                {k: v for k, v in expected.items() if k[2] == bucket}
            )

    @invariant()
    def a_persons_month_withholds_the_tax_on_what_they_were_paid(self):
        income: dict[tuple, Decimal] = defaultdict(Decimal)
        withheld: dict[tuple, Decimal] = defaultdict(Decimal)
        for payout in self.books().payouts:
            if payout.tax_month is None:
                continue
            # Every payout here is made under an identity (the payees send their ID numbers).
            assert payout.tax_identity_id is not None
            person_month = (payout.tax_identity_id, payout.currency, payout.tax_month)
            withheld[person_month] += payout.tax_correction
            if payout.status in COUNTING_STATUSES:
                income[person_month] += payout.amount - payout.fee
                withheld[person_month] += payout.tax
        for person_month in withheld:
            assert withheld[person_month] == labour_remuneration_tax(income[person_month]).tax, (
                person_month,
                income[person_month],
            )

    @invariant()
    def exported_payouts_stay_in_their_one_batch(self):
        by_batch: dict[int, set[int]] = defaultdict(set)
        for payout in self.books().payouts:
            if payout.status == Status.EXPORTED:
                assert payout.batch_id is not None
            if payout.batch_id is not None:
                by_batch[payout.batch_id].add(payout.id)
        assert {batch: frozenset(ids) for batch, ids in by_batch.items()} == {
            batch: members for batch, (members, _) in self.batches.items()
        }

    @invariant()
    def every_entry_traces_to_an_order_line_or_a_staff_action(self):
        books = self.books()
        for row in books.ledger:
            if row.kind in COMMISSION_KINDS:
                assert row.commission_line_id is not None and row.settlement_id is not None
            elif row.kind in SETTLEMENT_KINDS:
                assert row.settlement_id is not None
            elif row.kind in PAYOUT_KINDS:
                assert row.payout_id is not None
            else:
                assert row.kind == Kind.ADJUSTMENT and row.actor in STAFF and row.reason
        order_lines = {
            (order_id, line.line_id)
            for order_id in self.orders
            for line in SimulatedShop.orders[order_id].lines
        }
        for entry in books.commission:
            order_id = str(entry.order_id)
            assert (order_id, entry.order_line_id) in order_lines
        # Three levels including the seller, never a fourth.
        fourth = self.ids["AAA111"]
        assert not any(row.distributor_id == fourth for row in books.ledger)

    @invariant()
    def pending_and_held_money_is_never_negative(self):
        books = self.books()
        pending: dict[int, Decimal] = defaultdict(Decimal)
        held: dict[int, Decimal] = defaultdict(Decimal)
        earned: dict[int, Decimal] = defaultdict(Decimal)
        taken_early: dict[int, Decimal] = defaultdict(Decimal)
        for row in books.ledger:
            if row.settlement_id is None:
                continue
            if row.bucket == Bucket.PENDING:
                pending[row.settlement_id] += row.amount
            elif row.bucket == Bucket.HOLD:
                held[row.settlement_id] += row.amount
            if row.kind in COMMISSION_KINDS:
                earned[row.settlement_id] += row.amount
            elif row.bucket == Bucket.HOLD and row.kind in PAYOUT_KINDS:
                taken_early[row.settlement_id] -= row.amount
        for settlement in books.settlements:
            s = settlement.id
            assert earned[s] >= 0 and taken_early[s] >= 0
            if settlement.confirmed_at is None:
                assert (pending[s], held[s]) == (earned[s], ZERO)
            elif settlement.released_at is None:
                # On hold is what the order earns less what an early withdrawal took from it;
                # below zero only when a refund took back money already withdrawn early.
                assert pending[s] == 0
                assert held[s] + taken_early[s] == earned[s]
            else:
                assert (pending[s], held[s]) == (ZERO, ZERO)

    @invariant()
    def delivered_orders_hold_what_their_state_earns(self):
        books = self.books()
        held: dict[str, dict[tuple[str, int], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for entry in books.commission:
            order_id = str(entry.order_id)
            held[order_id][(entry.order_line_id, entry.level)] += entry.amount
        expected_per_distributor: dict[int, Decimal] = defaultdict(Decimal)
        for order_id in self.orders:
            expected = self._expected_commission(order_id)
            for (_, level), amount in expected.items():
                expected_per_distributor[self.ids[RATES[level - 1][1]]] += amount
            if order_id in self.stale:
                continue
            assert {k: held[order_id].get(k, ZERO) for k in expected} == expected
            assert set(held[order_id]) <= set(expected)
        if not self.stale:
            # With every hook delivered, each distributor's ledger is exactly their commission
            # on the orders' final states plus staff adjustments.
            totals: dict[int, Decimal] = defaultdict(Decimal)
            for row in books.ledger:
                if row.kind != Kind.ADJUSTMENT:
                    totals[row.distributor_id] += row.amount
            assert _nonzero(totals) == _nonzero(expected_per_distributor)

    def _expected_commission(self, order_id: str) -> dict[tuple[str, int], Decimal]:
        """What the order earns now, worked out from the shop's order and the tree alone."""
        order = SimulatedShop.orders[order_id]
        known, expected = self._expected.get(order_id, (None, {}))
        if order is not known:
            expected = self._commission_of(order)
            self._expected[order_id] = (order, expected)
        return expected

    def _commission_of(self, order) -> dict[tuple[str, int], Decimal]:
        if not order.is_fully_paid:
            return {}
        plan = [
            PlannedCommission(
                line_id=line.line_id,
                level=level,
                distributor_id=self.ids[code],
                rate=rate,
                base=line.net_amount,
                quantity=line.quantity,
            )
            for level, code, rate in RATES
            for line in order.lines
        ]
        return commission_targets(
            plan, refunds=order.refunds, cancelled=order.cancelled, currency=order.currency
        )


def simulated_lines(lines) -> list[SimulatedLine]:
    return [
        SimulatedLine(
            f"p{index}",
            fen(price),
            quantity,
            product_id=f"p{index}",
            tax_rate=Decimal("0.13") if taxed else ZERO,
        )
        for index, (price, quantity, taxed) in enumerate(lines)
    ]


OPENING_BOOKS: list[tuple] = []
OPENING_RULES: list[list[tuple[str, bool]]] = []


def _books_fingerprint() -> tuple:
    """Everything the first steps' choices depend on: the savepoints open and every money row.
    Two examples starting from different books would make Hypothesis see the same choices
    enable different rules (a FlakyStrategyDefinition), and hide which example leaked."""
    books = Books()
    return (
        len(connection.savepoint_ids),
        sorted(books.buckets.items()),
        len(books.commission),
        len(books.payouts),
        sorted((s.distributor_id, s.confirmed_at, s.released_at) for s in books.settlements),
        tuple(SimulatedShop.orders),
    )


def _starts_from_the_opening_books() -> None:
    fingerprint = _books_fingerprint()
    if not OPENING_BOOKS:
        OPENING_BOOKS.append(fingerprint)
    assert fingerprint == OPENING_BOOKS[0], "an earlier example left its changes behind"


def open_the_books() -> tuple[dict, dict]:
    """The opening orders, written once for all examples (each example's savepoint starts from
    them): worth a day of reconciliation per example otherwise. Returns the shop's orders and
    their change times, for each example to start its simulated shop from."""
    OPENING_BOOKS.clear()
    OPENING_RULES.clear()
    for days_ago, lines in OPENING_ORDERS:
        order = SimulatedShop.place_order(
            simulated_lines(lines), referral_code="DDD444", notify=False
        )
        SimulatedShop.pay(order.order_id, notify=False)
        delivered = timezone.now() - timedelta(days=days_ago)
        SimulatedShop.fulfil(order.order_id, at=delivered, notify=False)
        # The hooks, lost, arrive together as one late delivery.
        process_order_event(order.order_id, "order_fulfilled")
    return dict(SimulatedShop.orders), dict(SimulatedShop.changed_at)


def _refund_event(order) -> str:
    return "order_fully_refunded" if order.refunds.fully_refunded else "order_refunded"


def _nonzero(totals):
    return {key: amount for key, amount in totals.items() if amount}


def test_money_is_never_made_lost_or_overdrawn(tree, settings):
    settings.WFX_PROGRAM_SETTINGS = PROGRAM_CONFIG
    opening = open_the_books()
    d = tree[3]
    # Enough available for a taxed payout (above 800 yuan), and some on hold for early ones.
    assert balance(d, "CNY").available == Decimal("902.97")
    assert balance(d, "CNY").on_hold == Decimal("1501.89")
    run_state_machine_as_test(
        lambda: MoneyMachine(*opening),
        settings=hypothesis_settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


def _old_rule_split(distributor, currency, amount, early):
    """The rule before the net position: available money only, then any positive hold."""
    from saleor_wfx_plugin.selectors.balances import hold_by_settlement
    from saleor_wfx_plugin.services.payouts.common import payout_error

    current = balance(distributor, currency)
    if current.available < 0:
        raise payout_error("negative balance", "negative_balance")
    from_available = min(current.available, amount)
    if from_available < amount and not early:
        raise payout_error("not available", "insufficient_funds", "amount")
    needed, taken = amount - from_available, []
    for settlement_id, held in hold_by_settlement(distributor, currency):
        if needed <= 0:
            break
        taken.append((settlement_id, min(held, needed)))
        needed -= min(held, needed)
    if needed > 0:
        raise payout_error("not on hold", "insufficient_funds", "amount")
    return from_available, taken


@pytest.mark.parametrize("rule", ["net position", "old rule"])
def test_the_oracle_sees_an_early_withdrawal_round_a_clawback(tree, settings, monkeypatch, rule):
    """The issue's worked case, replayed step by step through the machine: with the old rule
    (available only) put back, the invariant stated from outside fails; with the net position
    it holds."""
    from saleor_wfx_plugin.services.payouts import requests

    if rule == "old rule":
        monkeypatch.setattr(requests, "_split_against_net_position", _old_rule_split)
        monkeypatch.setattr(Balance, "net_position", property(lambda self: self.available))
    settings.WFX_PROGRAM_SETTINGS = PROGRAM_CONFIG
    machine = MoneyMachine(*open_the_books())
    d = machine.distributors[3]
    try:
        # 902.97 available and 1,497.03 of the first opening order's 1,501.89 hold, early.
        machine._request(d, lambda _: Decimal("2400.00"), True, None)
        machine.staff_approve(which=0, anything=False, actors=STAFF, then_pay=True)
        assert Payout.objects.get().status == Status.PAID
        # That order's goods come back while its hold runs: the hold owes 1,497.03.
        first = machine.orders[0]
        machine.refund_amount(which=machine.orders.index(first), percent=100, notify=True)
        # A new order of 5,000.00 earns D 500.00, on hold once delivered.
        machine.place_order(lines=[(500_000, 1, False)], notify=True)
        machine.pay(which=0, notify=True)
        # Delivered now: confirmed at once, while the shop clock (and the first hold) stands.
        machine.fulfil(which=0, hours_ahead=None, notify=True)
        assert machine.books().balance(d.pk).on_hold == Decimal("500.00") - Decimal("1497.03")
        if rule == "old rule":
            with pytest.raises(AssertionError, match="more had left than was earned"):
                machine._request(d, lambda _: Decimal("400.00"), True, None)
        else:
            machine._request(d, lambda _: Decimal("400.00"), True, None)
            assert Payout.objects.count() == 1  # refused: the net position is -997.03
            machine.never_more_paid_than_earned_but_by_later_refunds()
    finally:
        machine.teardown()
