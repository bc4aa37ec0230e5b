from __future__ import annotations

from django.db.models import IntegerField, Subquery


class RowCount(Subquery):
    """COUNT(*) of a (correlated) subquery, as a column of the outer query: several counts in
    one statement instead of one statement each."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()
