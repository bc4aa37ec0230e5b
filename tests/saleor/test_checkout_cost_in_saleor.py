"""What the programme adds to Saleor's `checkoutComplete`, in SQL statements, with tasks inline
(a Saleor without a Celery broker): the same storefront checkout completed with the plugin
switched off and switched on. A shop's ordinary orders must cost next to nothing; a referred one
is attributed, frozen and earns within the same request."""

import pytest

from . import require_saleor

require_saleor()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from saleor_wfx_plugin.models import LedgerEntry, ReferralAttribution  # noqa: E402

from . import test_plugin_in_saleor as commission_tier  # noqa: E402
from .test_plugin_in_saleor import PLUGIN_PATH, activate_programme  # noqa: E402

# The bounds of issue 9 ("Checkout path"). On ee7f082 these tests measured 30 and 147.
ORDINARY_ORDER_BOUND = 3
REFERRED_ORDER_BOUND = 40

four_generations = commission_tier.four_generations  # AAA111 ← BBB222 ← CCC333 ← DDD444


@pytest.fixture
def counted_checkout(storefront, product):
    """A storefront checkout, paid by an app; returns the order and the statements Saleor ran
    for `checkoutComplete` alone, the hooks and their inline tasks included."""
    variant = product.variants.get()

    def place(metadata, email):
        checkout_id = storefront.start_checkout([(variant, 1)], metadata=metadata, email=email)
        storefront.pay(checkout_id, storefront.choose_delivery(checkout_id))
        # Saleor's test client runs the commit hooks of each request itself (as a commit
        # would): the hooks and their inline tasks are inside the count.
        with CaptureQueriesContext(connection) as statements:
            order = storefront.complete(checkout_id)
        return order, len(statements.captured_queries)

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
