from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

import graphene
from django.core.exceptions import ValidationError
from django.db import DataError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from graphql import GraphQLError

from . import keyset

DEFAULT_PAGE_SIZE = 20


MAX_PAGE_SIZE = 100
MAX_CURSOR_OFFSET = 2**63 - 1 - 2 * (MAX_PAGE_SIZE + 1)


# --- Pagination ------------------------------------------------------------------------------
class CountableConnection(graphene.relay.Connection):
    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="Number of items across all pages.")

    @staticmethod
    def resolve_total_count(root: Any, info: Any) -> int:
        count: int = root.count_all()
        return count


def _encode_cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[int, list[Any] | None]:
    """The cursor's position and, for a keyset cursor, its row's sort key. Offset cursors (what
    the API gave out before keyset cursors, still in clients' hands) stay valid."""
    invalid = GraphQLError(_("Invalid cursor %(cursor)r.") % {"cursor": cursor})
    try:
        prefix, _colon, rest = base64.b64decode(cursor, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid from None
    if prefix == "keyset":
        try:
            offset, key = keyset.decode(rest)
        except keyset.BadCursor:
            raise invalid from None
        if offset > MAX_CURSOR_OFFSET:
            raise invalid
        return offset, key
    try:
        offset = int(rest)
    except ValueError:
        raise invalid from None
    # The offset goes to PostgreSQL as a bigint, with the page size added.
    if prefix != "offset" or not rest.isascii() or not 0 <= offset <= MAX_CURSOR_OFFSET:
        raise invalid
    return offset, None


def paginate(
    queryset: QuerySet[Any],
    connection_type: Any,
    first: int | None,
    after: str | None,
    order: tuple[str, ...] = (),
    window: Callable[[list[Any] | None, int], QuerySet[Any] | None] | None = None,
) -> Any:
    """One page: fetches `first + 1` rows to know whether there is a next page; counts all rows
    only when the client asks for `totalCount`.

    `order` (columns, as `order_by` takes them) replaces the selector's own order: the one place
    a `sortBy` is applied. Cursors are keyset cursors (see `keyset`) whenever the order is
    plain columns: the next page starts after the last row's sort key, not at an offset.

    `window(key, limit)`, when given, returns a cheaper queryset holding at least the `limit`
    rows after the cursor's `key` (None: from the start), in the same order; the page is read
    from it and `totalCount` from `queryset`. None from it: read from `queryset`."""
    if first is None:
        first = DEFAULT_PAGE_SIZE
    if first < 0 or first > MAX_PAGE_SIZE:
        raise GraphQLError(
            _("`first` must be between 0 and %(max_page_size)s.") % {"max_page_size": MAX_PAGE_SIZE}
        )
    if order:
        queryset = queryset.order_by(*order)
    columns = keyset.ordering(queryset)
    start, key = 0, None
    if after:
        offset, key = _decode_cursor(after)
        start = offset + 1
    readable = queryset
    if window is not None:
        try:
            # An offset cursor's page starts `start` rows in; a keyset cursor's right after it.
            limit = first + 1 if key is not None else start + first + 1
            narrowed = window(key, limit)
        except (ValueError, TypeError, IndexError):
            raise GraphQLError(_("Invalid cursor %(cursor)r.") % {"cursor": after}) from None
        if narrowed is not None:  # not `or`: a queryset's truth value would run it
            readable = narrowed
    page = keyset.with_keys(readable, columns) if columns else readable
    if after:
        if key is not None and columns:
            try:
                page = keyset.after(page, columns, key)
            except (keyset.BadCursor, ValueError, TypeError, ValidationError):
                raise GraphQLError(_("Invalid cursor %(cursor)r.") % {"cursor": after}) from None
            sliced = page[: first + 1]
        elif key is not None:
            raise GraphQLError(_("Invalid cursor %(cursor)r.") % {"cursor": after})
        else:
            sliced = page[start : start + first + 1]
    else:
        sliced = page[: first + 1]
    try:
        rows = list(sliced)
    except (ValueError, TypeError, ValidationError, DataError):
        # A forged key of the wrong type for its column.
        raise GraphQLError(_("Invalid cursor %(cursor)r.") % {"cursor": after}) from None
    has_next = len(rows) > first
    rows = rows[:first]

    def cursor(index: int, row: Any) -> str:
        if columns:
            return keyset.encode(start + index, keyset.key_of(row, columns))
        return _encode_cursor(start + index)

    edges = [
        connection_type.Edge(node=row, cursor=cursor(index, row)) for index, row in enumerate(rows)
    ]
    connection = connection_type(
        edges=edges,
        page_info=graphene.relay.PageInfo(
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
            has_next_page=has_next,
            has_previous_page=start > 0,
        ),
    )
    connection.count_all = queryset.count
    return connection
