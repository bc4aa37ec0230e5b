from datetime import date
from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.rate_cap import RateCapCheck, RateSource
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
    # Safer defaults (issue item 9): seven days after delivery for China's seven-day return,
    # no early withdrawal, no confirmation without a fulfilment unless the shop asks for it.
    assert settings.confirm_days_after_fulfilment == 7
    assert settings.confirm_days_after_payment is None
    assert settings.settlement_days == 3
    assert settings.settlement_holidays == frozenset()
    assert settings.settlement_workdays == frozenset()
    assert str(settings.payout_min_amount) == "CNY:10, USD:2"
    assert settings.payout_minimum("CNY") == Decimal("10")
    assert settings.payout_minimum("USD") == Decimal("2")
    assert settings.payout_minimum("EUR") is None
    assert settings.early_withdrawal is False
    assert settings.early_withdrawal_fee_rate == Decimal("0.5")
    assert str(settings.second_approval_above) == "CNY:5000, USD:700"
    assert settings.max_total_rate == Decimal("40")
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
    # A plain number, as configurations saved before per-currency amounts hold: every currency.
    assert settings.payout_minimum("CNY") == settings.payout_minimum("EUR") == Decimal("0.50")
    assert settings.early_withdrawal is False
    assert settings.early_withdrawal_fee_rate == Decimal("1.5")
    assert settings.second_approval_threshold("CNY") == Decimal("20000")
    assert settings.second_approval_threshold("JPY") == Decimal("20000")
    assert settings.tax_policy is TaxPolicy.FLAT
    assert settings.tax_flat_rate == Decimal("6")
    assert settings.tax_period is TaxPeriod.PER_PAYOUT


def test_an_empty_second_approval_threshold_means_never():
    for empty in ("", "  "):
        settings = ProgramSettings.from_mapping({"second_approval_above": empty})
        assert settings.second_approval_above is None
        assert settings.second_approval_threshold("CNY") is None
        assert not settings.needs_second_approval("CNY", Decimal("1000000"))
    # Absent (a configuration saved before the setting existed): the default applies, now per
    # currency (it was 5000 in every currency).
    default = ProgramSettings.from_mapping({})
    assert default.second_approval_threshold("CNY") == Decimal("5000")
    assert default.second_approval_threshold("USD") == Decimal("700")
    zero = ProgramSettings.from_mapping({"second_approval_above": "0"})
    assert zero.second_approval_threshold("CNY") == 0


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
        ("payout_min_amount", "RMB:10", "RMB is not an ISO 4217 code: write CNY"),
        ("payout_min_amount", "CNY:10, XYZ:2", "XYZ is not an ISO 4217 currency code"),
        ("payout_min_amount", "CNY:10, cny:20", "CNY is listed twice"),
        ("payout_min_amount", "CNY:10, 2", "'2' is not CODE:amount (e.g. CNY:10)"),
        ("payout_min_amount", "CNY:-1", "the minimum payout in CNY cannot be negative"),
        ("payout_min_amount", "USD:2.001", "USD amounts have at most 2 decimals"),
        ("payout_min_amount", "JPY:100.5", "JPY amounts have at most 0 decimals"),
        ("payout_min_amount", "CNY:ten", "'ten' is not an amount"),
        ("second_approval_above", "CNY:5000; USD:abc", "'abc' is not an amount"),
        ("confirm_days_after_payment", "91", "outside 0-90"),
        ("confirm_days_after_payment", "3", "use 7 or more"),
        ("max_total_rate", "101", "outside 0-100%"),
        ("max_total_rate", "33.333", "at most two decimals"),
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


def test_payout_thresholds_are_per_currency():
    settings = ProgramSettings.from_mapping(
        {
            "payout_min_amount": "cny:10; usd: 2\nJPY:300",
            "second_approval_above": "CNY:5000, USD:700.50",
        }
    )
    assert str(settings.payout_min_amount) == "CNY:10, USD:2, JPY:300"
    assert settings.payout_minimum("cny") == Decimal("10")
    assert settings.payout_minimum("JPY") == Decimal("300")
    assert settings.payout_minimum("EUR") is None  # not paid out at all
    assert settings.second_approval_threshold("USD") == Decimal("700.50")
    assert not settings.needs_second_approval("USD", Decimal("700.50"))
    assert settings.needs_second_approval("USD", Decimal("700.51"))
    # JPY can be paid out but has no threshold: every JPY payout needs two approvers.
    assert settings.second_approval_threshold("JPY") == 0
    assert settings.needs_second_approval("JPY", Decimal("300"))
    assert settings.warnings == (
        WECHAT_LEVEL_WARNING,
        "second_approval_above has no JPY entry: every JPY payout needs two approvers",
    )


def test_every_problem_of_a_per_currency_amount_is_named_at_once():
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping({"payout_min_amount": "RMB:10, USD:2.001, USD:3"})
    assert error.value.errors == {
        "payout_min_amount": "RMB is not an ISO 4217 code: write CNY; USD amounts have at most 2 "
        "decimals (USD:2.001)"
    }


def test_a_typo_in_an_upline_rate_is_refused_when_saved_naming_that_rate():
    # The example: 50 typed for 5 in level2_rate would pay half of every line.
    saving = RateCapCheck(highest_seller_override=None, changed={"level2_rate"})
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping({"level2_rate": "50"}, rate_cap=saving)
    assert error.value.errors == {
        "level2_rate": "level 1 up to 10% (the default seller rate) + level 2 50% + level 3 2% = "
        "62% of a line, above max_total_rate 40%: all levels together may pay at most that, "
        "which leaves level 1 at most 0% (check for a typo such as 50 for 5)"
    }
    # The same configuration already stored keeps running: each order's plan is capped instead.
    assert ProgramSettings.from_mapping({"level2_rate": "50"}).level2_rate == Decimal("50")


def test_the_cap_counts_the_highest_grade_or_rule_rate_and_only_the_levels_paid():
    gold = RateSource(Decimal("35"), "grade Gold")
    # 35 + 5 + 2 = 42: refused; with nothing rate-related changed, on the cap itself.
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping(
            {"storefront_url": "https://shop.example.com"},
            rate_cap=RateCapCheck(gold, changed={"storefront_url"}),
        )
    assert set(error.value.errors) == {"max_total_rate"}
    assert (
        "level 1 up to 35% (grade Gold) + level 2 5% + level 3 2% = 42%"
        in (error.value.errors["max_total_rate"])
    )
    assert "leaves level 1 at most 33%" in error.value.errors["max_total_rate"]
    # Two levels: 35 + 5 = 40, exactly the cap.
    two_levels = ProgramSettings.from_mapping(
        {"commission_levels": "2"}, rate_cap=RateCapCheck(gold, changed={"commission_levels"})
    )
    assert two_levels.commission_levels == 2
    # A lower grade than the default does not lower the seller's best case.
    low = RateSource(Decimal("5"), "grade Ordinary")
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping(
            {"default_seller_rate": "34"},
            rate_cap=RateCapCheck(low, changed={"default_seller_rate", "level3_rate"}),
        )
    assert set(error.value.errors) == {"default_seller_rate", "level3_rate"}
    assert "(the default seller rate)" in error.value.errors["default_seller_rate"]


def test_the_cap_joins_the_other_errors_and_skips_an_unreadable_rate():
    saving = RateCapCheck(None, changed={"level2_rate", "tax_policy"})
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping({"level2_rate": "50", "tax_policy": "vat"}, rate_cap=saving)
    assert set(error.value.errors) == {"level2_rate", "tax_policy"}
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping({"level2_rate": "abc"}, rate_cap=saving)
    assert error.value.errors == {"level2_rate": "level2_rate: 'abc' is not a number"}


def test_confirmation_after_payment_is_off_unless_set_and_not_before_the_fulfilment_rule():
    assert (
        ProgramSettings.from_mapping({"confirm_days_after_payment": ""}).confirm_days_after_payment
        is None
    )
    settings = ProgramSettings.from_mapping(
        {"confirm_days_after_payment": "15", "confirm_days_after_fulfilment": "7"}
    )
    assert settings.confirm_days_after_payment == 15
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping(
            {"confirm_days_after_payment": "5", "confirm_days_after_fulfilment": "10"}
        )
    assert error.value.errors == {
        "confirm_days_after_payment": "5 days after payment would confirm an order Saleor never "
        "saw shipped before one it did (confirm_days_after_fulfilment is 10); use 10 or more"
    }
