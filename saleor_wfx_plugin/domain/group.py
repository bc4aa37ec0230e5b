"""团队拼团奖励: a distributor starts a group for a product; when enough distinct customers buy
it through the group within its window, the distributor's own (level-1) commission on those
orders' lines of the product gets an extra rate, never past the combined cap. Only sales earn
it, only the seller, never recruiting."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from .commission import PlannedCommission

SELLER_LEVEL = 1


@dataclass(frozen=True, slots=True)
class GroupTerms:
    """What a group was started with (the shop's settings at that moment)."""

    product_id: str
    size: int
    bonus_rate: Decimal
    started_at: datetime
    ends_at: datetime

    def admits(self, placed_at: datetime, product_ids: Iterable[str | None]) -> bool:
        """Whether an order placed at `placed_at` with these products counts for the group."""
        return self.started_at <= placed_at < self.ends_at and self.product_id in set(product_ids)


def is_complete(live_customers: int, size: int) -> bool:
    """`live_customers`: distinct customers whose orders through the group earn (paid, not
    cancelled, not refunded in full, not rejected in fraud review)."""
    return live_customers >= size


def with_group_bonus(
    plan: Sequence[PlannedCommission],
    *,
    group_line_ids: set[str],
    bonus_rate: Decimal,
    max_total_rate: Decimal,
) -> list[PlannedCommission]:
    """The plan with the seller's rate on the group's product lines raised by `bonus_rate`, as
    far as the combined cap leaves room on each line (every level's rate on it together)."""
    total_by_line: dict[str, Decimal] = {}
    for item in plan:
        total_by_line[item.line_id] = total_by_line.get(item.line_id, Decimal(0)) + item.rate
    raised = []
    for item in plan:
        if item.level == SELLER_LEVEL and item.line_id in group_line_ids:
            room = max(max_total_rate - total_by_line[item.line_id], Decimal(0))
            item = replace(item, rate=item.rate + min(bonus_rate, room))
        raised.append(item)
    return raised
