"""The money machine's bank rules: a payout to the bank and back, batches exported and
downloaded again, and failures the bank reports."""

from hypothesis import strategies as st
from hypothesis.stateful import (
    precondition,
    rule,
)

from saleor_wfx_plugin.domain.money import quantize
from saleor_wfx_plugin.errors import PayoutError
from saleor_wfx_plugin.models import Distributor, Payout, PayoutBatch
from saleor_wfx_plugin.services.payouts import (
    batch_csv,
    create_batch,
    mark_failed,
)
from tests.services.money_books import (
    CENT,
    PROGRAM,
    STAFF,
    Bucket,
    Status,
    pick,
)


class BankRules:
    """Mixed into MoneyMachine (test_money_properties.py), whose state they change."""

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
