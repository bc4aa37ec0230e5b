from django.core.management.base import BaseCommand, CommandError

from ...errors import ProgrammeError
from ...services.grades import parse_month
from ...services.month_close import close_month
from ...shop import get_shop


class Command(BaseCommand):
    help = (
        "Close a month (the previous one by default): post the growth rules' awards (ladder "
        "top-up, team, same-grade and per-order bonuses) on the orders settled in it, and "
        "reverse the share of awards of earlier months whose orders were refunded since. "
        "Running it again for the same month posts nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month to close, as YYYY-MM.")

    def handle(self, *args, month, **options):
        try:
            closed = parse_month(month) if month else None
        except ProgrammeError as error:
            raise CommandError(str(error)) from None
        shop = get_shop()
        with shop.writer_access():
            program = shop.program_settings()
            if program is None:
                self.stdout.write("The distribution plugin is not active: nothing was closed.")
                return
            try:
                result = close_month(closed, program=program, actor="command")
            except ProgrammeError as error:
                raise CommandError(str(error)) from None
        if result.already_closed:
            self.stdout.write(f"{result.month:%Y-%m} was already closed: nothing posted.")
            return
        totals = ", ".join(
            f"{amount} {currency}" for currency, amount in sorted(result.total_by_currency.items())
        )
        self.stdout.write(
            f"{result.month:%Y-%m} closed: {result.awards} awards posted"
            f"{f' ({totals})' if totals else ''}, {result.reversals} refunded lines reversed."
        )
