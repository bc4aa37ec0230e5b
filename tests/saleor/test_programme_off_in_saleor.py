"""Off means off, inside a real Saleor: the merchant switches the plugin off and on with Saleor's
own `pluginUpdate`, a storefront places orders through Saleor's checkout, the payment app reports
refunds with `transactionEventReport`, and the sweep runs as beat or cron would run it."""

from decimal import Decimal

import pytest

from . import require_saleor

require_saleor()

from django.core.management import call_command  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402

from saleor_wfx_plugin.domain.money import quantize  # noqa: E402
from saleor_wfx_plugin.models import (  # noqa: E402
    LedgerEntry,
    ProgrammeSwitch,
    ReferralAttribution,
)
from saleor_wfx_plugin.saleor_host.routes import PLUGIN_ID  # noqa: E402
from saleor_wfx_plugin.tasks import reconcile_recent_orders_task  # noqa: E402

from . import test_api_in_saleor as api_tier  # noqa: E402
from . import test_plugin_in_saleor as commission_tier  # noqa: E402

four_generations = commission_tier.four_generations  # AAA111 ← BBB222 ← CCC333 ← DDD444
storefront_checkout = commission_tier.storefront_checkout
wfx_active = commission_tier.wfx_active
commission_by_level = commission_tier.commission_by_level
sign_in = api_tier.sign_in  # Saleor's tokenCreate
PluginApi = api_tier.PluginApi

PLUGIN_UPDATE = """
mutation ($id: ID!, $input: PluginUpdateInput!) {
  pluginUpdate(id: $id, input: $input) {
    plugin { id globalConfiguration { active } }
    errors { field message code }
  }
}
"""
EVENT_REPORT = """
mutation ($id: ID!, $type: TransactionEventTypeEnum!, $amount: PositiveDecimal!, $psp: String!) {
  transactionEventReport(id: $id, type: $type, amount: $amount, pspReference: $psp) {
    alreadyProcessed
    errors { field message code }
  }
}
"""


@pytest.fixture
def switch_plugin(staff_api_client, permission_manage_plugins):
    """The merchant's switch in the dashboard: Saleor's pluginUpdate with MANAGE_PLUGINS."""
    staff_api_client.user.user_permissions.add(permission_manage_plugins)

    def switch(active):
        result = get_graphql_content(
            staff_api_client.post_graphql(
                PLUGIN_UPDATE, {"id": PLUGIN_ID, "input": {"active": active}}
            )
        )["data"]["pluginUpdate"]
        assert result["errors"] == []
        assert result["plugin"]["globalConfiguration"]["active"] is active

    return switch


def report_refund(app_api_client, transaction_id, amount, currency):
    """The payment app reports a refund it made (REFUND_SUCCESS)."""
    reported = get_graphql_content(
        app_api_client.post_graphql(
            EVENT_REPORT,
            {
                "id": transaction_id,
                "type": "REFUND_SUCCESS",
                "amount": str(amount),
                "psp": f"refund-{transaction_id[-6:]}",
            },
        )
    )["data"]["transactionEventReport"]
    assert reported["errors"] == []


def test_an_order_placed_while_switched_off_earns_nothing_after_the_switch_on(
    wfx_active, four_generations, storefront_checkout, switch_plugin
):
    switch_plugin(False)
    order, _, _ = storefront_checkout([("referral_code", "DDD444")])
    assert not ReferralAttribution.objects.exists()  # the hooks did nothing while off

    switch_plugin(True)
    reconcile_recent_orders_task()  # the sweep beat runs after the switch-on
    call_command("wfx_reconcile", "--hours", "1")  # and staff run it by hand too

    attribution = ReferralAttribution.objects.get(order_id=order.pk)
    assert (attribution.code_rejection, attribution.seller_id) == ("programme_off", None)
    assert not LedgerEntry.objects.commission().exists()
    history = list(ProgrammeSwitch.objects.order_by("at", "id").values_list("active", "source"))
    assert history == [
        (True, "plugin_update"),  # wfx_active: the merchant switched it on first
        (False, "plugin_update"),
        (True, "plugin_update"),
    ]


def test_a_refund_made_while_off_of_an_order_that_earned_is_reversed_after_the_switch_on(
    wfx_active,
    four_generations,
    storefront_checkout,
    switch_plugin,
    app_api_client,
):
    order, transaction_id, total = storefront_checkout([("referral_code", "DDD444")])
    goods = order.subtotal_net_amount
    assert commission_by_level(order)[1] == ("DDD444", quantize(goods / 10, "USD"))
    reconcile_recent_orders_task()  # the sweep has been running: it has a mark

    switch_plugin(False)
    order_total = Decimal(str(total["amount"]))
    report_refund(app_api_client, transaction_id, order_total, total["currency"])
    assert commission_by_level(order)[1] == ("DDD444", quantize(goods / 10, "USD"))  # off

    switch_plugin(True)
    reconcile_recent_orders_task()

    assert commission_by_level(order) == {
        1: ("DDD444", Decimal("0.00")),
        2: ("CCC333", Decimal("0.00")),
        3: ("BBB222", Decimal("0.00")),
    }
    assert LedgerEntry.objects.commission().filter(kind="reversal", event="sweep").count() == 3
    attribution = ReferralAttribution.objects.get(order_id=order.pk)
    assert attribution.refunded_amount == order_total


def test_the_version_pause_is_not_off(
    wfx_active, four_generations, storefront_checkout, monkeypatch
):
    from saleor_wfx_plugin.saleor_host import version

    monkeypatch.setattr(version, "host_saleor_supported", False)
    order, _, _ = storefront_checkout([("referral_code", "DDD444")])
    assert not ReferralAttribution.objects.exists()

    monkeypatch.setattr(version, "host_saleor_supported", True)
    reconcile_recent_orders_task()

    goods = order.subtotal_net_amount
    assert commission_by_level(order)[1] == ("DDD444", quantize(goods / 10, "USD"))
    assert not ProgrammeSwitch.objects.filter(active=False).exists()


def test_staff_attribute_an_off_order_by_hand_through_the_plugin_api(
    wfx_active,
    four_generations,
    storefront_checkout,
    switch_plugin,
    client,
    staff_user,
    permission_manage_orders,
    sign_in,
):
    switch_plugin(False)
    order, _, _ = storefront_checkout([("referral_code", "DDD444")])
    switch_plugin(True)
    reconcile_recent_orders_task()

    staff_user.user_permissions.add(permission_manage_orders)
    data = PluginApi(client).ok(
        """mutation($number: String, $reason: String!) {
          orderAttribute(orderNumber: $number, reason: $reason) {
            attribution { sellerCode events { edges { node { kind actor reason } } } }
            errors { field code message } } }""",
        {"number": str(order.number), "reason": "Honour the campaign"},
        token=sign_in(staff_user),
    )
    attribution = data["orderAttribute"]["attribution"]
    assert attribution["sellerCode"] == "DDD444"
    assert attribution["events"]["edges"][0]["node"] == {
        "kind": "ATTRIBUTED_BY_HAND",
        "actor": f"user:{staff_user.pk}",
        "reason": "Honour the campaign",
    }
    goods = order.subtotal_net_amount
    assert commission_by_level(order) == {
        1: ("DDD444", quantize(goods * Decimal("0.10"), "USD")),
        2: ("CCC333", quantize(goods * Decimal("0.05"), "USD")),
        3: ("BBB222", quantize(goods * Decimal("0.02"), "USD")),
    }
