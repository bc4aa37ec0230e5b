"""Column shapes and checks shared by every aggregate's models."""

from __future__ import annotations

from django.db.models import Q

from ..domain.chain import MAX_COMMISSION_LEVELS

# Saleor's own precision for money columns: enough for any currency's minor unit.
MONEY_DIGITS = {"max_digits": 20, "decimal_places": 3}
RATE_DIGITS = {"max_digits": 5, "decimal_places": 2}
LEVEL_IS_LEGAL = Q(level__gte=1) & Q(level__lte=MAX_COMMISSION_LEVELS)


def rate_in_range(field: str) -> Q:
    return Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100})
