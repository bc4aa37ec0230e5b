"""The combined cap: every level's rate on one line together may not exceed `max_total_rate`.

A typo in one rate ("50" for "5" in level2_rate) would otherwise pay half the goods away on
every order until somebody noticed. The cap is checked where rates are entered (the plugin's
settings, grades, product and category rules) and enforced once more, line by line, when an
order's commission is planned, for whatever got past the first checks (a configuration saved
before the cap existed, two staff saving at the same moment).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .messages import Joined, Phrase, phrase

if TYPE_CHECKING:
    from .settings import ProgramSettings

# The settings that add up to a line's combined rate, in the order a merchant reads them.
RATE_CAP_FIELDS = (
    "default_seller_rate",
    "level2_rate",
    "level3_rate",
    "commission_levels",
    "max_total_rate",
)


@dataclass(frozen=True, slots=True)
class RateSource:
    """A seller rate and what sets it, for messages: "the default seller rate", "grade 金牌"."""

    rate: Decimal
    label: Phrase | str


@dataclass(frozen=True, slots=True)
class RateCapCheck:
    """What saving the settings needs to check the combined cap: the highest seller rate a
    grade or a product or category rule sets (the caller reads it from the database), and which
    settings this save changed, so that the error appears where the merchant typed."""

    highest_seller_override: RateSource | None
    changed: Collection[str]

    def errors_for(self, settings: ProgramSettings) -> dict[str, Phrase]:
        seller = RateSource(settings.default_seller_rate, phrase("label_default_seller_rate"))
        override = self.highest_seller_override
        if override is not None and override.rate > seller.rate:
            seller = override
        problem = settings.seller_rate_over_cap(seller)
        if problem is None:
            return {}
        # On what this save changed; when none of those changed (a grade raised before the cap
        # existed, say), on the cap itself, the one setting that always fixes it.
        named = [name for name in RATE_CAP_FIELDS if name in self.changed] or ["max_total_rate"]
        return dict.fromkeys(named, problem)


def over_cap_message(
    seller: RateSource, upline_rates: Mapping[int, Decimal], cap: Decimal
) -> Phrase | None:
    """Why `seller`'s rate and the upline rates together break the cap; None when they fit.

    Worked example: seller up to 10 % (default), level 2 50 % (meant 5), level 3 2 %: 62 % of
    every line, above a 40 % cap; the message names each part and the room left for the seller.
    """
    total = seller.rate + sum(upline_rates.values(), Decimal(0))
    if total <= cap:
        return None
    parts = [phrase("cap_part_seller", rate=seller.rate, label=seller.label)] + [
        phrase("cap_part_level", level=level, rate=rate)
        for level, rate in sorted(upline_rates.items())
    ]
    room = max(cap - (total - seller.rate), Decimal(0))
    return phrase(
        "rate_above_cap", parts=Joined(tuple(parts), " + "), total=total, cap=cap, room=room
    )


def cap_line_rates(rates: Mapping[int, Decimal], cap: Decimal) -> dict[int, Decimal]:
    """The rates of one line's levels, lowered so that together they pay at most `cap` %.

    What is over the cap comes off the highest level first: the seller made the sale, and the
    further a level is from it the sooner it gives way. Seller 30 %, level 2 15 %, level 3 5 %
    under a 40 % cap: level 3 gives its 5 and level 2 another 5, leaving 30 / 10 / 0.
    """
    capped = dict(rates)
    excess = sum(capped.values(), Decimal(0)) - cap
    for level in sorted(capped, reverse=True):
        if excess <= 0:
            break
        cut = min(capped[level], excess)
        capped[level] -= cut
        excess -= cut
    return capped
