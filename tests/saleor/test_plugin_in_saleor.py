"""End to end inside Saleor: a storefront checkout with a referral code, paid and completed through
Saleor's GraphQL API, earns commission for three levels and never a fourth."""

from decimal import Decimal

import pytest

from . import require_saleor

require_saleor()

from django.core.management import call_command  # noqa: E402
from django.db.models import Sum  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402
from saleor.order.models import Order  # noqa: E402
from saleor.plugins.models import PluginConfiguration  # noqa: E402

from saleor_wfx_plugin.domain.money import quantize  # noqa: E402
from saleor_wfx_plugin.models import LedgerEntry, ReferralAttribution  # noqa: E402
from saleor_wfx_plugin.saleor_host.routes import PLUGIN_ID  # noqa: E402
from saleor_wfx_plugin.services.distributors import create_distributor  # noqa: E402

from . import storefront  # noqa: E402

PLUGIN_PATH = "saleor_wfx_plugin.saleor_host.plugin.DistributionPlugin"


def activate_programme(settings, **extra_configuration):
    """Switch the plugin on the way a merchant does, with the article's rates (10 / 5 / 2 %,
    three levels) and any further settings: through the plugin manager's
    `save_plugin_configuration`, which is what `pluginUpdate` and the dashboard call, so the
    programme records when it was switched on (orders placed before that never earn)."""
    from saleor.plugins.manager import get_plugins_manager

    settings.PLUGINS = [PLUGIN_PATH]
    rates = {
        "commission_levels": "3",
        "default_seller_rate": "10",
        "level2_rate": "5",
        "level3_rate": "2",
    }
    get_plugins_manager(allow_replica=False).save_plugin_configuration(
        PLUGIN_ID,
        None,
        {
            "active": True,
            "configuration": [
                {"name": name, "value": value}
                for name, value in {**rates, **extra_configuration}.items()
            ],
        },
    )
    return PluginConfiguration.objects.get(identifier=PLUGIN_ID, channel=None)


@pytest.fixture
def wfx_active(settings, db):
    return activate_programme(settings)


@pytest.fixture
def four_generations(db):
    a = create_distributor(code="AAA111", email="a@example.com")
    b = create_distributor(code="BBB222", email="b@example.com", upline=a)
    c = create_distributor(code="CCC333", email="c@example.com", upline=b)
    d = create_distributor(code="DDD444", email="d@example.com", upline=c)
    return a, b, c, d


@pytest.fixture
def storefront_checkout(storefront, product):
    """Everything a storefront does, through Saleor's public GraphQL API: create a checkout with
    the referral code in metadata, choose delivery, pay (an app records the charge), complete."""
    variant = product.variants.get()  # 10 in stock in the channel's warehouse

    def place(metadata, quantity=2, *, client=None, email="shopper@example.com"):
        # `client`: a logged-in customer's (user_api_client); anonymous by default.
        return storefront.place_order(
            [(variant, quantity)], metadata=metadata, email=email, client=client
        )

    return place


def commission_by_level(order):
    return {
        entry["level"]: (entry["distributor__code"], entry["total"])
        for entry in LedgerEntry.objects.commission()
        .filter(commission_line__attribution__order_id=order.pk)
        .values("level", "distributor__code")
        .order_by("level")
        .annotate(total=Sum("amount"))
    }


def test_saleor_discovers_the_plugin_through_the_entry_point(settings):
    import saleor.settings as saleor_settings

    assert PLUGIN_PATH in saleor_settings.EXTERNAL_PLUGINS
    assert "saleor_wfx_plugin" in settings.INSTALLED_APPS


def test_a_shop_whose_settings_name_the_old_plugin_path_keeps_its_configuration(settings, db):
    """Saleor stores a plugin's configuration under its PLUGIN_ID, not its import path: a shop
    that listed `saleor_wfx_plugin.plugin.DistributionPlugin` by hand finds the programme it
    configured through the entry point's new path, and the other way round."""
    from saleor.plugins.manager import get_plugins_manager

    activate_programme(settings, level2_rate="4")
    settings.PLUGINS = ["saleor_wfx_plugin.plugin.DistributionPlugin"]

    plugin = get_plugins_manager(allow_replica=False).get_plugin(PLUGIN_ID)

    assert plugin is not None and plugin.active
    assert type(plugin).__module__ == "saleor_wfx_plugin.saleor_host.plugin"
    assert {item["name"]: item["value"] for item in plugin.configuration}["level2_rate"] == "4"


def test_a_referred_storefront_order_pays_three_levels_and_not_the_fourth(
    wfx_active, four_generations, storefront_checkout
):
    order, _, _ = storefront_checkout([("referral_code", " ddd444 ")])

    attribution = ReferralAttribution.objects.get(order_id=order.pk)
    assert attribution.seller.code == "DDD444"
    assert order.metadata["referral_code"] == " ddd444 "
    goods = order.subtotal_net_amount
    assert goods > 0
    # The base is the goods after discounts without shipping: the order's net subtotal.
    assert commission_by_level(order) == {
        1: ("DDD444", quantize(goods * Decimal("0.10"), "USD")),
        2: ("CCC333", quantize(goods * Decimal("0.05"), "USD")),
        3: ("BBB222", quantize(goods * Decimal("0.02"), "USD")),
    }
    assert not LedgerEntry.objects.commission().filter(distributor__code="AAA111").exists()


def test_saleor_calling_the_hooks_again_posts_nothing_twice(
    wfx_active, four_generations, storefront_checkout, django_capture_on_commit_callbacks
):
    from saleor.plugins.manager import get_plugins_manager

    order, _, _ = storefront_checkout([("referral_code", "DDD444")])
    entries = LedgerEntry.objects.commission().count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # Each through a manager of its own, as three requests of Saleor's would: one manager
        # hands an order in one state over once (saleor_host.scheduling).
        get_plugins_manager(allow_replica=False).order_fully_paid(order)
        get_plugins_manager(allow_replica=False).order_paid(order)
        get_plugins_manager(allow_replica=False).order_created(order)
    assert len(callbacks) == 3  # the plugin really scheduled its work
    assert LedgerEntry.objects.commission().count() == entries == 3


def test_a_refund_through_the_transaction_api_reverses_pro_rata(
    wfx_active,
    four_generations,
    storefront_checkout,
    app_api_client,
    django_capture_on_commit_callbacks,
):
    order, transaction_id, total = storefront_checkout([("referral_code", "DDD444")])
    half = quantize(Decimal(str(total["amount"])) / 2, "USD")
    with django_capture_on_commit_callbacks(execute=True):
        updated = get_graphql_content(
            app_api_client.post_graphql(
                storefront.TRANSACTION_UPDATE,
                {
                    "id": transaction_id,
                    "transaction": {
                        "amountCharged": {
                            "amount": str(Decimal(str(total["amount"])) - half),
                            "currency": "USD",
                        },
                        "amountRefunded": {"amount": str(half), "currency": "USD"},
                    },
                },
            )
        )["data"]["transactionUpdate"]
    assert updated["errors"] == []
    goods = order.subtotal_net_amount
    seller, amount = commission_by_level(order)[1]
    assert seller == "DDD444"
    # A refund that names nothing is taken from the goods (gross), not the order total with
    # shipping.
    expected = quantize(goods * Decimal("0.10") * (1 - half / order.subtotal_gross_amount), "USD")
    assert amount == expected
    assert LedgerEntry.objects.commission().filter(kind="reversal").count() == 3


def test_unknown_code_is_recorded_and_earns_nothing(
    wfx_active, four_generations, storefront_checkout
):
    order, _, _ = storefront_checkout([("referral_code", "NOPE99")])
    attribution = ReferralAttribution.objects.get(order_id=order.pk)
    assert attribution.code_rejection == "unknown_code"
    assert not LedgerEntry.objects.commission().exists()


def test_a_failing_hook_does_not_fail_checkout_complete_and_the_sweep_repairs_it(
    wfx_active, four_generations, storefront_checkout, monkeypatch
):
    from saleor_wfx_plugin import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.process_order_event, "apply_async", broker_down)
    order, _, _ = storefront_checkout([("referral_code", "DDD444")])  # asserts no errors
    assert Order.objects.filter(pk=order.pk).exists()
    assert not LedgerEntry.objects.commission().exists()

    monkeypatch.undo()
    call_command("wfx_reconcile", "--hours", "1")
    assert commission_by_level(order)[1][0] == "DDD444"
    assert LedgerEntry.objects.commission().count() == 3


def test_a_bug_in_the_commission_task_does_not_fail_checkout_complete(
    wfx_active, four_generations, storefront_checkout, monkeypatch
):
    from saleor_wfx_plugin import tasks

    def bug(*args, **kwargs):
        raise RuntimeError("bug in the commission code")

    monkeypatch.setattr(tasks, "reconcile_order", bug)
    order, _, _ = storefront_checkout([("referral_code", "DDD444")])  # asserts no errors
    assert Order.objects.filter(pk=order.pk).exists()


def test_hooks_take_saleors_extra_arguments_and_never_raise(wfx_active):
    from saleor.plugins.manager import get_plugins_manager

    plugin = get_plugins_manager(allow_replica=False).get_plugin(PLUGIN_ID)
    assert plugin is not None and plugin.active

    class OrderThatBreaks:
        @property
        def pk(self):
            raise RuntimeError("not an order")

    previous = object()
    for hook in ("order_created", "order_fully_paid", "order_refunded", "order_cancelled"):
        result = getattr(plugin, hook)(
            OrderThatBreaks(), previous_value=previous, webhooks=None, unexpected="x"
        )
        assert result is previous


def test_plugin_configuration_refuses_a_fourth_level(
    wfx_active, staff_api_client, permission_manage_plugins
):
    staff_api_client.user.user_permissions.add(permission_manage_plugins)
    response = staff_api_client.post_graphql(
        """
        mutation ($id: ID!, $input: PluginUpdateInput!) {
          pluginUpdate(id: $id, input: $input) {
            plugin { id }
            errors { field message code }
          }
        }
        """,
        {
            "id": PLUGIN_ID,
            "input": {"configuration": [{"name": "commission_levels", "value": "4"}]},
        },
    )
    errors = get_graphql_content(response)["data"]["pluginUpdate"]["errors"]
    assert errors and "at most 3 levels" in errors[0]["message"]


def test_bulk_created_orders_are_attributed_like_any_other(
    wfx_active,
    four_generations,
    storefront_checkout,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from saleor.plugins.manager import get_plugins_manager

    from saleor_wfx_plugin import tasks

    monkeypatch.setattr(tasks.process_order_event, "apply_async", lambda *a, **k: None)
    order, _, _ = storefront_checkout([("referral_code", "DDD444")])
    monkeypatch.undo()
    assert not LedgerEntry.objects.commission().exists()

    with django_capture_on_commit_callbacks(execute=True):
        get_plugins_manager(allow_replica=False).order_bulk_created([order])

    assert commission_by_level(order)[3][0] == "BBB222"


def test_the_running_saleor_passes_the_version_check():
    import saleor

    from saleor_wfx_plugin.saleor_host.version import check_saleor_version

    check_saleor_version(saleor.__version__)


def test_a_bound_customers_next_order_without_code_goes_to_the_same_distributor(
    wfx_active, four_generations, storefront_checkout
):
    storefront_checkout([("referral_code", "DDD444")])
    repeat, _, _ = storefront_checkout([], quantity=1)

    attribution = ReferralAttribution.objects.get(order_id=repeat.pk)
    assert (attribution.source, attribution.seller.code) == ("binding", "DDD444")
    assert commission_by_level(repeat)[1][0] == "DDD444"


def test_ordinary_orders_cost_the_programme_nothing(
    wfx_active, four_generations, storefront_checkout, django_assert_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from saleor_wfx_plugin.saleor_host.adapter import SaleorShop
    from saleor_wfx_plugin.shop import OrderCursor
    from saleor_wfx_plugin.tasks import process_order_event

    order, _, _ = storefront_checkout([("utm_source", "newsletter")])

    shop = SaleorShop()
    program = shop.program_settings()
    assert not ReferralAttribution.objects.exists()
    assert shop.load_order(str(order.pk), program) is None
    since = OrderCursor(timezone.now() - timedelta(hours=1))
    assert list(shop.changed_orders(since, program, limit=100)) == []
    # The plugin configuration, the last switch of the programme's history (is it still on?),
    # the order's lock (inside a savepoint, as tests run in a transaction), then one query that
    # finds the order is not in the programme.
    with django_assert_num_queries(6):
        assert process_order_event(str(order.pk), "order_updated") == 0
    # From a hook, which hands the task the configuration it saw: only that one query.
    configuration = {item["name"]: item["value"] for item in wfx_active.configuration}
    with django_assert_num_queries(1):
        assert process_order_event(str(order.pk), "order_updated", configuration) == 0


def test_a_granted_refund_of_named_lines_reverses_those_lines(
    wfx_active, four_generations, storefront_checkout
):
    from saleor.order import OrderGrantedRefundStatus
    from saleor.order.models import OrderGrantedRefund, OrderGrantedRefundLine

    from saleor_wfx_plugin.tasks import process_order_event

    order, _, _ = storefront_checkout([("referral_code", "DDD444")], quantity=2)
    line = order.lines.get()
    granted = OrderGrantedRefund.objects.create(
        order=order,
        amount_value=line.unit_price_gross_amount,
        currency=order.currency,
        status=OrderGrantedRefundStatus.SUCCESS,
    )
    OrderGrantedRefundLine.objects.create(granted_refund=granted, order_line=line, quantity=1)
    # What the processed refund leaves on the order's transaction item.
    transaction_item = order.payment_transactions.get()
    transaction_item.refunded_value = line.unit_price_gross_amount
    transaction_item.charged_value -= line.unit_price_gross_amount
    transaction_item.save(update_fields=["refunded_value", "charged_value"])
    granted.transaction_item = transaction_item
    granted.save(update_fields=["transaction_item"])

    process_order_event(str(order.pk), "order_refunded")

    # One of the two units came back: the seller keeps commission on the other one.
    assert commission_by_level(order)[1] == (
        "DDD444",
        quantize(line.total_price_net_amount / 2 * Decimal("0.10"), "USD"),
    )
