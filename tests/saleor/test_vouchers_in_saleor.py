"""分销商专属优惠券 inside a real Saleor: staff create a distributor's voucher through the
adapter (a Saleor voucher with its code and channel listing); a storefront checkout that applies
the code with Saleor's own `checkoutAddPromoCode`, paid and completed through Saleor's public
API, is attributed to that distributor, even though its metadata names another."""

from decimal import Decimal

import pytest

from . import require_saleor

require_saleor()

from saleor.discount.models import Voucher, VoucherCode  # noqa: E402

from saleor_wfx_plugin.domain.money import quantize  # noqa: E402
from saleor_wfx_plugin.models import DistributorVoucher, ReferralAttribution  # noqa: E402
from saleor_wfx_plugin.saleor_host.adapter import SaleorShop  # noqa: E402
from saleor_wfx_plugin.services.vouchers import create_distributor_vouchers  # noqa: E402

from . import test_plugin_in_saleor as commission_tier  # noqa: E402

four_generations = commission_tier.four_generations  # AAA111 ← BBB222 ← CCC333 ← DDD444
wfx_active = commission_tier.wfx_active


@pytest.fixture
def voucher_checkout(storefront, product):
    """A storefront's checkout with a promo code, through Saleor's public API."""
    variant = product.variants.get()

    def place(promo_code, metadata=()):
        checkout_id = storefront.start_checkout([(variant, 2)], metadata=metadata)
        applied = storefront.add_promo_code(checkout_id, promo_code)
        assert applied["voucherCode"] == promo_code
        storefront.pay(checkout_id, storefront.choose_delivery(checkout_id))
        with storefront.capture_commits(execute=True):
            return storefront.complete(checkout_id)

    return place


def test_a_checkout_with_a_distributors_voucher_earns_that_distributor(
    wfx_active, four_generations, voucher_checkout, channel_USD
):
    (voucher,) = create_distributor_vouchers(
        SaleorShop(),
        distributor_codes=["DDD444"],
        prefix="WFX",
        campaign="",
        channel_slug=channel_USD.slug,
        discount_type="percentage",
        discount_value="10",
        actor="user:staff",
    )
    # A real Saleor voucher holds the code, listed in the channel with its 10 %.
    saleor_voucher = Voucher.objects.get(pk=voucher.saleor_voucher_id)
    assert list(
        VoucherCode.objects.filter(voucher=saleor_voucher).values_list("code", flat=True)
    ) == ["WFX-DDD444"]
    assert saleor_voucher.channel_listings.get(channel=channel_USD).discount_value == Decimal("10")

    # The shopper's metadata names C; the voucher (harder to forge) is D's and wins.
    order = voucher_checkout("WFX-DDD444", metadata=[("referral_code", "CCC333")])

    assert order.voucher_code == "WFX-DDD444"
    attribution = ReferralAttribution.objects.get(order_id=order.pk)
    assert (attribution.source, attribution.seller.code, attribution.code_rejection) == (
        "voucher",
        "DDD444",
        "voucher_wins",
    )
    # Two units at 10.00 less the voucher's 10 %: 18.00 of goods; D earns 10 %, C 5 %, B 2 %.
    goods = order.subtotal_net_amount
    assert goods == Decimal("18.00")
    assert commission_tier.commission_by_level(order) == {
        1: ("DDD444", quantize(goods * Decimal("0.10"), "USD")),
        2: ("CCC333", quantize(goods * Decimal("0.05"), "USD")),
        3: ("BBB222", quantize(goods * Decimal("0.02"), "USD")),
    }
    assert DistributorVoucher.objects.get().distributor.code == "DDD444"


def test_a_voucher_alone_brings_the_order_into_the_programme(
    wfx_active, four_generations, voucher_checkout, channel_USD
):
    create_distributor_vouchers(
        SaleorShop(),
        distributor_codes=["CCC333", "DDD444"],
        prefix="SPRING",
        campaign="Spring campaign",
        channel_slug=channel_USD.slug,
        discount_type="fixed",
        discount_value="2",
        actor="user:staff",
    )
    assert Voucher.objects.get().name == "Spring campaign"
    order = voucher_checkout("SPRING-CCC333")  # no referral code at all
    attribution = ReferralAttribution.objects.get(order_id=order.pk)
    assert (attribution.source, attribution.seller.code) == ("voucher", "CCC333")
    assert commission_tier.commission_by_level(order)[1][0] == "CCC333"
