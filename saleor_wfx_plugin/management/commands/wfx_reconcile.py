from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...services.sweep import reconcile_recent_orders, sweep_from_mark
from ...shop import get_shop, shop_time_zone


class Command(BaseCommand):
    help = (
        "Re-reconcile the commissions of orders changed since the sweep's mark (as Celery beat "
        "does every 30 minutes), repairing orders whose Saleor hook was lost and catching up on "
        "refunds and cancellations made while the programme stood still. --hours or --since "
        "force a window instead and leave the mark alone. Safe to run at any time."
    )

    def add_arguments(self, parser):
        window = parser.add_mutually_exclusive_group()
        window.add_argument("--hours", type=int, help="Orders changed in the last HOURS hours.")
        window.add_argument(
            "--since",
            help="Orders changed since this moment, ISO 8601 (without a zone: the shop's time "
            "zone), e.g. 2026-11-01T00:00.",
        )

    def handle(self, *args, hours=None, since=None, **options):
        start = self._window_start(hours, since)
        shop = get_shop()
        with shop.writer_access():
            if start is None:
                report = sweep_from_mark(shop)
            else:
                report = reconcile_recent_orders(shop, since=start)
        if report.skipped_inactive:
            self.stdout.write("The distribution plugin is not active: nothing reconciled.")
            return
        line = (
            f"Orders seen: {report.orders_seen}; repaired: {report.orders_with_new_entries} "
            f"({report.entries_posted} entries posted); failures: {report.failures}"
        )
        if report.retried:
            line += f"; earlier failures retried: {report.retried}"
        self.stdout.write(line)
        if start is None and report.mark is not None:
            self.stdout.write(
                f"Mark: {report.mark.changed_at.isoformat()}"
                + ("" if report.caught_up else " (more changed orders wait: run again)")
            )
        if report.failures:
            raise SystemExit(1)

    def _window_start(self, hours, since):
        if hours is not None:
            if hours <= 0:
                self.stderr.write("--hours must be positive")
                raise SystemExit(2)
            return timezone.now() - timedelta(hours=hours)
        if since is None:
            return None
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            raise CommandError(f"--since {since!r} is not an ISO 8601 moment") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=shop_time_zone())
        return moment
