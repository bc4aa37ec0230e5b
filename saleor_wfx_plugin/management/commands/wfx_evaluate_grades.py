from django.core.management.base import BaseCommand

from ...services.grades import evaluate_grades
from ..programme import month_option, with_active_programme


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
        judged = month_option(month)
        evaluation = with_active_programme(
            self,
            lambda program: evaluate_grades(judged, program=program),
            nothing_done="no grade changed.",
        )
        if evaluation is None:
            return
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
