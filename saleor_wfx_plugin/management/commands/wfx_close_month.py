from django.core.management.base import BaseCommand

from ...services.month_close import close_month
from ..programme import month_option, with_active_programme


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
        closed = month_option(month)
        result = with_active_programme(
            self,
            lambda program: close_month(closed, program=program, actor="command"),
            nothing_done="nothing was closed.",
        )
        if result is None:
            return
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
