"""Importing many distributors from a CSV file, all or nothing.

Staff prepare the file in Excel, so it arrives as UTF-8 (with or without a BOM) or as GB18030
(Excel's "CSV" in a Chinese locale), separated by commas or, in many European locales,
semicolons. Every problem in every row is reported in one pass so the file can be fixed at once;
a single bad row imports nothing, because a half-imported team would have gaps in its upline tree
that are hard to find and repair later.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ..domain.attribution import DistributorStatus
from ..lock_objects import lock_distributor_tree
from ..models import Distributor, DistributorEvent
from .distributors import DistributorError, create_distributor
from .import_checks import validate_rows
from .import_file import (
    KNOWN_COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    FileRejected,
    ImportRow,
    ImportRowError,
    read_rows,
)

__all__ = ["MAX_BYTES", "MAX_ROWS", "ImportReport", "ImportRowError", "import_distributors"]


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: int
    valid: int
    created: int
    dry_run: bool
    errors: tuple[ImportRowError, ...]
    # The codes of the created distributors, in the file's row order.
    created_codes: tuple[str, ...]


def import_distributors(data: bytes, *, dry_run: bool, actor: str) -> ImportReport:
    """Validate every row of `data`; unless `dry_run` or a row is bad, create them all in one
    transaction, each with an IMPORTED event by `actor`.

    Importing the same file twice creates nothing the second time: every row's e-mail is then
    already a distributor's, and the check runs under the distributor-tree lock, so two staff
    submitting the same file at once cannot both get through.
    """
    try:
        rows = read_rows(data)
    except FileRejected as rejected:
        return ImportReport(rejected.rows, 0, 0, dry_run, rejected.errors, ())
    if dry_run:
        errors = validate_rows(rows, lock_uplines=False)
        return _report(rows, errors, dry_run=True)
    with transaction.atomic():
        lock_distributor_tree()
        errors = validate_rows(rows, lock_uplines=True)
        if errors:
            return _report(rows, errors, dry_run=False)
        try:
            with transaction.atomic():
                created_codes = _create_all(rows, actor)
        except _CreationRefused as refused:
            return _report(rows, [refused.error], dry_run=False)
    return _report(rows, [], dry_run=False, created_codes=created_codes)


def _report(
    rows: list[ImportRow],
    errors: list[ImportRowError],
    *,
    dry_run: bool,
    created_codes: tuple[str, ...] = (),
) -> ImportReport:
    field_rank = {field: rank for rank, field in enumerate(("", *KNOWN_COLUMNS))}
    ordered = sorted(errors, key=lambda error: (error.line, field_rank.get(error.field, 0)))
    bad_lines = {error.line for error in errors}
    return ImportReport(
        rows=len(rows),
        valid=sum(1 for row in rows if row.line not in bad_lines),
        created=len(created_codes),
        dry_run=dry_run,
        errors=tuple(ordered),
        created_codes=created_codes,
    )


# Creating the distributors ---------------------------------------------------------------------


class _CreationRefused(Exception):
    def __init__(self, error: ImportRowError):
        super().__init__(error.message)
        self.error = error


def _uplines_first(rows: list[ImportRow]) -> list[ImportRow]:
    by_line = {row.line: row for row in rows}
    ordered: list[ImportRow] = []
    placed: set[int] = set()
    for row in rows:
        chain: list[ImportRow] = []
        current: ImportRow | None = row
        while current is not None and current.line not in placed:
            chain.append(current)
            current = by_line[current.upline_line] if current.upline_line is not None else None
        for member in reversed(chain):
            ordered.append(member)
            placed.add(member.line)
    return ordered


def _create_all(rows: list[ImportRow], actor: str) -> tuple[str, ...]:
    created: dict[int, Distributor] = {}
    for row in _uplines_first(rows):
        upline = created[row.upline_line] if row.upline_line is not None else row.existing_upline
        try:
            distributor = create_distributor(
                user_id=row.user_id,
                email=row.email,
                phone=row.phone,
                code=row.code,
                name=row.name,
                upline=upline,
                grade=row.grade,
                status=DistributorStatus.ACTIVE,
                actor=actor,
                event_kind=DistributorEvent.Kind.IMPORTED,
                event_data={"line": row.line},
            )
        except DistributorError as error:
            # Validation should have caught it; if not, the row still gets the blame, not a 500.
            raise _CreationRefused(
                ImportRowError(row.line, error.field or "", error.code, str(error))
            ) from error
        created[row.line] = distributor
    return tuple(created[row.line].code for row in rows)
