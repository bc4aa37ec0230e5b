"""分销商专属优惠券 inside a real Saleor: staff create a distributor's voucher through the
adapter (a Saleor voucher with its code and channel listing); a storefront checkout that applies
the code with Saleor's own `checkoutAddPromoCode`, paid and completed through Saleor's public
API, is attributed to that distributor, even though its metadata names another."""

from decimal import Decimal

import pytest

from . import require_saleor

require_saleor()

import graphene  # noqa: E402
from saleor.discount.models import Voucher, VoucherCode  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402
from saleor.order.models import Order  # noqa: E402

from saleor_wfx_plugin.domain.money import quantize  # noqa: E402
from saleor_wfx_plugin.models import DistributorVoucher, ReferralAttribution  # noqa: E402
from saleor_wfx_plugin.saleor_host.adapter import SaleorShop  # noqa: E402
from saleor_wfx_plugin.services.vouchers import create_distributor_vouchers  # noqa: E402

from . import test_plugin_in_saleor as commission_tier  # noqa: E402

four_generations = commission_tier.four_generations  # AAA111 ← BBB222 ← CCC333 ← DDD444
wfx_active = commission_tier.wfx_active

ADD_PROMO_CODE = """
mutation ($id: ID!, $promoCode: String!) {
  checkoutAddPromoCode(id: $id, promoCode: $promoCode) {
    checkout { voucherCode }
    errors { field message code }
  }
}
"""


@pytest.fixture
def voucher_checkout(
    api_client,
    app_api_client,
    permission_manage_payments,
    channel_USD,
    product,
    shipping_method,
    django_capture_on_commit_callbacks,
):
    """A storefront's checkout with a promo code, through Saleor's public API."""
    app_api_client.app.permissions.add(permission_manage_payments)
    variant = product.variants.get()

    def place(promo_code, metadata=()):
        created = get_graphql_content(
            api_client.post_graphql(
                commission_tier.CHECKOUT_CREATE,
                {
                    "input": {
                        "channel": channel_USD.slug,
                        "email": "shopper@example.com",
                        "lines": [
                            {
                                "variantId": graphene.Node.to_global_id(
                                    "ProductVariant", variant.pk
                                ),
                                "quantity": 2,
                            }
                        ],
                        "shippingAddress": commission_tier.POLISH_ADDRESS,
                        "billingAddress": commission_tier.POLISH_ADDRESS,
                        "metadata": [{"key": key, "value": value} for key, value in metadata],
                    }
                },
            )
        )["data"]["checkoutCreate"]
        assert created["errors"] == []
        checkout_id = created["checkout"]["id"]
        promo = get_graphql_content(
            api_client.post_graphql(ADD_PROMO_CODE, {"id": checkout_id, "promoCode": promo_code})
        )["data"]["checkoutAddPromoCode"]
        assert promo["errors"] == []
        assert promo["checkout"]["voucherCode"] == promo_code
        delivery = get_graphql_content(
            api_client.post_graphql(
                commission_tier.DELIVERY_UPDATE,
                {
                    "id": checkout_id,
                    "deliveryMethodId": graphene.Node.to_global_id(
                        "ShippingMethod", shipping_method.pk
                    ),
                },
            )
        )["data"]["checkoutDeliveryMethodUpdate"]
        assert delivery["errors"] == []
        total = delivery["checkout"]["totalPrice"]["gross"]
        paid = get_graphql_content(
            app_api_client.post_graphql(
                commission_tier.TRANSACTION_CREATE,
                {
                    "id": checkout_id,
                    "transaction": {
                        "name": "Offline payment",
                        "pspReference": f"psp-{checkout_id[-6:]}",
                        "amountCharged": {"amount": total["amount"], "currency": total["currency"]},
                    },
                },
            )
        )["data"]["transactionCreate"]
        assert paid["errors"] == []
        with django_capture_on_commit_callbacks(execute=True):
            completed = get_graphql_content(
                api_client.post_graphql(commission_tier.CHECKOUT_COMPLETE, {"id": checkout_id})
            )["data"]["checkoutComplete"]
        assert completed["errors"] == []
        _, order_pk = graphene.Node.from_global_id(completed["order"]["id"])
        return Order.objects.get(pk=order_pk)

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
