from django.core.management.base import BaseCommand, CommandError

from ...errors import ProgrammeError
from ...services.grades import evaluate_grades, parse_month
from ...shop import get_shop


class Command(BaseCommand):
    help = (
        "Upgrade distributors whose sales settled in a month (out of the T+N hold, net of "
        "refunds) meet a higher grade's rule (the previous month by default). Locked grades are "
        "left alone and nobody is downgraded. Running it again for the same month changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month to judge, as YYYY-MM.")

    def handle(self, *args, month, **options):
        try:
            judged = parse_month(month) if month else None
        except ProgrammeError as error:
            raise CommandError(str(error)) from None
        shop = get_shop()
        with shop.writer_access():
            program = shop.program_settings()
            if program is None:
                self.stdout.write("The distribution plugin is not active: no grade changed.")
                return
            evaluation = evaluate_grades(judged, program=program)
        if evaluation.team_rules_off:
            self.stderr.write(
                f"Not applied: the team-sales criterion of {', '.join(evaluation.team_rules_off)} "
                "(grade_team_sales_rules is off), so nobody reached those grades."
            )
        for upgrade in evaluation.upgraded:
            self.stdout.write(
                f"{upgrade.code}: {upgrade.from_grade or 'no grade'} → {upgrade.to_grade}"
            )
        self.stdout.write(
            f"{evaluation.month:%Y-%m}: {len(evaluation.upgraded)} upgraded of "
            f"{evaluation.checked} distributors checked."
        )
