from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...models import PayoutEvent
from ...selectors.balances import LedgerTotals, ledger_totals
from ...selectors.payouts import payout_events
from ..core.dataloaders import DataLoader


class LedgerTotalsByDistributorIdLoader(DataLoader[int, list[LedgerTotals]]):
    """Balances and earnings of every distributor a request shows, in one statement."""

    context_key = "ledger_totals_by_distributor_id"

    def batch_load(self, keys: Iterable[int]) -> Mapping[int, list[LedgerTotals]]:
        return ledger_totals(keys)

    def missing(self) -> Any:
        return []


class PayoutEventsByPayoutIdLoader(DataLoader[int, list[PayoutEvent]]):
    context_key = "payout_events_by_payout_id"

    def batch_load(self, keys: Iterable[int]) -> Mapping[int, list[PayoutEvent]]:
        return payout_events(keys)

    def missing(self) -> Any:
        return []
