from __future__ import annotations

import base64
import binascii
from typing import Any

import graphene
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from graphql import GraphQLError

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


def _decode_cursor(cursor: str) -> int:
    try:
        prefix, _colon, number = base64.b64decode(cursor, validate=True).decode().partition(":")
        offset = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise GraphQLError(_("Invalid cursor %(cursor)r.") % {"cursor": cursor}) from None
    # The offset goes to PostgreSQL as a bigint, with the page size added.
    if prefix != "offset" or not number.isascii() or not 0 <= offset <= MAX_CURSOR_OFFSET:
        raise GraphQLError(_("Invalid cursor %(cursor)r.") % {"cursor": cursor})
    return offset


def paginate(
    queryset: QuerySet[Any], connection_type: Any, first: int | None, after: str | None
) -> Any:
    """One page: fetches `first + 1` rows to know whether there is a next page; counts all rows
    only when the client asks for `totalCount`."""
    if first is None:
        first = DEFAULT_PAGE_SIZE
    if first < 0 or first > MAX_PAGE_SIZE:
        raise GraphQLError(
            _("`first` must be between 0 and %(max_page_size)s.") % {"max_page_size": MAX_PAGE_SIZE}
        )
    start = _decode_cursor(after) + 1 if after else 0
    rows = list(queryset[start : start + first + 1])
    has_next = len(rows) > first
    rows = rows[:first]
    edges = [
        connection_type.Edge(node=row, cursor=_encode_cursor(start + index))
        for index, row in enumerate(rows)
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
