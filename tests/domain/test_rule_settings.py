"""The settings of binding modes, vouchers, fraud review and group rewards: parsed from Saleor's
form, every bad value reported at once."""

from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.settings import (
    BindingMode,
    InvalidProgramSettings,
    ProgramSettings,
)


def test_the_merchants_values_are_read():
    settings = ProgramSettings.from_mapping(
        {
            "customer_binding_mode": " Last_Referrer ",
            "customer_binding_protection_days": "7",
            "customer_binding_new_customers_only": "yes",
            "customer_binding_renew_on_repeat": True,
            "voucher_beats_referral_code": "off",
            "fraud_review": "true",
            "fraud_hold_score": "80",
            "fraud_repeat_orders": "4",
            "fraud_conversion_factor": "3.5",
            "group_metadata_key": "team_code",
            "group_size": "3",
            "group_bonus_rate": "2.5",
            "group_window_days": "7",
        }
    )
    assert settings.customer_binding_mode is BindingMode.LAST_REFERRER
    assert settings.customer_binding_protection_days == 7
    assert settings.customer_binding_new_customers_only
    assert settings.customer_binding_renew_on_repeat
    assert not settings.voucher_beats_referral_code
    assert (settings.fraud_review, settings.fraud_hold_score, settings.fraud_repeat_orders) == (
        True,
        80,
        4,
    )
    assert settings.fraud_conversion_factor == Decimal("3.5")
    assert (settings.group_metadata_key, settings.group_size, settings.group_window_days) == (
        "team_code",
        3,
        7,
    )
    assert settings.group_bonus_rate == Decimal("2.5")


def test_bad_values_are_all_reported():
    with pytest.raises(InvalidProgramSettings) as error:
        ProgramSettings.from_mapping(
            {
                "customer_binding_mode": "forever",
                "fraud_hold_score": "0",
                "fraud_repeat_orders": "1",
                "fraud_conversion_factor": "1",
                "group_size": "1",
                "group_bonus_rate": "150",
                "group_window_days": "0",
            }
        )
    assert set(error.value.errors) == {
        "customer_binding_mode",
        "fraud_hold_score",
        "fraud_repeat_orders",
        "fraud_conversion_factor",
        "group_size",
        "group_bonus_rate",
        "group_window_days",
    }
    assert "permanent, days, last_referrer" in error.value.errors["customer_binding_mode"]
