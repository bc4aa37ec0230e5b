"""The referral chain of an order: the seller and at most two people above them.

China's 禁止传销条例 (anti-pyramid-selling regulation) allows commission through at most three
levels *including the seller*. The chain therefore has exactly three slots and no way to hold a
fourth: there is no list to append to, and building one from a longer ancestry keeps only the
first three.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .messages import DomainError

# The legal ceiling. Not a setting: the merchant's setting (1-3) can only lower it.
MAX_COMMISSION_LEVELS = 3

DistributorId = TypeVar("DistributorId")


class IllegalLevel(DomainError):
    pass


def validate_level(level: int) -> int:
    if not 1 <= level <= MAX_COMMISSION_LEVELS:
        raise IllegalLevel("illegal_level", level=level, max_levels=MAX_COMMISSION_LEVELS)
    return level


@dataclass(frozen=True, slots=True)
class ReferralChain(Generic[DistributorId]):
    seller: DistributorId
    upline: DistributorId | None = None
    grand_upline: DistributorId | None = None

    def __post_init__(self) -> None:
        if self.grand_upline is not None and self.upline is None:
            raise DomainError("chain_skips_upline")

    @classmethod
    def from_ancestry(cls, ancestry: Sequence[DistributorId]) -> ReferralChain[DistributorId]:
        """`ancestry` is the seller followed by their upline, its upline, and so on. Anything past
        the third element is dropped here, which is the point."""
        if not ancestry:
            raise DomainError("chain_needs_seller")
        upline = ancestry[1] if len(ancestry) > 1 else None
        grand_upline = ancestry[2] if len(ancestry) > 2 else None
        return cls(seller=ancestry[0], upline=upline, grand_upline=grand_upline)

    def levels(
        self, max_levels: int = MAX_COMMISSION_LEVELS
    ) -> Iterator[tuple[int, DistributorId]]:
        """(level, distributor) for every filled slot up to the programme's level setting."""
        max_levels = validate_level(max_levels)
        slots = (self.seller, self.upline, self.grand_upline)
        for level, distributor in enumerate(slots[:max_levels], start=1):
            if distributor is not None:
                yield level, distributor
