"""Importing many distributors from a CSV file, all or nothing.

Staff prepare the file in Excel, so it arrives as UTF-8 (with or without a BOM) or as GB18030
(Excel's "CSV" in a Chinese locale), separated by commas or, in many European locales,
semicolons. Every problem in every row is reported in one pass so the file can be fixed at once;
a single bad row imports nothing, because a half-imported team would have gaps in its upline tree
that are hard to find and repair later.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from ..domain.attribution import DistributorStatus, is_well_formed_code, normalize_code
from ..domain.phones import normalize_phone
from ..lock_objects import lock_distributor_tree, lock_distributors_by_code
from ..models import Distributor, DistributorEvent, Grade
from .distributors import DistributorError, create_distributor

MAX_ROWS = 5_000
MAX_BYTES = 2 * 1024 * 1024
REQUIRED_COLUMNS = ("email", "phone")
OPTIONAL_COLUMNS = ("code", "upline_code", "grade", "name", "user_id")
# Also the order in which a row's errors are listed: the order staff read the columns in.
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
FILE_LINE = 0

# Model field limits, checked here so an over-long value is a row error and not a crash.
MAX_EMAIL_LENGTH = Distributor._meta.get_field("email").max_length
MAX_NAME_LENGTH = Distributor._meta.get_field("name").max_length
MAX_USER_ID_LENGTH = Distributor._meta.get_field("user_id").max_length


@dataclass(frozen=True, slots=True)
class ImportRowError:
    # 0: the file as a whole; 1: the header; 2 onwards: the file's own line numbers, as Excel
    # and text editors show them.
    line: int
    # The column at fault, or "" when the problem is not one column's.
    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: int
    valid: int
    created: int
    dry_run: bool
    errors: tuple[ImportRowError, ...]
    # The codes of the created distributors, in the file's row order.
    created_codes: tuple[str, ...]


class _FileRejected(Exception):
    def __init__(self, *errors: ImportRowError, rows: int = 0):
        super().__init__(errors[0].message)
        self.errors = errors
        self.rows = rows


@dataclass(slots=True)
class _Row:
    line: int
    email: str
    phone: str
    code: str | None
    upline_code: str | None
    grade_slug: str | None
    name: str
    user_id: str | None
    # How many cells the row had, when more than the header: usually an unquoted comma in a name.
    extra_cells: int = 0
    # Columns whose cell held a NUL character, which no text column stores: read as empty.
    unreadable: tuple[str, ...] = ()
    upline_line: int | None = None
    existing_upline: Distributor | None = None
    grade: Grade | None = None


def import_distributors(data: bytes, *, dry_run: bool, actor: str) -> ImportReport:
    """Validate every row of `data`; unless `dry_run` or a row is bad, create them all in one
    transaction, each with an IMPORTED event by `actor`.

    Importing the same file twice creates nothing the second time: every row's e-mail is then
    already a distributor's, and the check runs under the distributor-tree lock, so two staff
    submitting the same file at once cannot both get through.
    """
    try:
        rows = _read_rows(data)
    except _FileRejected as rejected:
        return ImportReport(rejected.rows, 0, 0, dry_run, rejected.errors, ())
    if dry_run:
        errors = _validate(rows, lock_uplines=False)
        return _report(rows, errors, dry_run=True)
    with transaction.atomic():
        lock_distributor_tree()
        errors = _validate(rows, lock_uplines=True)
        if errors:
            return _report(rows, errors, dry_run=False)
        try:
            with transaction.atomic():
                created_codes = _create_all(rows, actor)
        except _CreationRefused as refused:
            return _report(rows, [refused.error], dry_run=False)
    return _report(rows, [], dry_run=False, created_codes=created_codes)


def _report(
    rows: list[_Row],
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


# Reading the file -----------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _FileRejected(
            _file_error("encoding", _("This file is UTF-16; save it as 'CSV UTF-8' instead."))
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise _FileRejected(
            _file_error("encoding", _("The file is neither UTF-8 nor GB18030; save it as CSV."))
        ) from None


def _read_rows(data: bytes) -> list[_Row]:
    if len(data) > MAX_BYTES:
        raise _FileRejected(
            _file_error(
                "too_large",
                _("The file is over %(value)s MB.") % {"value": MAX_BYTES // (1024 * 1024)},
            )
        )
    text = _decode(data)
    if not text.strip():
        raise _FileRejected(_file_error("empty", _("The file is empty.")))
    header_line = next(line for line in text.splitlines() if line.strip())
    # Column names never contain either separator, so the header alone tells which one is used.
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        while True:
            first_line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            # Excel leaves ",,,," rows behind where cells were cleared.
            if any(cell.strip() for cell in cells):
                records.append((first_line, [cell.strip() for cell in cells]))
    except csv.Error as error:
        raise _FileRejected(
            ImportRowError(
                reader.line_num,
                "",
                "malformed",
                _("The CSV cannot be read: %(error)s.") % {"error": error},
            )
        ) from None
    if not records:
        raise _FileRejected(_file_error("empty", _("The file has no header row.")))
    (header_at, header), *data_records = records
    if len(data_records) > MAX_ROWS:
        raise _FileRejected(
            _file_error(
                "too_large",
                _("The file has %(len)s rows; at most %(max_rows)s.")
                % {"len": len(data_records), "max_rows": MAX_ROWS},
            ),
            rows=len(data_records),
        )
    columns = _read_header(header_at, header)
    if not data_records:
        raise _FileRejected(_file_error("empty", _("The file has a header but no rows.")))
    return [_parse_record(line, cells, columns) for line, cells in data_records]


def _read_header(line: int, header: list[str]) -> list[str]:
    columns = [re.sub(r"[\s\-]+", "_", name.lower()) for name in header]
    problems = []
    for name in sorted({c for c in columns if c not in KNOWN_COLUMNS}):
        # A misspelt column would otherwise be dropped silently, e.g. every upline lost.
        problems.append(
            ImportRowError(
                line,
                name,
                "unknown_column",
                _("Unknown column '%(name)s'; known: %(known_columns)s.")
                % {"name": name, "known_columns": KNOWN_COLUMNS},
            )
        )
    for name in sorted({c for c in columns if columns.count(c) > 1}):
        problems.append(
            ImportRowError(
                line, name, "duplicate_column", _("'%(name)s' appears twice.") % {"name": name}
            )
        )
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(
                ImportRowError(
                    line, name, "missing_column", _("No '%(name)s' column.") % {"name": name}
                )
            )
    if problems:
        raise _FileRejected(*problems)
    return columns


def _parse_record(line: int, cells: list[str], columns: list[str]) -> _Row:
    values = dict(zip(columns, cells, strict=False))
    unreadable = tuple(column for column, cell in values.items() if "\x00" in cell)
    values.update(dict.fromkeys(unreadable, ""))
    extra = [cell for cell in cells[len(columns) :] if cell]
    row = _Row(
        line=line,
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        code=normalize_code(values.get("code")),
        upline_code=normalize_code(values.get("upline_code")),
        grade_slug=values.get("grade", "").lower() or None,
        name=values.get("name", ""),
        user_id=values.get("user_id") or None,
        unreadable=unreadable,
    )
    if extra:
        row.extra_cells = len(cells)
    return row


def _file_error(code: str, message: str) -> ImportRowError:
    return ImportRowError(FILE_LINE, "", code, message)


# Checking the rows -----------------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.errors: list[ImportRowError] = []

    def add(self, row: _Row, field: str, code: str, message: str) -> None:
        self.errors.append(ImportRowError(row.line, field, code, message))


def _validate(rows: list[_Row], *, lock_uplines: bool) -> list[ImportRowError]:
    problems = _Problems()
    grades = {grade.slug: grade for grade in Grade.objects.all()}
    lowest_grade = min(grades.values(), key=lambda grade: (grade.rank, grade.slug), default=None)
    for row in rows:
        _check_row(row, problems, grades, lowest_grade)
    _check_unique(rows, problems)
    _resolve_uplines(rows, problems, lock=lock_uplines)
    _find_cycles(rows, problems)
    return problems.errors


def _check_row(
    row: _Row, problems: _Problems, grades: dict[str, Grade], lowest_grade: Grade | None
) -> None:
    if row.extra_cells:
        problems.add(
            row,
            "",
            "extra_cells",
            _(
                "This row has %(extra_cells)s cells but the header fewer; put values that "
                "contain the separator in double quotes."
            )
            % {"extra_cells": row.extra_cells},
        )
    for column in row.unreadable:
        problems.add(
            row, column, "invalid", _("This cell contains a NUL character (\\x00); retype it.")
        )
    if "email" in row.unreadable:
        pass
    elif not row.email:
        problems.add(row, "email", "required", _("An e-mail address is required."))
    elif not _is_valid_email(row.email):
        problems.add(
            row,
            "email",
            "invalid_email",
            _("'%(email)s' is not a valid e-mail address.") % {"email": row.email},
        )
    if "phone" in row.unreadable:
        pass
    elif not row.phone:
        problems.add(row, "phone", "required", _("A phone number is required."))
    elif (phone := normalize_phone(row.phone)) is None:
        problems.add(
            row,
            "phone",
            "invalid_phone",
            _(
                "'%(phone)s' is neither a mainland mobile number (11 digits starting 13-19) "
                "nor an international number starting with +."
            )
            % {"phone": row.phone},
        )
    else:
        row.phone = phone
    if row.code is not None and not is_well_formed_code(row.code):
        problems.add(
            row,
            "code",
            "invalid_code",
            _(
                "'%(code)s' is not a valid code: 3-32 letters, digits, '-' or '_', starting "
                "with a letter or digit."
            )
            % {"code": row.code},
        )
    if row.grade_slug is None:
        row.grade = lowest_grade
    elif (grade := grades.get(row.grade_slug)) is None:
        problems.add(
            row,
            "grade",
            "grade_not_found",
            _("No grade '%(grade_slug)s'; the grades are: %(value)s.")
            % {"grade_slug": row.grade_slug, "value": ", ".join(sorted(grades))},
        )
    else:
        row.grade = grade
    if len(row.name) > MAX_NAME_LENGTH:
        problems.add(
            row,
            "name",
            "name_too_long",
            _("A name has at most %(max_name_length)s characters.")
            % {"max_name_length": MAX_NAME_LENGTH},
        )
    if row.user_id is not None and len(row.user_id) > MAX_USER_ID_LENGTH:
        problems.add(
            row,
            "user_id",
            "user_id_too_long",
            _("A user id has at most %(max_user_id_length)s characters.")
            % {"max_user_id_length": MAX_USER_ID_LENGTH},
        )


def _is_valid_email(email: str) -> bool:
    if len(email) > MAX_EMAIL_LENGTH:
        return False
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def _check_unique(rows: list[_Row], problems: _Problems) -> None:
    """Each e-mail, phone, code and user id at most once in the file and, except phones, not
    already a distributor's."""
    emails = {row.email.lower() for row in rows if row.email}
    taken_emails = set(
        Distributor.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", flat=True)
    )
    taken_codes = set(
        Distributor.objects.filter(code__in={row.code for row in rows if row.code}).values_list(
            "code", flat=True
        )
    )
    taken_user_ids = set(
        Distributor.objects.filter(
            user_id__in={row.user_id for row in rows if row.user_id}
        ).values_list("user_id", flat=True)
    )
    first_line: dict[tuple[str, str], int] = {}
    for row in rows:
        keys = {
            "email": row.email.lower(),
            # A phone that failed to parse keeps its raw text and cannot clash with a parsed one.
            "phone": row.phone,
            "code": row.code or "",
            "user_id": row.user_id or "",
        }
        for field, key in keys.items():
            if not key:
                continue
            earlier = first_line.setdefault((field, key), row.line)
            if earlier != row.line:
                problems.add(
                    row,
                    field,
                    "duplicate_in_file",
                    _("Same %(field)s as line %(earlier)s.") % {"field": field, "earlier": earlier},
                )
        if row.email and row.email.lower() in taken_emails:
            problems.add(
                row, "email", "already_distributor", _("This e-mail is already a distributor's.")
            )
        if row.code and row.code in taken_codes:
            problems.add(
                row,
                "code",
                "unique",
                _("Code %(code)s already belongs to a distributor.") % {"code": row.code},
            )
        if row.user_id and row.user_id in taken_user_ids:
            problems.add(
                row,
                "user_id",
                "already_distributor",
                _("User %(user_id)s is already a distributor.") % {"user_id": row.user_id},
            )


def _resolve_uplines(rows: list[_Row], problems: _Problems, *, lock: bool) -> None:
    """An upline is a row of this file (by its `code`, before or after the row) or else an
    existing active distributor; `lock` keeps the latter active until the import commits."""
    line_of_code: dict[str, int] = {}
    for row in rows:
        if row.code:
            line_of_code.setdefault(row.code, row.line)
    wanted = {row.upline_code for row in rows if row.upline_code} - set(line_of_code)
    if lock:
        existing = lock_distributors_by_code(wanted)
    else:
        existing = {upline.code: upline for upline in Distributor.objects.filter(code__in=wanted)}
    for row in rows:
        if row.upline_code is None:
            continue
        if (line := line_of_code.get(row.upline_code)) is not None:
            row.upline_line = line
        elif (upline := existing.get(row.upline_code)) is None:
            problems.add(
                row,
                "upline_code",
                "upline_not_found",
                _("No distributor or row of this file has code %(upline_code)s.")
                % {"upline_code": row.upline_code},
            )
        elif not upline.is_active:
            problems.add(
                row,
                "upline_code",
                "upline_inactive",
                _("Upline %(code)s is %(status)s; only an active distributor can recruit.")
                % {"code": upline.code, "status": upline.status},
            )
        else:
            row.existing_upline = upline


def _find_cycles(rows: list[_Row], problems: _Problems) -> None:
    by_line = {row.line: row for row in rows}
    visiting, finished = 1, 2
    state: dict[int, int] = {}
    for row in rows:
        path: list[int] = []
        line: int | None = row.line
        while line is not None and line not in state:
            state[line] = visiting
            path.append(line)
            line = by_line[line].upline_line
        if line is not None and state[line] == visiting:
            cycle = path[path.index(line) :]
            described = " → ".join(str(n) for n in [*cycle, cycle[0]])
            for member in cycle:
                problems.add(
                    by_line[member],
                    "upline_code",
                    "upline_cycle",
                    _("The rows on lines %(described)s are each other's uplines.")
                    % {"described": described},
                )
        for visited in path:
            state[visited] = finished


# Creating the distributors ---------------------------------------------------------------------


class _CreationRefused(Exception):
    def __init__(self, error: ImportRowError):
        super().__init__(error.message)
        self.error = error


def _uplines_first(rows: list[_Row]) -> list[_Row]:
    by_line = {row.line: row for row in rows}
    ordered: list[_Row] = []
    placed: set[int] = set()
    for row in rows:
        chain: list[_Row] = []
        current: _Row | None = row
        while current is not None and current.line not in placed:
            chain.append(current)
            current = by_line[current.upline_line] if current.upline_line is not None else None
        for member in reversed(chain):
            ordered.append(member)
            placed.add(member.line)
    return ordered


def _create_all(rows: list[_Row], actor: str) -> tuple[str, ...]:
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
