"""The money machine's invariants, stated from the outside (the module docstring of
test_money_properties.py lists them)."""

from collections import defaultdict
from decimal import Decimal

from hypothesis.stateful import (
    invariant,
)

from saleor_wfx_plugin.domain.commission import PlannedCommission, commission_targets
from saleor_wfx_plugin.domain.tax import labour_remuneration_tax
from saleor_wfx_plugin.sandbox.simulator import SimulatedShop
from tests.services.money_books import (
    COMMISSION_KINDS,
    COUNTING_STATUSES,
    PAID_OR_RESERVED,
    PAYOUT_KINDS,
    RATES,
    RESERVED_STATUSES,
    SETTLEMENT_KINDS,
    STAFF,
    ZERO,
    Books,
    Bucket,
    Kind,
    Status,
    nonzero,
)


class MoneyInvariants:
    """Mixed into MoneyMachine (test_money_properties.py); read its books after every step."""

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
        assert nonzero(ledger_totals) == nonzero(sources)

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
            assert nonzero(actual) == nonzero({k: v for k, v in expected.items() if k[2] == bucket})

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
            assert nonzero(totals) == nonzero(expected_per_distributor)

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
