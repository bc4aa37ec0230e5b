"""What the programme adds to Saleor's `checkoutComplete`, in SQL statements, with tasks inline
(a Saleor without a Celery broker): the same storefront checkout completed with the plugin
switched off and switched on. A shop's ordinary orders must cost next to nothing; a referred one
is attributed, frozen and earns within the same request."""

import pytest

from . import require_saleor

require_saleor()

import graphene  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402
from saleor.order.models import Order  # noqa: E402

from saleor_wfx_plugin.models import LedgerEntry, ReferralAttribution  # noqa: E402
from saleor_wfx_plugin.services.distributors import create_distributor  # noqa: E402

from .test_plugin_in_saleor import (  # noqa: E402
    CHECKOUT_COMPLETE,
    CHECKOUT_CREATE,
    DELIVERY_UPDATE,
    PLUGIN_PATH,
    POLISH_ADDRESS,
    TRANSACTION_CREATE,
    activate_programme,
)

# The bounds of issue 9 ("Checkout path"). On ee7f082 these tests measured 30 and 147.
ORDINARY_ORDER_BOUND = 3
REFERRED_ORDER_BOUND = 40


@pytest.fixture
def four_generations(db):
    a = create_distributor(code="AAA111", email="a@example.com")
    b = create_distributor(code="BBB222", email="b@example.com", upline=a)
    c = create_distributor(code="CCC333", email="c@example.com", upline=b)
    create_distributor(code="DDD444", email="d@example.com", upline=c)


@pytest.fixture
def counted_checkout(
    api_client,
    app_api_client,
    permission_manage_payments,
    channel_USD,
    product,
    shipping_method,
):
    """A storefront checkout, paid by an app; returns the order and the statements Saleor ran
    for `checkoutComplete` alone, the hooks and their inline tasks included."""
    app_api_client.app.permissions.add(permission_manage_payments)
    variant = product.variants.get()

    def place(metadata, email):
        created = get_graphql_content(
            api_client.post_graphql(
                CHECKOUT_CREATE,
                {
                    "input": {
                        "channel": channel_USD.slug,
                        "email": email,
                        "lines": [
                            {
                                "variantId": graphene.Node.to_global_id(
                                    "ProductVariant", variant.pk
                                ),
                                "quantity": 1,
                            }
                        ],
                        "shippingAddress": POLISH_ADDRESS,
                        "billingAddress": POLISH_ADDRESS,
                        "metadata": [{"key": key, "value": value} for key, value in metadata],
                    }
                },
            )
        )["data"]["checkoutCreate"]
        assert created["errors"] == []
        checkout_id = created["checkout"]["id"]
        delivery = get_graphql_content(
            api_client.post_graphql(
                DELIVERY_UPDATE,
                {
                    "id": checkout_id,
                    "deliveryMethodId": graphene.Node.to_global_id(
                        "ShippingMethod", shipping_method.pk
                    ),
                },
            )
        )["data"]["checkoutDeliveryMethodUpdate"]
        total = delivery["checkout"]["totalPrice"]["gross"]
        paid = get_graphql_content(
            app_api_client.post_graphql(
                TRANSACTION_CREATE,
                {
                    "id": checkout_id,
                    "transaction": {
                        "name": "Offline payment",
                        "pspReference": f"psp-{checkout_id[-6:]}",
                        "amountCharged": {"amount": total["amount"], "currency": "USD"},
                    },
                },
            )
        )["data"]["transactionCreate"]
        assert paid["errors"] == []
        # Saleor's test client runs the commit hooks of each request itself (as a commit
        # would): the hooks and their inline tasks are inside the count.
        with CaptureQueriesContext(connection) as statements:
            completed = get_graphql_content(
                api_client.post_graphql(CHECKOUT_COMPLETE, {"id": checkout_id})
            )["data"]["checkoutComplete"]
        assert completed["errors"] == []
        _, order_pk = graphene.Node.from_global_id(completed["order"]["id"])
        return Order.objects.get(pk=order_pk), len(statements.captured_queries)

    return place


def extra_statements(settings, counted_checkout, metadata):
    """Statements of `checkoutComplete` with the programme on, less those with it off; the
    customers differ, so neither order finds the other's customer binding."""
    settings.PLUGINS = [PLUGIN_PATH]  # installed, not switched on (DEFAULT_ACTIVE is off)
    counted_checkout(metadata, "warm-up@example.com")  # Saleor's first checkout reads more
    _, switched_off = counted_checkout(metadata, "off@example.com")
    activate_programme(settings)
    order, switched_on = counted_checkout(metadata, "on@example.com")
    return order, switched_on - switched_off


def test_an_ordinary_order_costs_checkout_complete_at_most_three_statements(
    settings, four_generations, counted_checkout
):
    order, extra = extra_statements(settings, counted_checkout, [("utm_source", "newsletter")])

    assert not ReferralAttribution.objects.filter(order_id=order.pk).exists()
    assert 0 < extra <= ORDINARY_ORDER_BOUND, extra


def test_a_referred_order_earns_within_forty_extra_statements(
    settings, four_generations, counted_checkout
):
    order, extra = extra_statements(settings, counted_checkout, [("referral_code", "DDD444")])

    # Attributed and earned for the three levels in the request itself (tasks inline).
    assert ReferralAttribution.objects.get(order_id=order.pk).seller.code == "DDD444"
    assert (
        LedgerEntry.objects.commission()
        .filter(commission_line__attribution__order_id=order.pk)
        .count()
        == 3
    )
    assert 0 < extra <= REFERRED_ORDER_BOUND, extra
