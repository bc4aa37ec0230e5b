"""Counting referral-link clicks: one per visitor, distributor and day."""

from __future__ import annotations

from datetime import date

from django.db import connections, router
from django.utils import timezone

from ..models import Distributor, ReferralClick

_PATH_LENGTH = ReferralClick._meta.get_field("product_path").max_length or 255


def record_click(distributor: Distributor, *, day: date, visitor: str, product_path: str) -> bool:
    """Count a click; True when it is this visitor's first for `distributor` on `day`.

    One statement, `INSERT … ON CONFLICT DO NOTHING`: two clicks of the same visitor arriving at
    once cannot both count, and a repeat click neither raises nor leaves a unique-violation error
    in the database log (a visitor reloading a link is normal, not an error). PostgreSQL and
    SQLite ≥ 3.35 both accept it. Django's `bulk_create(ignore_conflicts=True)` would do the same
    insert but cannot tell whether a row was written."""
    if len(visitor) != 64:
        raise ValueError("visitor must be a 64-character fingerprint")
    model = ReferralClick._meta
    connection = connections[router.db_for_write(ReferralClick)]
    quote = connection.ops.quote_name
    columns = ("distributor_id", "day", "visitor", "product_path", "created_at")
    sql = (
        f"INSERT INTO {quote(model.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES (%s, %s, %s, %s, %s) "
        f"ON CONFLICT ({', '.join(quote(c) for c in columns[:3])}) DO NOTHING "
        f"RETURNING {quote(model.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [distributor.pk, day, visitor, product_path[:_PATH_LENGTH], timezone.now()]
        )
        return cursor.fetchone() is not None
