from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.rates import InvalidRate, SellerRateBook, parse_rate
from saleor_wfx_plugin.domain.settings import (
    WECHAT_LEVEL_WARNING,
    CommissionTrigger,
    InvalidProgramSettings,
    ProgramSettings,
)


def test_defaults_are_the_articles_examples():
    settings = ProgramSettings.from_mapping({})
    assert settings.default_seller_rate == Decimal("10")
    assert settings.level2_rate == Decimal("5")
    assert settings.level3_rate == Decimal("2")
    assert settings.commission_levels == 3
    assert settings.commission_trigger is CommissionTrigger.ORDER_FULLY_PAID
    assert settings.referral_metadata_key == "referral_code"


def test_saleor_configuration_values_are_parsed():
    settings = ProgramSettings.from_mapping(
        {
            "default_seller_rate": "12.5",
            "level2_rate": 4,
            "commission_levels": "2",
            "tax_in_base": "true",
            "self_purchase_commission": True,
            "customer_binding": "false",
            "customer_binding_days": "7",
            "commission_trigger": "order_paid",
            "referral_metadata_key": " ref ",
        }
    )
    assert settings.default_seller_rate == Decimal("12.5")
    assert settings.level2_rate == Decimal("4")
    assert settings.commission_levels == 2
    assert settings.tax_in_base is True
    assert settings.self_purchase_commission is True
    assert settings.customer_binding is False
    assert settings.customer_binding_days == 7
    assert settings.commission_trigger is CommissionTrigger.ORDER_PAID
    assert settings.referral_metadata_key == "ref"


@pytest.mark.parametrize("levels", ["0", "4", "10", "-1"])
def test_more_than_three_levels_cannot_be_configured(levels):
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping({"commission_levels": levels})
    assert "commission_levels" in error.value.errors
    assert "at most 3 levels" in error.value.errors["commission_levels"]


def test_three_levels_warn_about_wechat_and_two_do_not():
    assert ProgramSettings.from_mapping({"commission_levels": "3"}).warnings == (
        WECHAT_LEVEL_WARNING,
    )
    assert ProgramSettings.from_mapping({"commission_levels": "2"}).warnings == ()


def test_every_invalid_setting_is_reported_at_once():
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping(
            {"default_seller_rate": "101", "level2_rate": "abc", "tax_in_base": "maybe"}
        )
    assert set(error.value.errors) == {"default_seller_rate", "level2_rate", "tax_in_base"}


@pytest.mark.parametrize(
    ("raw", "expected"), [("0", "0"), ("100", "100"), ("10%", "10"), (" 7.25 ", "7.25")]
)
def test_rates_from_zero_to_hundred_percent_are_accepted(raw, expected):
    assert parse_rate(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["-0.01", "100.01", "NaN", "Infinity", "ten", 0.1, True])
def test_rates_outside_range_or_not_exact_are_refused(raw):
    with pytest.raises(InvalidRate):
        parse_rate(raw)


def test_seller_rate_precedence_product_then_category_then_grade_then_default():
    book = SellerRateBook(
        default_rate=Decimal("10"),
        grade_rate=Decimal("15"),
        product_rates={"serum": Decimal("20")},
        category_rates={"skincare": Decimal("18")},
    )
    assert book.rate_for("serum", "skincare") == Decimal("20")
    assert book.rate_for("cream", "skincare") == Decimal("18")
    assert book.rate_for("mask", "masks") == Decimal("15")
    assert SellerRateBook(default_rate=Decimal("10")).rate_for("mask", None) == Decimal("10")


def test_a_zero_override_beats_a_higher_default():
    book = SellerRateBook(default_rate=Decimal("10"), product_rates={"gift": Decimal("0")})
    assert book.rate_for("gift", None) == Decimal("0")
