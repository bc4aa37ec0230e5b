from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...services.events import SYSTEM_ACTOR
from ...services.imports import import_distributors


class Command(BaseCommand):
    help = (
        "Import distributors from a CSV file (columns: email, phone, and optionally code, "
        "upline_code, grade, name, user_id). Only checks the file and lists every problem, "
        "unless --commit is given; then imports all rows, or none if any row is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--commit", action="store_true", help="Import the rows (default: check only)."
        )
        parser.add_argument(
            "--actor",
            default=SYSTEM_ACTOR,
            help='Who the audit trail names as importer, e.g. "user:12" (default: system).',
        )

    def handle(self, *args, path, commit, actor, **options):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        report = import_distributors(data, dry_run=not commit, actor=actor)
        if report.errors:
            self.stdout.write(_error_table(report.errors))
            self.stdout.write(
                f"{report.rows} rows, {report.valid} valid, {len(report.errors)} problems: "
                "nothing imported. Fix the file and run again."
            )
            raise SystemExit(1)
        if report.dry_run:
            self.stdout.write(
                f"{report.rows} rows, all valid. Nothing imported yet: run again with --commit."
            )
        else:
            self.stdout.write(f"Imported {report.created} distributors.")


def _error_table(errors) -> str:
    table = [("line", "column", "code", "problem")]
    table += [(str(e.line), e.field or "-", e.code, e.message) for e in errors]
    widths = [max(len(row[column]) for row in table) for column in range(3)]
    return "\n".join(
        "  ".join(row[column].ljust(widths[column]) for column in range(3)) + "  " + row[3]
        for row in table
    )
