"""The programme's limits inside a real Saleor: the combined rate cap refused in `pluginUpdate`
on the field the merchant changed, a guest's e-mail binding holding when they come back logged
in, and commission of an order Saleor never saw fulfilled confirmed days after payment."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from . import require_saleor

require_saleor()

from freezegun import freeze_time  # noqa: E402
from saleor.account.tests.fixtures.user import dangerously_create_test_user  # noqa: E402
from saleor.graphql.tests.fixtures import ApiClient  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402
from saleor.plugins.models import PluginConfiguration  # noqa: E402

from saleor_wfx_plugin.models import CustomerBinding, ReferralAttribution, Settlement  # noqa: E402
from saleor_wfx_plugin.saleor_host.routes import PLUGIN_ID  # noqa: E402
from saleor_wfx_plugin.selectors.balances import balance  # noqa: E402
from saleor_wfx_plugin.services.ledger import settle_due  # noqa: E402

from . import test_plugin_in_saleor as commission_tier  # noqa: E402

four_generations = commission_tier.four_generations  # AAA111 ← BBB222 ← CCC333 ← DDD444
storefront_checkout = commission_tier.storefront_checkout

PLUGIN_UPDATE = """
mutation ($id: ID!, $input: PluginUpdateInput!) {
  pluginUpdate(id: $id, input: $input) {
    plugin { id }
    errors { field message code }
  }
}
"""
# In 2030, so the real clock never matures anything during the test.
PAID = datetime(2030, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def manager(staff_api_client, permission_manage_plugins):
    staff_api_client.user.user_permissions.add(permission_manage_plugins)

    def update(**values):
        return get_graphql_content(
            staff_api_client.post_graphql(
                PLUGIN_UPDATE,
                {
                    "id": PLUGIN_ID,
                    "input": {
                        "configuration": [
                            {"name": name, "value": value} for name, value in values.items()
                        ]
                    },
                },
            )
        )["data"]["pluginUpdate"]["errors"]

    return update


def stored(name):
    configuration = PluginConfiguration.objects.get(identifier=PLUGIN_ID).configuration
    return next(item["value"] for item in configuration if item["name"] == name)


def test_typing_50_for_5_in_level2_rate_is_refused_on_that_field(settings, db, manager):
    commission_tier.activate_programme(settings)
    errors = manager(level2_rate="50")
    # Saleor camel-cases the field name, as it does for every plugin setting.
    assert [(error["field"], error["code"]) for error in errors] == [("level2Rate", "INVALID")]
    # The seller's best case is the default grades' partner rate (20 %).
    assert errors[0]["message"].startswith(
        "level 1 up to 20.00% (grade Partner 合伙人) + level 2 50% + level 3 2% = 72.00% of a "
        "line, above max_total_rate 40%"
    )
    assert stored("level2_rate") == "5"  # nothing saved

    # Raising the cap with it is the merchant's explicit choice, and is saved.
    assert manager(level2_rate="35", max_total_rate="60") == []  # 20 + 35 + 2 = 57
    assert (stored("level2_rate"), stored("max_total_rate")) == ("35", "60")


def test_the_cap_counts_the_highest_grade_when_the_settings_are_saved(settings, db, manager):
    from saleor_wfx_plugin.models import Grade

    commission_tier.activate_programme(settings)
    Grade.objects.filter(slug="partner").update(seller_rate=Decimal("35"))
    # Lowering the cap to 40 is fine (10 + 5 + 2 with the default), but the partner grade's
    # 35 % + 5 + 2 = 42 % is not: named on the cap, the setting this save changed.
    errors = manager(max_total_rate="40", storefront_url="https://shop.example.com")
    assert [error["field"] for error in errors] == ["maxTotalRate"]
    assert "level 1 up to 35.00% (grade" in errors[0]["message"]


def test_a_guest_bound_by_email_stays_bound_when_they_order_logged_in(
    settings, db, four_generations, storefront_checkout
):
    commission_tier.activate_programme(settings)
    # A guest with no account yet (Saleor links a guest order to an existing account by e-mail).
    storefront_checkout([("referral_code", "DDD444")], email="newbie@example.com")
    assert CustomerBinding.objects.get().customer_key == "email:newbie@example.com"

    # She opens an account with that e-mail and orders logged in, with no code.
    newbie = dangerously_create_test_user("newbie@example.com", "password")
    logged_in, _, _ = storefront_checkout(
        [], quantity=1, client=ApiClient(user=newbie), email="newbie@example.com"
    )

    assert logged_in.user_id == newbie.pk
    attribution = ReferralAttribution.objects.get(order_id=logged_in.pk)
    assert (attribution.source, attribution.seller.code) == ("binding", "DDD444")
    assert attribution.customer_key == f"user:{newbie.pk}"
    # One unit at 10.00: the seller's 10 %.
    assert commission_tier.commission_by_level(logged_in)[1] == ("DDD444", Decimal("1.00"))
    assert CustomerBinding.objects.get(customer_key=f"user:{newbie.pk}").distributor.code == (
        "DDD444"
    )


def test_an_order_never_fulfilled_is_confirmed_days_after_payment(
    settings, db, four_generations, storefront_checkout
):
    commission_tier.activate_programme(
        settings, confirm_days_after_payment="15", settlement_days="3"
    )
    seller = four_generations[3]
    with freeze_time(PAID):
        storefront_checkout([("referral_code", "DDD444")])

    settlement = Settlement.objects.get(distributor=seller)
    assert settlement.fulfilled_at is None
    assert settlement.confirm_due_at == PAID + timedelta(days=15)
    assert settle_due(now=PAID + timedelta(days=15) - timedelta(seconds=1)).confirmed == 0
    assert balance(seller, "USD").pending == Decimal("2.00")
    assert settle_due(now=PAID + timedelta(days=15)).confirmed == 3
    money = balance(seller, "USD")
    assert (money.pending, money.on_hold) == (0, Decimal("2.00"))
