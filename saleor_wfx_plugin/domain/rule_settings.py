"""Parsing the settings of binding modes (锁粉), distributor vouchers, fraud review and group
rewards (拼团), kept apart from settings.py's older settings."""

from __future__ import annotations

from decimal import Decimal

from .rates import parse_rate
from .settings import (
    BindingMode,
    _parse_bool,
    _parse_choice,
    _parse_days,
    _parse_int,
    _parse_metadata_key,
)


def take_rule_settings(take) -> None:  # type: ignore[no-untyped-def]
    """`take` is ProgramSettings.from_mapping's: parse one named value, or record its error."""
    take("customer_binding_mode", lambda value: _parse_choice(value, BindingMode))
    take("customer_binding_protection_days", _parse_days)
    take("customer_binding_new_customers_only", _parse_bool)
    take("customer_binding_renew_on_repeat", _parse_bool)
    take("voucher_beats_referral_code", _parse_bool)
    take("fraud_review", _parse_bool)
    take("fraud_hold_score", _parse_score)
    take("fraud_window_days", _parse_days)
    take("fraud_repeat_orders", _parse_repeat_orders)
    take("fraud_new_distributor_days", _parse_days)
    take("fraud_conversion_factor", _parse_conversion_factor)
    take("group_metadata_key", _parse_metadata_key)
    take("group_size", _parse_group_size)
    take("group_bonus_rate", lambda value: parse_rate(value, field="group_bonus_rate"))
    take("group_window_days", _parse_group_window)


def _parse_group_size(value: object) -> int:
    size = _parse_int(value)
    if not 2 <= size <= 1000:
        raise ValueError(f"{size} customers is outside 2-1000")
    return size


def _parse_group_window(value: object) -> int:
    days = _parse_int(value)
    if not 1 <= days <= 90:
        raise ValueError(f"{days} days is outside 1-90")
    return days


def _parse_score(value: object) -> int:
    score = _parse_int(value)
    if not 1 <= score <= 1000:
        raise ValueError(f"{score} is outside 1-1000")
    return score


def _parse_repeat_orders(value: object) -> int:
    orders = _parse_int(value)
    if not 2 <= orders <= 1000:
        raise ValueError(f"{orders} orders is outside 2-1000")
    return orders


def _parse_conversion_factor(value: object) -> Decimal:
    try:
        factor = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValueError(f"{value!r} is not a number") from None
    if not factor.is_finite() or not Decimal(1) < factor <= Decimal(1000):
        raise ValueError(f"{value!r} is outside 1-1000 (more than 1)")
    return factor
