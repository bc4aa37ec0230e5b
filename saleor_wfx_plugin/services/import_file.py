"""Reading a distributors' CSV file (services/imports.py): the encodings and separators Excel
writes, the header, and each record as an `ImportRow`. A file that cannot be read is refused
as a whole (`FileRejected`) with every problem of its header at once."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..domain.attribution import normalize_code
from ..models import Distributor, Grade

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


class FileRejected(Exception):
    def __init__(self, *errors: ImportRowError, rows: int = 0):
        super().__init__(errors[0].message)
        self.errors = errors
        self.rows = rows


@dataclass(slots=True)
class ImportRow:
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


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(
            _file_error("encoding", _("This file is UTF-16; save it as 'CSV UTF-8' instead."))
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRejected(
            _file_error("encoding", _("The file is neither UTF-8 nor GB18030; save it as CSV."))
        ) from None


def read_rows(data: bytes) -> list[ImportRow]:
    if len(data) > MAX_BYTES:
        raise FileRejected(
            _file_error(
                "too_large",
                _("The file is over %(value)s MB.") % {"value": MAX_BYTES // (1024 * 1024)},
            )
        )
    text = _decode(data)
    if not text.strip():
        raise FileRejected(_file_error("empty", _("The file is empty.")))
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
        raise FileRejected(
            ImportRowError(
                reader.line_num,
                "",
                "malformed",
                _("The CSV cannot be read: %(error)s.") % {"error": error},
            )
        ) from None
    if not records:
        raise FileRejected(_file_error("empty", _("The file has no header row.")))
    (header_at, header), *data_records = records
    if len(data_records) > MAX_ROWS:
        raise FileRejected(
            _file_error(
                "too_large",
                _("The file has %(len)s rows; at most %(max_rows)s.")
                % {"len": len(data_records), "max_rows": MAX_ROWS},
            ),
            rows=len(data_records),
        )
    columns = _read_header(header_at, header)
    if not data_records:
        raise FileRejected(_file_error("empty", _("The file has a header but no rows.")))
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
        raise FileRejected(*problems)
    return columns


def _parse_record(line: int, cells: list[str], columns: list[str]) -> ImportRow:
    values = dict(zip(columns, cells, strict=False))
    unreadable = tuple(column for column, cell in values.items() if "\x00" in cell)
    values.update(dict.fromkeys(unreadable, ""))
    extra = [cell for cell in cells[len(columns) :] if cell]
    row = ImportRow(
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
