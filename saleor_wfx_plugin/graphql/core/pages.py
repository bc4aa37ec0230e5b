"""The rows of one page, known to each other: a list resolver marks the rows it returns, and the
first row whose per-row data is asked for (earnings, team counts, a payout's events, staff
figures) loads it for the whole page at once, in one statement, and synchronously.

Synchronously is the point: a field answered with a DataLoader promise makes graphql-core 2 wrap
its object, the object's list and every parent in promises too, which on a page of 50 rows of 15
fields cost more CPU than the statement itself. A row from anywhere else (`me.distributor`) has
no page and is answered by the batching DataLoader as before."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_PAGE_ATTRIBUTE = "_wfx_page_ids"


def share_page(rows: Sequence[Any]) -> None:
    ids = tuple(row.pk for row in rows)
    for row in rows:
        setattr(row, _PAGE_ATTRIBUTE, ids)


def share_connection_page(connection: Any) -> Any:
    share_page([edge.node for edge in connection.edges])
    return connection


def page_ids(row: Any) -> tuple[Any, ...]:
    """The primary keys of the page `row` was listed on; empty for a row on no page."""
    return getattr(row, _PAGE_ATTRIBUTE, ())
