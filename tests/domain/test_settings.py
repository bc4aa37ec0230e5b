from datetime import date
from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.rates import InvalidRate, SellerRateBook, parse_rate
from saleor_wfx_plugin.domain.settings import (
    WECHAT_LEVEL_WARNING,
    CommissionTrigger,
    InvalidProgramSettings,
    ProgramSettings,
)
from saleor_wfx_plugin.domain.tax import TaxPeriod, TaxPolicy


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


def test_grade_team_sales_rules_are_off_unless_the_merchant_switches_them_on():
    assert ProgramSettings.from_mapping({}).grade_team_sales_rules is False
    assert (
        ProgramSettings.from_mapping({"grade_team_sales_rules": ""}).grade_team_sales_rules is False
    )
    switched_on = ProgramSettings.from_mapping({"grade_team_sales_rules": "true"})
    assert switched_on.grade_team_sales_rules is True
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping({"grade_team_sales_rules": "maybe"})
    assert error.value.errors == {"grade_team_sales_rules": "'maybe' is not true or false"}


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


def test_money_settings_defaults():
    settings = ProgramSettings.from_mapping({})
    assert settings.confirm_days_after_fulfilment == 0
    assert settings.settlement_days == 3
    assert settings.settlement_holidays == frozenset()
    assert settings.settlement_workdays == frozenset()
    assert settings.payout_min_amount == Decimal("10")
    assert settings.early_withdrawal is True
    assert settings.early_withdrawal_fee_rate == Decimal("0.5")
    assert settings.second_approval_above == Decimal("5000")
    assert settings.tax_policy is TaxPolicy.LABOUR_REMUNERATION
    assert settings.tax_flat_rate == Decimal("20")
    assert settings.tax_period is TaxPeriod.MONTHLY


def test_money_settings_are_parsed_from_saleor_strings():
    settings = ProgramSettings.from_mapping(
        {
            "confirm_days_after_fulfilment": "7",
            "settlement_days": " 5 ",
            "settlement_holidays": "2026-10-01..2026-10-03, 2026-10-06\n2026-10-07",
            "settlement_workdays": "2026-09-20 2026-10-10",
            "payout_min_amount": "0.50",
            "early_withdrawal": "false",
            "early_withdrawal_fee_rate": "1.5%",
            "second_approval_above": "20000",
            "tax_policy": " FLAT ",
            "tax_flat_rate": "6",
            "tax_period": "per_payout",
        }
    )
    assert settings.confirm_days_after_fulfilment == 7
    assert settings.settlement_days == 5
    assert settings.settlement_holidays == {
        date(2026, 10, 1),
        date(2026, 10, 2),
        date(2026, 10, 3),
        date(2026, 10, 6),
        date(2026, 10, 7),
    }
    assert settings.settlement_workdays == {date(2026, 9, 20), date(2026, 10, 10)}
    assert settings.payout_min_amount == Decimal("0.50")
    assert settings.early_withdrawal is False
    assert settings.early_withdrawal_fee_rate == Decimal("1.5")
    assert settings.second_approval_above == Decimal("20000")
    assert settings.tax_policy is TaxPolicy.FLAT
    assert settings.tax_flat_rate == Decimal("6")
    assert settings.tax_period is TaxPeriod.PER_PAYOUT


def test_an_empty_second_approval_threshold_means_never():
    for empty in ("", "  "):
        settings = ProgramSettings.from_mapping({"second_approval_above": empty})
        assert settings.second_approval_above is None
    # Absent (a configuration saved before the setting existed): the default applies.
    assert ProgramSettings.from_mapping({}).second_approval_above == Decimal("5000")
    assert ProgramSettings.from_mapping({"second_approval_above": "0"}).second_approval_above == 0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("confirm_days_after_fulfilment", "61", "outside 0-60"),
        ("confirm_days_after_fulfilment", "-1", "outside 0-60"),
        ("confirm_days_after_fulfilment", "two", "not a whole number"),
        ("settlement_days", "31", "outside 0-30"),
        ("settlement_days", "1.5", "not a whole number"),
        ("settlement_holidays", "2026-02-30", "'2026-02-30' is not a date written YYYY-MM-DD"),
        ("settlement_holidays", "01.10.2026", "not a date written YYYY-MM-DD"),
        ("settlement_holidays", "20261001", "not a date written YYYY-MM-DD"),
        ("settlement_holidays", "2026-10-07..2026-10-01", "not a range"),
        ("settlement_holidays", "2026-01-01..2027-12-31", "not a range of 1-366 days"),
        ("settlement_workdays", "2026-09-21", "2026-09-21 (Monday): list only the Saturdays"),
        ("payout_min_amount", "-1", "cannot be negative"),
        ("payout_min_amount", "ten", "not an amount"),
        ("payout_min_amount", "NaN", "not an amount"),
        ("payout_min_amount", 0.1, "not 0.1"),
        ("early_withdrawal", "sometimes", "not true or false"),
        ("early_withdrawal_fee_rate", "101", "outside 0-100%"),
        ("second_approval_above", "-5", "cannot be negative"),
        ("tax_policy", "vat", "'vat' is not one of: none, flat, labour_remuneration"),
        ("tax_flat_rate", "-1", "outside 0-100%"),
        ("tax_period", "yearly", "not one of: per_payout, monthly"),
    ],
)
def test_invalid_money_settings_are_refused_with_a_reason(name, value, message):
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping({name: value})
    assert set(error.value.errors) == {name}
    assert message in error.value.errors[name]


def test_a_day_cannot_be_both_a_holiday_and_a_makeup_workday():
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping(
            {
                "settlement_holidays": "2026-10-01..2026-10-11",
                "settlement_workdays": "2026-09-20, 2026-10-10",
            }
        )
    assert error.value.errors == {
        "settlement_workdays": "2026-10-10 cannot be both a holiday and a working day"
    }
