from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...services.sweep import reconcile_recent_orders
from ...shop import get_shop
from ...tasks import DEFAULT_SWEEP_WINDOW_HOURS


class Command(BaseCommand):
    help = (
        "Re-reconcile the commissions of every order changed in the last HOURS hours, repairing "
        "orders whose Saleor hook was lost. Safe to run at any time and as often as you like."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=DEFAULT_SWEEP_WINDOW_HOURS)

    def handle(self, *args, hours, **options):
        if hours <= 0:
            self.stderr.write("--hours must be positive")
            raise SystemExit(2)
        shop = get_shop()
        with shop.writer_access():
            report = reconcile_recent_orders(shop, since=timezone.now() - timedelta(hours=hours))
        if report.skipped_inactive:
            self.stdout.write("The distribution plugin is not active: nothing reconciled.")
            return
        self.stdout.write(
            f"Orders seen: {report.orders_seen}; repaired: {report.orders_with_new_entries} "
            f"({report.entries_posted} entries posted); failures: {report.failures}"
        )
        if report.failures:
            raise SystemExit(1)
