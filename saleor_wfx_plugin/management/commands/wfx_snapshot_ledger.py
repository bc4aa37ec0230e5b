from django.core.management.base import BaseCommand, CommandError

from ...services.ledger_snapshots import DEFAULT_BATCH_SIZE, take_snapshots
from ...shop import get_shop


class Command(BaseCommand):
    help = (
        "Bring every distributor's ledger snapshot up to date (balances are read as a snapshot "
        "plus the ledger rows after it), as Celery beat's wfx-snapshot-ledger entry does. Safe "
        "to run at any time, alongside beat and while orders come in."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help="Distributors per transaction.",
        )

    def handle(self, *args, batch_size, **options):
        if batch_size <= 0:
            raise CommandError("--batch-size must be positive.")
        with get_shop().writer_access():
            run = take_snapshots(batch_size=batch_size)
        if run.through_id is None:
            raise CommandError(
                "Ledger writers held the ledger too long to read a safe horizon; run it again."
            )
        self.stdout.write(
            f"Snapshots through ledger id {run.through_id}: {run.distributors} distributors "
            f"moved, {run.rows_added} ledger rows taken in."
        )
