from decimal import Decimal

from django.db import migrations

# 普通 / 金牌 / 合伙人. Ordinary keeps the programme's default seller rate; the others are the
# merchant's to tune. No upgrade thresholds: they need the shop's currency, so the merchant sets
# them (README, "Grades").
DEFAULT_GRADES = [
    ("ordinary", "Ordinary 普通", None, 0),
    ("gold", "Gold 金牌", Decimal("15"), 1),
    ("partner", "Partner 合伙人", Decimal("20"), 2),
]


def create_default_grades(apps, schema_editor):
    Grade = apps.get_model("wfx", "Grade")
    if Grade.objects.exists():
        return  # the merchant already has a grade list
    for slug, name, rate, rank in DEFAULT_GRADES:
        Grade.objects.create(slug=slug, name=name, seller_rate=rate, rank=rank)


class Migration(migrations.Migration):
    dependencies = [("wfx", "0003_distributor_lifecycle")]

    operations = [migrations.RunPython(create_default_grades, migrations.RunPython.noop)]
