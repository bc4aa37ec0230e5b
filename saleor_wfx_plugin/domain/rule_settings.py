"""Parsing the settings of binding modes (锁粉), distributor vouchers, fraud review and group
rewards (拼团), kept apart from settings.py's older settings."""

from __future__ import annotations

from decimal import Decimal

from .messages import DomainError
from .rates import parse_rate
from .setting_parsers import parse_bool, parse_choice, parse_days, parse_int, parse_metadata_key
from .settings import BindingMode


def take_rule_settings(take) -> None:  # type: ignore[no-untyped-def]
    """`take` is ProgramSettings.from_mapping's: parse one named value, or record its error."""
    take("customer_binding_mode", lambda value: parse_choice(value, BindingMode))
    take("customer_binding_protection_days", parse_days)
    take("customer_binding_new_customers_only", parse_bool)
    take("customer_binding_renew_on_repeat", parse_bool)
    take("voucher_beats_referral_code", parse_bool)
    take("fraud_review", parse_bool)
    take("fraud_hold_score", _parse_score)
    take("fraud_window_days", parse_days)
    take("fraud_repeat_orders", _parse_repeat_orders)
    take("fraud_new_distributor_days", parse_days)
    take("fraud_conversion_factor", _parse_conversion_factor)
    take("group_metadata_key", parse_metadata_key)
    take("group_size", _parse_group_size)
    take("group_bonus_rate", lambda value: parse_rate(value, field="group_bonus_rate"))
    take("group_window_days", _parse_group_window)


def _parse_group_size(value: object) -> int:
    size = parse_int(value)
    if not 2 <= size <= 1000:
        raise DomainError("customers_out_of_range", size=size)
    return size


def _parse_group_window(value: object) -> int:
    days = parse_int(value)
    if not 1 <= days <= 90:
        raise DomainError("days_out_of_range", days=days, low=1, high=90)
    return days


def _parse_score(value: object) -> int:
    score = parse_int(value)
    if not 1 <= score <= 1000:
        raise DomainError("score_out_of_range", score=score)
    return score


def _parse_repeat_orders(value: object) -> int:
    orders = parse_int(value)
    if not 2 <= orders <= 1000:
        raise DomainError("orders_out_of_range", orders=orders)
    return orders


def _parse_conversion_factor(value: object) -> Decimal:
    try:
        factor = Decimal(str(value).strip())
    except ArithmeticError:
        raise DomainError("not_a_number", value=value) from None
    if not factor.is_finite() or not Decimal(1) < factor <= Decimal(1000):
        raise DomainError("factor_out_of_range", value=value)
    return factor
