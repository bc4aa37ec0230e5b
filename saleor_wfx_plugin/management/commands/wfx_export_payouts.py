from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...models import Payout
from ...services.distributors import DistributorError
from ...services.grades import parse_month
from ...services.payouts import approved_transfers_csv, tax_records_csv


class Command(BaseCommand):
    help = (
        "Write CSV for the money staff handle outside the shop: approved payouts to transfer "
        "(full account numbers: keep the file safe), or a month's tax withheld per distributor."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=("transfers", "tax"))
        parser.add_argument("--method", choices=Payout.Method.values, help="transfers only")
        parser.add_argument("--month", help="tax only: YYYY-MM")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, what, method, month, output, **options):
        if what == "tax":
            if not month:
                raise CommandError("Name the month: --month YYYY-MM")
            try:
                content = tax_records_csv(parse_month(month))
            except DistributorError as error:
                raise CommandError(str(error)) from None
        else:
            content = approved_transfers_csv(method)
        if output:
            path = Path(output)
            path.write_text(content, encoding="utf-8-sig")  # Excel reads the BOM as UTF-8
            path.chmod(0o600)
            self.stderr.write(f"{content.count(chr(10)) - 1} rows written to {path}")
        else:
            self.stdout.write(content, ending="")
