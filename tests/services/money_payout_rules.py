"""The money machine's payout rules: requests (early or not, retried), approvals (once, twice,
in bulk), rejections, cancellations, bank batches, failures and staff adjustments."""

from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.stateful import (
    precondition,
    rule,
)

from saleor_wfx_plugin.domain.money import quantize
from saleor_wfx_plugin.errors import PayoutError
from saleor_wfx_plugin.models import Distributor, LedgerEntry, Payout
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.payouts import (
    approve_payout,
    approve_payouts,
    cancel_payout,
    mark_paid,
    reject_payout,
    request_payout,
)
from tests.services.helpers import staff_adjusts_balance
from tests.services.money_books import (
    CENT,
    CODES,
    COUNTING_STATUSES,
    OPEN_STATUSES,
    PAYEES,
    PROGRAM,
    REJECTABLE_STATUSES,
    STAFF,
    ZERO,
    Bucket,
    Kind,
    Status,
    fen,
    pick,
)


class PayoutRules:
    """Mixed into MoneyMachine (test_money_properties.py), whose state they change."""

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
