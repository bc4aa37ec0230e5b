"""Checking a distributors' CSV file row by row (services/imports.py): each cell, uniqueness
within the file and against the database, uplines and cycles. Every problem is collected, so
staff fix the file in one go."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from ..domain.attribution import is_well_formed_code
from ..domain.phones import normalize_phone
from ..lock_objects import lock_distributors_by_code
from ..models import Distributor, Grade
from .import_file import (
    MAX_EMAIL_LENGTH,
    MAX_NAME_LENGTH,
    MAX_USER_ID_LENGTH,
    ImportRow,
    ImportRowError,
)


class _Problems:
    def __init__(self) -> None:
        self.errors: list[ImportRowError] = []

    def add(self, row: ImportRow, field: str, code: str, message: str) -> None:
        self.errors.append(ImportRowError(row.line, field, code, message))


def validate_rows(rows: list[ImportRow], *, lock_uplines: bool) -> list[ImportRowError]:
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
    row: ImportRow, problems: _Problems, grades: dict[str, Grade], lowest_grade: Grade | None
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


def _check_unique(rows: list[ImportRow], problems: _Problems) -> None:
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


def _resolve_uplines(rows: list[ImportRow], problems: _Problems, *, lock: bool) -> None:
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


def _find_cycles(rows: list[ImportRow], problems: _Problems) -> None:
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
