from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ...selectors.sales import shop_time_zone
from ...services.ledger import DEFAULT_BATCH_SIZE, settle_due
from ..programme import with_active_programme


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--now {text!r} is not a date and time; write it as ISO 8601, e.g. 2026-03-04T00:00 "
            "(the shop's time zone unless an offset is given)."
        ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=shop_time_zone())
    # A moment ahead of the clock would release money whose hold has not ended yet.
    if moment > timezone.now():
        raise CommandError(f"--now {text!r} is in the future: money would be released early.")
    return moment


class Command(BaseCommand):
    help = (
        "Confirm commission whose order is due for confirmation and make available the money "
        "that has served its T+N hold, as Celery beat's wfx-settle-matured entry does. Safe to "
        "run at any time, as often as you like, and alongside beat: nothing moves twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help=(
                "Settle as of this past moment (ISO 8601, the shop's time zone unless an offset "
                "is given), to back-fill after downtime with the dates it should have happened."
            ),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help="Settlements moved per transaction.",
        )

    def handle(self, *args, now, batch_size, **options):
        if batch_size <= 0:
            raise CommandError("--batch-size must be positive.")
        moment = _moment(now) if now else None
        result = with_active_programme(
            self,
            lambda program: settle_due(moment, batch_size=batch_size),
            nothing_done="no money moved.",
        )
        if result is None:
            return
        self.stdout.write(
            f"Confirmed: {result.confirmed} settlements; released to available: {result.released}."
        )
