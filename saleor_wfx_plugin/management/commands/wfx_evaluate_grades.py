from django.core.management.base import BaseCommand, CommandError

from ...services.distributors import DistributorError
from ...services.grades import evaluate_grades, parse_month
from ...shop import get_shop


class Command(BaseCommand):
    help = (
        "Upgrade distributors whose sales in a month meet a higher grade's rule (the previous "
        "month by default). Locked grades are left alone and nobody is downgraded. Running it "
        "again for the same month changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month to judge, as YYYY-MM.")

    def handle(self, *args, month, **options):
        try:
            judged = parse_month(month) if month else None
        except DistributorError as error:
            raise CommandError(str(error)) from None
        shop = get_shop()
        with shop.writer_access():
            if shop.program_settings() is None:
                self.stdout.write("The distribution plugin is not active: no grade changed.")
                return
            evaluation = evaluate_grades(judged)
        for upgrade in evaluation.upgraded:
            self.stdout.write(
                f"{upgrade.code}: {upgrade.from_grade or 'no grade'} → {upgrade.to_grade}"
            )
        self.stdout.write(
            f"{evaluation.month:%Y-%m}: {len(evaluation.upgraded)} upgraded of "
            f"{evaluation.checked} distributors checked."
        )
