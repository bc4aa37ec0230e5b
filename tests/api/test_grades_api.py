"""Grade criteria on team sales are opt-in (禁止传销条例 art. 7(3), 团队计酬): staff cannot save one
unless the plugin setting grade_team_sales_rules is on, and a refused save changes nothing."""

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from saleor_wfx_plugin.models import Grade

from .conftest import staff

pytestmark = pytest.mark.django_db

MANAGER = staff("MANAGE_PLUGINS")
GRADE_FIELDS = "grade { slug name upgradeMinSales { amount } upgradeMinTeamSales { amount } }"
CREATE = f"""mutation($input: GradeInput!) {{ gradeCreate(input: $input) {{
  {GRADE_FIELDS} errors {{ field code message }} }} }}"""
UPDATE = f"""mutation($id: ID!, $input: GradeInput!) {{ gradeUpdate(id: $id, input: $input) {{
  {GRADE_FIELDS} errors {{ field code message }} }} }}"""
DIAMOND = {
    "name": "Diamond",
    "rank": 5,
    "sellerRate": "25",
    "upgradeMinSales": "5000",
    "upgradeMinTeamSales": "30000",
    "upgradeCurrency": "CNY",
}


def errors_of(body, mutation):
    assert "errors" not in body, body["errors"]
    return [
        {"field": error["field"], "code": error["code"]}
        for error in body["data"][mutation]["errors"]
    ]


def test_a_team_sales_criterion_is_refused_while_the_setting_is_off(api):
    body = api(CREATE, {"input": DIAMOND}, viewer=MANAGER)

    assert errors_of(body, "gradeCreate") == [
        {"field": "upgradeMinTeamSales", "code": "TEAM_SALES_RULES_OFF"}
    ]
    assert "grade_team_sales_rules" in body["data"]["gradeCreate"]["errors"][0]["message"]
    assert body["data"]["gradeCreate"]["grade"] is None
    assert not Grade.objects.filter(slug="diamond").exists()


def test_a_team_sales_criterion_is_saved_once_the_merchant_opts_in(api, program):
    program(grade_team_sales_rules="true")

    created = api.ok(CREATE, {"input": DIAMOND}, viewer=MANAGER)["gradeCreate"]["grade"]

    assert created["upgradeMinTeamSales"] == {"amount": "30000.00"}
    assert Grade.objects.get(slug="diamond").upgrade_min_team_sales == Decimal("30000")


def test_a_grade_saved_with_a_team_criterion_earlier_can_be_edited_or_cleared_not_raised(api):
    # Saved before the setting existed (or while it was on).
    partner = Grade.objects.get(slug="partner")
    Grade.objects.filter(pk=partner.pk).update(
        upgrade_min_team_sales=Decimal("3000"), upgrade_currency="CNY"
    )
    partner_id = to_global_id("Grade", partner.pk)

    # A rename, even with the whole form sent back (the saved criterion unchanged), goes through.
    renamed = api.ok(
        UPDATE,
        {
            "id": partner_id,
            "input": {"name": "Partner 合伙人 (2026)", "upgradeMinTeamSales": "3000.00"},
        },
        viewer=MANAGER,
    )["gradeUpdate"]["grade"]
    assert renamed["upgradeMinTeamSales"] == {"amount": "3000.00"}

    raised = api(
        UPDATE, {"id": partner_id, "input": {"upgradeMinTeamSales": "5000"}}, viewer=MANAGER
    )
    assert errors_of(raised, "gradeUpdate") == [
        {"field": "upgradeMinTeamSales", "code": "TEAM_SALES_RULES_OFF"}
    ]
    partner.refresh_from_db()
    assert (partner.name, partner.upgrade_min_team_sales) == (
        "Partner 合伙人 (2026)",
        Decimal("3000"),
    )

    cleared = api.ok(
        UPDATE, {"id": partner_id, "input": {"upgradeMinTeamSales": None}}, viewer=MANAGER
    )["gradeUpdate"]["grade"]
    assert cleared["upgradeMinTeamSales"] is None
    partner.refresh_from_db()
    assert partner.upgrade_min_team_sales is None
