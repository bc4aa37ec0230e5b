"""分销商专属优惠券 on PostgreSQL: staff create a voucher code per distributor (or a campaign of
them) in the shop; an order using one is attributed to its distributor, and beats a referral
code naming someone else unless the shop says otherwise."""

from decimal import Decimal

import pytest

from saleor_wfx_plugin.errors import ProgrammeError
from saleor_wfx_plugin.models import DistributorVoucher, ReferralAttribution
from saleor_wfx_plugin.services.vouchers import create_distributor_vouchers

from .conftest import SERUM
from .helpers import net_by_level

pytestmark = pytest.mark.django_db


def create(shop, codes, prefix="SPRING", campaign="Spring 2026", **kwargs):
    return create_distributor_vouchers(
        shop(),
        distributor_codes=codes,
        prefix=prefix,
        campaign=campaign,
        channel_slug="default-channel",
        discount_type=kwargs.pop("discount_type", "percentage"),
        discount_value=kwargs.pop("discount_value", "10"),
        actor="user:staff",
    )


def test_a_campaign_is_one_shop_voucher_with_a_code_per_distributor(shop, tree):
    vouchers = create(shop, ["DDD444", "ccc333"])
    assert sorted((v.code, v.distributor.code) for v in vouchers) == [
        ("SPRING-CCC333", "CCC333"),
        ("SPRING-DDD444", "DDD444"),
    ]
    ((name, codes, channel, kind, value),) = shop.vouchers.values()
    assert (name, sorted(codes), channel, kind, value) == (
        "Spring 2026",
        ["SPRING-CCC333", "SPRING-DDD444"],
        "default-channel",
        "percentage",
        Decimal("10"),
    )


def test_an_order_with_the_voucher_earns_its_distributor_without_a_referral_code(shop, tree):
    create(shop, ["DDD444"])
    order = shop.place_order([SERUM], voucher_code="SPRING-DDD444")
    shop.pay(order.order_id)
    attribution = ReferralAttribution.objects.get(order_id=order.order_id)
    assert (attribution.source, attribution.voucher_code) == ("voucher", "SPRING-DDD444")
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("29.90")),
        2: ("CCC333", Decimal("14.95")),
        3: ("BBB222", Decimal("5.98")),
    }


def test_the_voucher_beats_a_referral_code_naming_someone_else_by_default(shop, tree, program):
    create(shop, ["DDD444"])
    order = shop.place_order([SERUM], referral_code="CCC333", voucher_code="SPRING-DDD444")
    attribution = ReferralAttribution.objects.get(order_id=order.order_id)
    assert (attribution.seller.code, attribution.code_rejection) == ("DDD444", "voucher_wins")
    program(voucher_beats_referral_code="false")
    other = shop.place_order([SERUM], referral_code="CCC333", voucher_code="SPRING-DDD444")
    assert ReferralAttribution.objects.get(order_id=other.order_id).seller.code == "CCC333"


def test_a_distributor_using_their_own_voucher_earns_nothing(shop, tree):
    create(shop, ["DDD444"])
    order = shop.place_order([SERUM], voucher_code="SPRING-DDD444", user_id="4")
    shop.pay(order.order_id)
    assert net_by_level(order) == {}


def test_refusals_create_nothing(shop, tree):
    create(shop, ["DDD444"])
    for codes, kwargs, code in [
        (["NOPE99"], {}, "not_found"),
        (["DDD444", "CCC333"], {}, "voucher_exists"),  # SPRING-DDD444 is taken: all or nothing
        (["CCC333"], {"discount_value": "120"}, "invalid"),
        (["CCC333"], {"discount_type": "free"}, "invalid"),
        (["CCC333"], {"prefix": "no spaces"}, "invalid_code"),
    ]:
        with pytest.raises(ProgrammeError) as error:
            create(shop, codes, **kwargs)
        assert error.value.code == code
    assert DistributorVoucher.objects.count() == 1
    assert len(shop.vouchers) == 1
