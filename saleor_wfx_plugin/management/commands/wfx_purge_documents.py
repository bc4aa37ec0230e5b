from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...selectors.sales import shop_time_zone
from ...services.retention import purge_expired_documents
from ...shop import get_shop


class Command(BaseCommand):
    help = (
        "Delete the files of applicants' documents whose application was decided more than "
        "document_retention_days ago (and any an erasure left behind), as Celery beat's "
        "wfx-purge-expired-documents entry does daily. The rows stay, marked. Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            help="Retention in days for this run (default: the plugin's document_retention_days).",
        )
        parser.add_argument(
            "--now",
            help="Count the days back from this moment (ISO 8601, shop time zone), not from now.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args, days, now, dry_run, **options):
        if days is not None and days < 0:
            raise CommandError("--days cannot be negative.")
        moment = None
        if now:
            try:
                moment = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now {now!r} is not an ISO 8601 date and time.") from None
            if timezone.is_naive(moment):
                moment = moment.replace(tzinfo=shop_time_zone())
            if moment > timezone.now():
                # Counting from the future would delete documents before their time.
                raise CommandError(f"--now {now!r} is in the future.")
        shop = get_shop()
        with shop.writer_access():
            retention = (
                days if days is not None else shop.stored_program_settings().document_retention_days
            )
            report = purge_expired_documents(retention_days=retention, now=moment, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {report.deleted} document files (applications decided before "
            f"{report.cutoff.isoformat()}, {retention}-day retention)."
        )
        if report.failed:
            self.stderr.write(f"{report.failed} files could not be deleted; see the log.")
