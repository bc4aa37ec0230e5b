"""Reads of the programme's own configuration rows (grades, product and category rules)."""

from __future__ import annotations

from ..domain.messages import phrase
from ..domain.rate_cap import RateSource
from ..models import CommissionRule, Grade


def highest_seller_override() -> RateSource | None:
    """The highest seller rate any grade or product or category rule sets, with what sets it;
    None when none sets one. The combined cap must hold for the seller's best case."""
    grade = Grade.objects.filter(seller_rate__isnull=False).order_by("-seller_rate", "pk").first()
    rule = CommissionRule.objects.order_by("-seller_rate", "pk").first()
    candidates = []
    if grade is not None and grade.seller_rate is not None:
        candidates.append(RateSource(grade.seller_rate, phrase("label_grade", name=grade.name)))
    if rule is not None:
        candidates.append(
            RateSource(rule.seller_rate, phrase(f"label_{rule.scope}_rule", id=rule.saleor_id))
        )
    return max(candidates, key=lambda source: source.rate, default=None)
