"""Gives this tier what Saleor's own root conftest gives Saleor's tests: its fixture modules and its
two-database test set-up. Active only when the run uses Saleor's settings
(`pytest tests/saleor --ds=saleor.tests.settings`); otherwise it defines nothing and the test
modules skip themselves with the reason."""

import importlib.util

from django.conf import settings

RUNNING_INSIDE_SALEOR = (
    importlib.util.find_spec("saleor") is not None and "saleor.order" in settings.INSTALLED_APPS
)

if RUNNING_INSIDE_SALEOR:
    import django.test
    from saleor.tests.utils import prepare_test_db_connections

    # Saleor's tests run every test case against both of its connections (writer and replica).
    _TEST_DATABASES = {
        settings.DATABASE_CONNECTION_DEFAULT_NAME,
        settings.DATABASE_CONNECTION_REPLICA_NAME,
    }
    django.test.TransactionTestCase.databases = _TEST_DATABASES
    django.test.TestCase.databases = _TEST_DATABASES
    prepare_test_db_connections()

    import pytest

    @pytest.fixture(autouse=True)
    def wfx_encryption_key(settings):
        """A shop's key for ID numbers and payee accounts, as a merchant sets in Saleor's
        settings (README, Personal data). Public: tests only."""
        settings.WFX_ENCRYPTION_KEYS = ["d2Z4LXNhbGVvci10aWVyLWtleS1ub3QtZm9yLXVzZTE="]

    @pytest.fixture
    def storefront(
        api_client,
        app_api_client,
        permission_manage_payments,
        channel_USD,
        shipping_method,
        django_capture_on_commit_callbacks,
    ):
        """An anonymous shopper in the USD channel, paid for by an app with MANAGE_PAYMENTS:
        the steps every checkout of the tier is made of (`storefront.Storefront`)."""
        from .storefront import Storefront

        app_api_client.app.permissions.add(permission_manage_payments)
        return Storefront(
            api_client,
            app_api_client,
            channel_USD.slug,
            shipping_method,
            django_capture_on_commit_callbacks,
        )

    # The fixture modules Saleor 3.24's root conftest.py registers.
    pytest_plugins = [
        "saleor.tests.fixtures",
        "saleor.app.tests.fixtures",
        "saleor.plugins.tests.fixtures",
        "saleor.graphql.tests.fixtures",
        "saleor.webhook.tests.fixtures",
        "saleor.tax.tests.fixtures",
        "saleor.channel.tests.fixtures",
        "saleor.page.tests.fixtures",
        "saleor.menu.tests.fixtures",
        "saleor.warehouse.tests.fixtures",
        "saleor.thumbnail.tests.fixtures",
        "saleor.order.tests.fixtures",
        "saleor.product.tests.fixtures",
        "saleor.site.tests.fixtures",
        "saleor.shipping.tests.fixtures",
        "saleor.permission.tests.fixtures",
        "saleor.giftcard.tests.fixtures",
        "saleor.discount.tests.fixtures",
        "saleor.checkout.tests.fixtures",
        "saleor.attribute.tests.fixtures",
        "saleor.account.tests.fixtures",
        "saleor.graphql.account.tests.fixtures",
        "saleor.payment.tests.fixtures",
        "saleor.webhook.tests.circuit_breaker.fixtures",
    ]
