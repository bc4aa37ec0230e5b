"""Reading and writing the CSV files staff exchange with the bank and the tax office.

Every cell of every export goes through `csv_cell`, and every export through `write_csv`: names,
accounts and references come from distributors and banks, and a cell starting with = + - @ (or a
tab or carriage return) runs as a formula when the file is opened in Excel; LibreOffice and
Google Sheets also look past leading spaces. Such a cell gets a leading apostrophe, which the
spreadsheet shows as text. Every cell is quoted, so a comma, quote or semicolon in a name cannot
shift the columns whatever delimiter the spreadsheet guesses.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ...errors import PayoutError

_FORMULA_STARTS = frozenset("=+-@\t\r")
# A line break inside a cell would split the row for the bank's importer and for `count_rows`.
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def csv_cell(value: Any) -> str:
    """The one escaping function of every exported cell. Numbers stay numbers (a Decimal or int
    is never a formula, and a negative tax correction must stay summable); any text that could
    start a formula, at once or after leading spaces, becomes text."""
    if value is None:
        return ""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text[:1] in _FORMULA_STARTS or text.strip()[:1] in _FORMULA_STARTS:
        text = "'" + text
    return _LINE_BREAKS.sub(" ", text)


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([csv_cell(column) for column in columns])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def count_rows(content: str) -> int:
    """Data rows of a file `write_csv` made (cells never hold a line break: names are one line)."""
    return max(content.count("\n") - 1, 0)


@dataclass(frozen=True, slots=True)
class CsvRecord:
    line: int  # as a text editor numbers it; the header is line 1
    cells: dict[str, str]


def read_csv_upload(
    data: bytes, *, required: Sequence[str], optional: Sequence[str], max_rows: int
) -> list[CsvRecord]:
    """Rows of a spreadsheet's CSV (UTF-8 with or without BOM, or GB18030 from Excel in a Chinese
    locale; comma or semicolon), keyed by lower-case column name. A problem with the file as a
    whole is a `PayoutError` on `file`; rows are for the caller to judge one by one."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _file_error(
            _("The file is over %(value)s MB.") % {"value": MAX_UPLOAD_BYTES // (1024 * 1024)},
            "too_large",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise _file_error(_("Save the file as CSV (UTF-8)."), "invalid_file") from None
    if "\x00" in text:
        # No text column holds it; a row carrying it would fail at the database, not here.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _file_error(
            _("Line %(line)s contains a NUL character (\\x00).") % {"line": line}, "invalid_file"
        )
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise _file_error(_("The file is empty."), "invalid_file")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if any(cell.strip() for cell in cells):
                records.append((line, [cell.strip() for cell in cells]))
    except csv.Error as error:
        raise _file_error(
            _("The CSV cannot be read: %(error)s.") % {"error": error}, "invalid_file"
        ) from None
    (_header_line, header), *rows = records
    columns = [re.sub(r"[\s\-]+", "_", name.lower()) for name in header]
    missing = [name for name in required if name not in columns]
    unknown = [name for name in columns if name not in (*required, *optional)]
    if missing or unknown or len(set(columns)) != len(columns):
        raise _file_error(
            (
                _(
                    "The header must name the columns %(required)s (optional: %(optional)s), "
                    "each once; it has %(columns)s."
                )
                if optional
                else _(
                    "The header must name the columns %(required)s, each once; it has %(columns)s."
                )
            )
            % {
                "required": ", ".join(required),
                "optional": ", ".join(optional),
                "columns": ", ".join(columns),
            },
            "invalid_file",
        )
    if not rows:
        raise _file_error(_("The file has a header but no rows."), "invalid_file")
    if len(rows) > max_rows:
        raise _file_error(
            _("The file has %(len)s rows; at most %(max_rows)s.")
            % {"len": len(rows), "max_rows": max_rows},
            "too_large",
        )
    return [
        CsvRecord(
            line, {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(columns)}
        )
        for line, cells in rows
    ]


def _file_error(message: str, code: str) -> PayoutError:
    return PayoutError(message, code=code, field="file")
