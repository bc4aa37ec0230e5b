from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.models import BalanceAdjustment, Distributor, LedgerEntry, LedgerSnapshot
from saleor_wfx_plugin.services.adjustments import adjust, approve_adjustment

# Saleor staff users who make and approve the tests' set-up adjustments; no distributor of the
# tests is linked to either (staff user 1 is distributor AAA111 of the `tree` fixture).
SETUP_STAFF = "user:setup-staff"
SECOND_APPROVER = "user:second-approver"


def net_by_level(order) -> dict[int, tuple[str, Decimal]]:
    """{level: (distributor code, net amount)} for one order, from the ledger."""
    rows = (
        LedgerEntry.objects.commission()
        .filter(commission_line__attribution__order_id=order.order_id)
        .values("level", "distributor__code")
        .annotate(net=Sum("amount"))
    )
    return {row["level"]: (row["distributor__code"], row["net"]) for row in rows}


def entry_count(order) -> int:
    return (
        LedgerEntry.objects.commission()
        .filter(commission_line__attribution__order_id=order.order_id)
        .count()
    )


def photo(image_format: str, size: tuple[int, int] = (8, 8)) -> bytes:
    """A real, tiny picture in `image_format` ("PNG", "JPEG", "WEBP"), as a phone would send."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, image_format)
    return out.getvalue()


def staff_adjusts_balance(
    *,
    distributor_id: int,
    currency: str,
    amount: Decimal,
    reason: str,
    actor: str = SETUP_STAFF,
) -> BalanceAdjustment:
    """Money put on (or taken off) a distributor's available balance the only way staff can:
    through services.adjustments, so the duty checks apply to a test's set-up too (`actor` a
    staff user, never the distributor's own). Above the second-approval threshold a second
    staff user approves, so the money is there when this returns."""
    adjustment = adjust(
        distributor_id=distributor_id,
        currency=currency,
        amount=amount,
        actor=actor,
        reason=reason,
        program=ProgramSettings(),
    )
    if adjustment.status == BalanceAdjustment.Status.PENDING:
        adjustment = approve_adjustment(adjustment, actor=SECOND_APPROVER)
    return adjustment


def _insert_one_fen_adjustments(distributor: str, params: list[object], count: int) -> None:
    """`count` one-fen adjustments in one statement; `distributor` is the SQL giving each row's
    distributor from the row number `n`."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {LedgerEntry._meta.db_table}
                (distributor_id, currency, bucket, kind, amount, movement, event, actor, reason,
                 created_at)
            SELECT {distributor}, 'CNY', 'available', 'adjustment', 0.01, gen_random_uuid(), '',
                   'user:900', 'history', now()
            FROM generate_series(1, %s) AS n
            """,
            [*params, count],
        )


def bulk_ledger_rows(distributor_id: int, count: int) -> None:
    """A history long enough that the planner's choice between reading it whole and reading a
    range of it is clear."""
    _insert_one_fen_adjustments("%s::bigint", [distributor_id], count)


def other_distributors_history(
    distributors: int, rows_each: int, *, interleaved_with: int | None = None
) -> None:
    """A shop's worth of other distributors with a history each: with a handful of distinct
    distributors in the ledger, "by distributor" selects half of it and the planner rightly
    prefers other paths; a real shop has thousands. `interleaved_with`: that distributor's
    rows are mixed in among them, one in ten, as a busy shop's table holds everyone's rows."""
    taken = Distributor.objects.filter(code__startswith="HIST").count()
    others = Distributor.objects.bulk_create(
        Distributor(code=f"HIST{taken + number:05d}") for number in range(distributors)
    )
    ids = [other.pk for other in others]
    pick_other = "(%s::bigint[])[1 + n %% %s]"
    if interleaved_with is None:
        _insert_one_fen_adjustments(pick_other, [ids, distributors], distributors * rows_each)
    else:
        _insert_one_fen_adjustments(
            f"CASE WHEN n %% 10 = 0 THEN %s::bigint ELSE {pick_other} END",
            [interleaved_with, ids, distributors],
            distributors * rows_each,
        )


def index_columns(index_name: str) -> set[str]:
    """Every column an index holds, its keys and its INCLUDE columns."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.attname FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE c.relname = %s
            """,
            [index_name],
        )
        return {name for (name,) in cursor.fetchall()}


def explain_ledger_read(sql: str, params: list[object]) -> str:
    """The plan of a ledger read, chosen on statistics of this test's own rows.

    pg_class's row counts are written in place by ANALYZE and autovacuum, outside any test's
    transaction: without a fresh ANALYZE, whatever earlier tests committed would choose the plan.
    Tables under 30,000 rows are read whole by ANALYZE, so the plan is the same on every run.
    Whether the scan is index-only depends on the visibility map, which the test's uncommitted
    rows cannot have: callers check the index covers the read (`index_columns`) instead."""
    with connection.cursor() as cursor:
        for model in (Distributor, LedgerEntry, LedgerSnapshot):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def ledger_indexes_read(plan: str) -> set[str]:
    """The ledger indexes a plan reads, and "table" when it reads the ledger table by itself."""
    found = set()
    for line in plan.splitlines():
        if "Seq Scan on wfx_ledgerentry" in line:
            found.add("table")
        for word in line.replace("(", " ").split():
            if word.startswith(("wfx_ledger_", "wfx_ledgerentry_")) and "snapshot" not in word:
                found.add(word)
    return found
