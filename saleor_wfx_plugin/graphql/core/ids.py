from __future__ import annotations

import binascii
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from graphql_relay import from_global_id

from ...errors import InputError, ProgrammeError

ModelT = TypeVar("ModelT", bound=Model)

# Primary keys are PostgreSQL bigints: a larger number cannot name a row, and asking the database
# for one is an error rather than "no such row".
MAX_PK = 2**63 - 1


def parse_pk(pk: str) -> int | None:
    """The number in a Relay id's key, or None when it is not one a row can have. `str.isdigit`
    alone is not enough: it accepts "²" and other digits `int()` refuses."""
    if not (pk.isascii() and pk.isdigit()):
        return None
    number = int(pk)
    return number if number <= MAX_PK else None


# --- Ids -------------------------------------------------------------------------------------
def decode_id(global_id: str, expected_type: str, *, field: str = "id") -> str:
    """The primary key inside a Relay id of `expected_type`; a clear error otherwise."""
    try:
        type_name, pk = from_global_id(global_id)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        type_name, pk = "", ""
    if type_name != expected_type or not pk:
        raise InputError(
            _("Couldn't resolve id %(global_id)r: expected a %(expected_type)s id.")
            % {"global_id": global_id, "expected_type": expected_type},
            code="not_found",
            field=field,
        )
    return pk


def get_by_id(
    queryset: QuerySet[ModelT] | type[ModelT], global_id: str, type_name: str, *, field: str = "id"
) -> ModelT:
    """The row a Relay id names, from a model (every row) or a selector's queryset."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    pk = parse_pk(decode_id(global_id, type_name, field=field))
    if pk is None:
        raise InputError(
            _("No %(type_name)s with id %(global_id)r.")
            % {"type_name": type_name, "global_id": global_id},
            code="not_found",
            field=field,
        )
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise InputError(
            _("No %(type_name)s with id %(global_id)r.")
            % {"type_name": type_name, "global_id": global_id},
            code="not_found",
            field=field,
        )
    return found


def _pk(global_id: str, type_name: str) -> int:
    """For filters: an id of the wrong type or shape matches nothing rather than erroring."""
    try:
        pk = decode_id(global_id, type_name)
    except ProgrammeError:
        return -1
    number = parse_pk(pk)
    return -1 if number is None else number
