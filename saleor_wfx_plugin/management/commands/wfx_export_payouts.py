import getpass
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...errors import ProgrammeError
from ...models import Payout, PayoutBatch
from ...services.grades import parse_month
from ...services.payouts import (
    batch_csv,
    create_batch,
    export_withholding_return,
    tax_records_csv,
)


class Command(BaseCommand):
    help = (
        "Write CSV for the money staff handle outside the shop. transfers: a new bank batch of "
        "the approved payouts not yet exported (they become EXPORTED; --batch N downloads batch "
        "N again); tax: a month's masked tax summary per distributor; withholding: a finished "
        "month's withholding return per person with full ID numbers (recorded as a download). "
        "Files with account or ID numbers: keep them safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=("transfers", "tax", "withholding"))
        parser.add_argument("--method", choices=Payout.Method.values, help="transfers only")
        parser.add_argument("--currency", help="transfers only, e.g. CNY")
        parser.add_argument("--batch", type=int, help="transfers only: download this batch again")
        parser.add_argument("--month", help="tax and withholding: YYYY-MM")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, what, method, currency, batch, month, output, **options):
        # The audit trail names who ran it: the operating-system account at the terminal.
        actor = f"cli:{getpass.getuser()}"
        try:
            if what in ("tax", "withholding"):
                if not month:
                    raise CommandError("Name the month: --month YYYY-MM")
                if what == "tax":
                    content = tax_records_csv(parse_month(month))
                else:
                    record, content = export_withholding_return(parse_month(month), actor=actor)
                    self.stderr.write(f"Recorded as tax export {record.pk} by {actor}.")
            elif batch is not None:
                found = PayoutBatch.objects.filter(pk=batch).first()
                if found is None:
                    raise CommandError(f"There is no batch {batch}.")
                content = batch_csv(found)
            else:
                made, content = create_batch(actor=actor, method=method, currency=currency)
                self.stderr.write(
                    f"Batch {made.pk}: {made.payout_count} payouts are now exported; download "
                    f"it again with --batch {made.pk}."
                )
        except ProgrammeError as error:
            raise CommandError(str(error)) from None
        if output:
            path = Path(output)
            # Created 0600, never readable by others even for a moment: account and ID numbers.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8-sig") as file:  # BOM: Excel's UTF-8
                file.write(content)
            path.chmod(0o600)
            self.stderr.write(f"{max(content.count(chr(10)) - 1, 0)} rows written to {path}")
        else:
            self.stdout.write(content, ending="")
