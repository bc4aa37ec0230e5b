"""Keyset cursors: a cursor holds the sort key of its row (every ordering column, the primary key
last), and the next page is "the rows after that key", which PostgreSQL finds by an index range
rather than by counting past `offset` rows, so page 1,000 costs what page 1 costs.

The condition for "after (v1, v2, …, id)" in the order's directions is the lexicographic
expansion `c1 ≻ v1 OR (c1 = v1 AND (c2 ≻ v2 OR …))`, NULLs placed as PostgreSQL places them
(last ascending, first descending), plus a redundant bound on the first column (`c1 ≤ v1`
descending) that the planner can start an index scan at."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import OrderBy, RawSQL

KEY_PREFIX = "wfx_key_"


class BadCursor(ValueError):
    pass


def ordering(queryset: QuerySet[Any]) -> list[tuple[str, bool]] | None:
    """(path, descending) of every column the queryset is sorted by, made unique by the
    primary key; None when the order is not plain columns (then offsets are used)."""
    query = queryset.query
    names = list(query.order_by) if query.order_by else list(queryset.model._meta.ordering)
    if not query.default_ordering and not query.order_by:
        names = []
    columns: list[tuple[str, bool]] = []
    for name in names:
        if (
            isinstance(name, OrderBy)
            and isinstance(name.expression, F)
            and not (name.nulls_first or name.nulls_last)
        ):
            columns.append((name.expression.name, name.descending))
            continue
        if not isinstance(name, str) or name == "?" or "." in name:
            return None
        columns.append((name.lstrip("-"), name.startswith("-")))
    columns = [("pk" if path == "id" else path, descending) for path, descending in columns]
    if not any(path == "pk" for path, _ in columns):
        columns.append(("pk", columns[-1][1] if columns else False))
    return columns


def with_keys(queryset: QuerySet[Any], columns: list[tuple[str, bool]]) -> QuerySet[Any]:
    """The queryset sorted by exactly `columns` (the primary key included, so ties among equal
    keys come back in the order the cursors assume), each row's sort key annotated to write
    the rows' cursors."""
    return queryset.order_by(
        *(("-" if descending else "") + path for path, descending in columns)
    ).annotate(**{f"{KEY_PREFIX}{index}": F(path) for index, (path, _) in enumerate(columns)})


def key_of(row: Any, columns: list[tuple[str, bool]]) -> list[Any]:
    return [getattr(row, f"{KEY_PREFIX}{index}") for index in range(len(columns))]


def after(
    queryset: QuerySet[Any], columns: list[tuple[str, bool]], key: list[Any]
) -> QuerySet[Any]:
    """The rows sorted after `key`."""
    if len(key) != len(columns):
        raise BadCursor("the cursor is of another sort order")
    row = _row_comparison(queryset, columns, key)
    if row is not None:
        return queryset.filter(row)
    condition = Q(pk__in=[])  # nothing after the last column: the key is unique
    for index in reversed(range(len(columns))):
        path, descending = columns[index]
        name = f"{KEY_PREFIX}{index}"
        value = key[index]
        nullable = _nullable(queryset, path)
        if value is None:
            strictly = Q(**{f"{name}__isnull": False}) if descending else Q(pk__in=[])
            equal = Q(**{f"{name}__isnull": True})
        else:
            strictly = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            if nullable and not descending:
                strictly |= Q(**{f"{name}__isnull": True})
            equal = Q(**{name: value})
        condition = strictly | (equal & condition)
    first_path, first_descending = columns[0]
    first_value = key[0]
    bound = Q()
    if first_value is not None and (first_descending or not _nullable(queryset, first_path)):
        bound = Q(**{f"{KEY_PREFIX}0__{'lte' if first_descending else 'gte'}": first_value})
    return queryset.filter(bound & condition)


def _row_comparison(
    queryset: QuerySet[Any], columns: list[tuple[str, bool]], key: list[Any]
) -> RawSQL | None:
    """`(c1, c2, …) < (v1, v2, …)` when every column is the model's own, NOT NULL and sorted
    the same way: PostgreSQL takes a row comparison as an index condition (the scan starts at
    the key), where the expanded OR is only a filter over everything before it."""
    if None in key or len({descending for _, descending in columns}) != 1:
        return None
    meta = queryset.model._meta
    names, values = [], []
    for (path, _), value in zip(columns, key, strict=True):
        try:
            field = meta.pk if path == "pk" else meta.get_field(path)
        except FieldDoesNotExist:
            return None
        if "__" in path or field.null or not field.concrete or (field.is_relation and not path):
            return None
        names.append(f'"{meta.db_table}"."{field.column}"')
        values.append(field.get_db_prep_value(field.to_python(value), connection, prepared=False))
    operator = "<" if columns[0][1] else ">"
    marks = ", ".join(["%s"] * len(values))
    return RawSQL(f"({', '.join(names)}) {operator} ({marks})", values, output_field=BooleanField())


def _nullable(queryset: QuerySet[Any], path: str) -> bool:
    if path == "pk":
        return False
    model = queryset.model
    parts = path.split("__")
    try:
        for part in parts[:-1]:
            relation = model._meta.get_field(part)
            if relation.null:
                return True
            model = relation.related_model
        return bool(model._meta.get_field(parts[-1]).null)
    except FieldDoesNotExist:
        return True  # an annotation: assume it may be NULL


def encode(offset: int, key: list[Any]) -> str:
    payload = json.dumps({"o": offset, "k": [_encode_value(value) for value in key]})
    return base64.b64encode(f"keyset:{payload}".encode()).decode()


def decode(text: str) -> tuple[int, list[Any]]:
    """The offset and key of a keyset cursor's text (after its `keyset:` prefix)."""
    try:
        payload = json.loads(text)
        offset = payload["o"]
        key = [_decode_value(value) for value in payload["k"]]
    except (ValueError, TypeError, KeyError, InvalidOperation) as error:
        raise BadCursor(str(error)) from None
    if type(offset) is not int or offset < 0:
        raise BadCursor("bad offset")
    return offset, key


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return {"s": str(value)}  # UUIDs and the like compare as their text


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, text),) = value.items()
        if not isinstance(text, str) or "\x00" in text:
            raise BadCursor("bad value")
        if tag == "t":
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                raise BadCursor("naive moment")
            return moment
        if tag == "d":
            return date.fromisoformat(text)
        if tag == "n":
            number = Decimal(text)
            if not number.is_finite():
                raise BadCursor("bad number")
            return number
        if tag == "s":
            return text
        raise BadCursor("bad tag")
    if isinstance(value, str) and "\x00" in value:
        raise BadCursor("bad value")
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise BadCursor("beyond bigint")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    raise BadCursor("bad value")
