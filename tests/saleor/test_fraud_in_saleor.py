"""Fraud review inside a real Saleor: a storefront order referred by D that ships to the address
and phone on D's own Saleor account is held (its commission never confirmed); staff reject it
and every level is reversed."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from . import require_saleor

require_saleor()

from saleor_wfx_plugin.models import FraudReview, Settlement  # noqa: E402
from saleor_wfx_plugin.saleor_host.adapter import SaleorShop  # noqa: E402
from saleor_wfx_plugin.services.fraud import reject_held_order  # noqa: E402
from saleor_wfx_plugin.services.ledger import settle_due  # noqa: E402

from . import test_plugin_in_saleor as commission_tier  # noqa: E402

four_generations = commission_tier.four_generations  # AAA111 ← BBB222 ← CCC333 ← DDD444
storefront_checkout = commission_tier.storefront_checkout


def test_an_order_shipped_to_the_sellers_own_address_is_held_then_rejected(
    settings, four_generations, storefront_checkout, customer_user
):
    commission_tier.activate_programme(
        settings, fraud_review="true", confirm_days_after_fulfilment="0"
    )
    d = four_generations[3]
    # D's Saleor account (Saleor's test customer) has Tęczowa 7, Wrocław, +48713988102 as its
    # default addresses: the address the storefront checkout ships to.
    d.user_id = str(customer_user.pk)
    d.save(update_fields=["user_id"])

    order, _, _ = storefront_checkout([("referral_code", "DDD444")], email="friend@example.com")

    review = FraudReview.objects.get(attribution__order_id=order.pk)
    assert (review.status, review.score) == ("held", 120)
    assert review.signals == ["shipping_address_is_distributors", "phone_is_distributors"]
    goods = order.subtotal_net_amount
    assert commission_tier.commission_by_level(order)[1] == ("DDD444", goods * Decimal("0.10"))
    # Due or not, the maturing task confirms none of it.
    settle_due(now=timezone.now() + timedelta(days=60))
    assert not Settlement.objects.filter(confirmed_at__isnull=False).exists()

    reject_held_order(
        str(order.pk),
        actor="user:staff",
        reason="ships to the seller's home",
        settings=SaleorShop().stored_program_settings(),
    )
    assert {
        level: amount for level, (_, amount) in commission_tier.commission_by_level(order).items()
    } == {
        1: Decimal("0.00"),
        2: Decimal("0.00"),
        3: Decimal("0.00"),
    }
