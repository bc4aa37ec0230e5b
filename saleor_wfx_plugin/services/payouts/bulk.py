"""Many payouts at once: approve a list, or apply the bank's reconciliation file.

Each row is its own transaction, committed on its own when the caller is not inside one: one
bad row does not stop the good ones, and no transaction ever holds two distributors' locks (or
two people's tax locks), so a bulk run cannot deadlock with the single-payout actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...domain.settings import ProgramSettings
from ...errors import PayoutError
from ...models import Payout
from ..duties import require_may_mark_paid, require_staff_user
from .batches import mark_failed
from .common import Status, payout_error
from .csv_files import read_csv_upload
from .decisions import approve_payout, mark_paid

MAX_BULK_APPROVALS = 100
MAX_RECONCILIATION_ROWS = 5_000
RECONCILIATION_COLUMNS = ("payout_id", "reference")
RECONCILIATION_OPTIONAL_COLUMNS = ("status", "reason")


@dataclass(frozen=True)
class RowResult:
    # The file's line (header = 1) for a reconciliation; the position in the list (from 1) for
    # a bulk approval.
    line: int
    payout_id: int | None
    # approved, first_approved, paid, failed, unchanged (the row was applied before), or error.
    outcome: str
    payout: Payout | None = None
    error: PayoutError | None = None


def approve_payouts(
    payout_ids: Sequence[int], *, actor: str, program: ProgramSettings
) -> list[RowResult]:
    require_staff_user(actor, gettext_lazy("Approving payouts"))
    if not payout_ids:
        raise payout_error(_("List at least one payout."), "required", "ids")
    if len(payout_ids) > MAX_BULK_APPROVALS:
        raise payout_error(
            _("At most %(max_bulk_approvals)s payouts at once.")
            % {"max_bulk_approvals": MAX_BULK_APPROVALS},
            "too_large",
            "ids",
        )
    found = {payout.pk: payout for payout in Payout.objects.filter(pk__in=payout_ids)}
    results = []
    seen: set[int] = set()
    for position, payout_id in enumerate(payout_ids, start=1):
        payout = found.get(payout_id)
        if payout is None or payout_id in seen:
            problem = (
                payout_error(_("No such payout."), "not_found", "ids")
                if payout is None
                else payout_error(_("Listed twice; approved once."), "invalid", "ids")
            )
            results.append(RowResult(position, payout_id, "error", error=problem))
            continue
        seen.add(payout_id)
        try:
            payout = approve_payout(payout, actor=actor, program=program)
        except PayoutError as error:
            results.append(RowResult(position, payout_id, "error", payout, error))
            continue
        results.append(RowResult(position, payout_id, payout.status, payout))
    return results


def reconcile_bank_file(data: bytes, *, actor: str) -> list[RowResult]:
    """Apply the bank's answer per payout: `payout_id` (the transfer file's first column) and
    `reference` (the bank's transfer reference), optionally `status` (`paid`, the default, or
    `failed`) and `reason` (the bank's, required for failed rows). Applying the same file again
    changes nothing: rows already paid with that reference, or failed with that reason, come
    back `unchanged`."""
    require_may_mark_paid(actor)
    records = read_csv_upload(
        data,
        required=RECONCILIATION_COLUMNS,
        optional=RECONCILIATION_OPTIONAL_COLUMNS,
        max_rows=MAX_RECONCILIATION_ROWS,
    )
    wanted = {pk for record in records if (pk := _payout_pk(record.cells["payout_id"])) is not None}
    found = {payout.pk: payout for payout in Payout.objects.filter(pk__in=wanted)}
    return [_reconcile_row(record.line, record.cells, found, actor) for record in records]


def _payout_pk(raw_id: str) -> int | None:
    # ASCII digits only (str.isdigit accepts "²", which int() refuses) and within PostgreSQL's
    # bigint, or the lookup itself fails.
    if not (raw_id.isascii() and raw_id.isdigit()) or int(raw_id) > 2**63 - 1:
        return None
    return int(raw_id)


def _reconcile_row(
    line: int, cells: dict[str, str], found: dict[int, Payout], actor: str
) -> RowResult:
    payout_id = _payout_pk(cells["payout_id"])
    if payout_id is None:
        return RowResult(
            line, None, "error", error=payout_error(_("Not a payout id."), "invalid", "payout_id")
        )
    payout = found.get(payout_id)
    if payout is None:
        return RowResult(
            line,
            payout_id,
            "error",
            error=payout_error(_("No such payout."), "not_found", "payout_id"),
        )
    status = (cells.get("status") or "paid").strip().lower()
    reference = cells["reference"]
    reason = cells.get("reason") or ""

    def applied_before() -> bool:
        payout.refresh_from_db()
        if status == "paid":
            return payout.status == Status.PAID and payout.transfer_reference == reference[:128]
        return payout.status == Status.FAILED and payout.failure_reason == reason.strip()[:500]

    if status not in ("paid", "failed"):
        error = payout_error(_("The status is paid or failed."), "invalid", "status")
        return RowResult(line, payout_id, "error", payout, error)
    if applied_before():
        return RowResult(line, payout_id, "unchanged", payout)
    try:
        if status == "paid":
            done = mark_paid(payout, actor=actor, transfer_reference=reference)
        else:
            done = mark_failed(payout, actor=actor, reason=reason)
    except PayoutError as error:
        # The same file sent twice at once: the other upload applied this row meanwhile.
        if applied_before():
            return RowResult(line, payout_id, "unchanged", payout)
        if error.field == "transferReference":
            error.field = "reference"
        return RowResult(line, payout_id, "error", payout, error)
    return RowResult(line, payout_id, status, done)
