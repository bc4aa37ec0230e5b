"""Parsers of the plugin's settings, one value each, and the checks across two of them: what
`ProgramSettings.from_mapping` (settings.py) and rule_settings.py run on the merchant's input.
Each refuses with a `DomainError` whose code the API translates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit

from .chain import MAX_COMMISSION_LEVELS
from .messages import DomainError, Phrase, phrase
from .rates import parse_rate

_HOST_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
HOST_PATTERN = re.compile(rf"^(?=.{{1,253}}$){_HOST_LABEL}(\.{_HOST_LABEL})*$")
QUERY_PARAM_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MAX_CONFIRM_DAYS_AFTER_FULFILMENT = 60
# China's seven-day no-reason return (七天无理由退货) runs from receipt, which follows shipment.
DEFAULT_CONFIRM_DAYS_AFTER_FULFILMENT = 7
MAX_CONFIRM_DAYS_AFTER_PAYMENT = 90
MAX_SETTLEMENT_DAYS = 30
DEFAULT_DOCUMENT_RETENTION_DAYS = 180
MAX_DOCUMENT_RETENTION_DAYS = 3650

_Choice = TypeVar("_Choice", bound=StrEnum)


def parse_metadata_key(value: object) -> str:
    key = str(value).strip()
    if not key or len(key) > 100:
        raise DomainError("metadata_key_length")
    return key


def parse_storefront_url(value: object) -> str:
    url = str(value).strip().rstrip("/")
    parsed = urlsplit(url)
    if parsed.scheme not in {"https", "http"} or not parsed.hostname:
        raise DomainError("storefront_url_not_absolute")
    if parsed.query or parsed.fragment or parsed.username or parsed.password:
        raise DomainError("storefront_url_extras")
    return url


def parse_hosts(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else str(value).replace(",", " ").split()
    hosts = []
    for item in items:
        host = str(item).strip().lower()
        if not host:
            continue
        if not HOST_PATTERN.match(host):
            raise DomainError("not_a_host", host=host)
        hosts.append(host)
    return tuple(hosts)


def parse_query_param(value: object) -> str:
    name = str(value).strip()
    if not QUERY_PARAM_PATTERN.match(name):
        raise DomainError("query_param_invalid")
    return name


def parse_confirm_days(value: object) -> int:
    days = parse_int(value)
    if not 0 <= days <= MAX_CONFIRM_DAYS_AFTER_FULFILMENT:
        raise DomainError(
            "days_out_of_range", days=days, low=0, high=MAX_CONFIRM_DAYS_AFTER_FULFILMENT
        )
    return days


def parse_confirm_days_after_payment(value: object) -> int:
    days = parse_int(value)
    if not 0 <= days <= MAX_CONFIRM_DAYS_AFTER_PAYMENT:
        raise DomainError(
            "days_out_of_range", days=days, low=0, high=MAX_CONFIRM_DAYS_AFTER_PAYMENT
        )
    return days


def check_payment_confirmation_comes_after_receipt(
    parsed: Mapping[str, object], errors: dict[str, Phrase]
) -> None:
    # Counted from payment, the fallback must leave at least the time the fulfilment rule
    # leaves: otherwise an order nobody marks shipped would be confirmed before one that was.
    after_payment = parsed.get("confirm_days_after_payment")
    after_fulfilment = parsed.get(
        "confirm_days_after_fulfilment", DEFAULT_CONFIRM_DAYS_AFTER_FULFILMENT
    )
    if not isinstance(after_payment, int) or not isinstance(after_fulfilment, int):
        return
    if after_payment < after_fulfilment:
        errors["confirm_days_after_payment"] = phrase(
            "payment_confirmation_too_early",
            after_payment=after_payment,
            after_fulfilment=after_fulfilment,
        )


def parse_total_rate(value: object) -> Decimal:
    rate = parse_rate(value, field="max_total_rate")
    if rate != rate.quantize(Decimal("0.01")):
        raise DomainError("total_rate_decimals")
    return rate


def parse_retention_days(value: object) -> int:
    days = parse_int(value)
    if not 0 <= days <= MAX_DOCUMENT_RETENTION_DAYS:
        raise DomainError("days_out_of_range", days=days, low=0, high=MAX_DOCUMENT_RETENTION_DAYS)
    return days


def parse_settlement_days(value: object) -> int:
    days = parse_int(value)
    if not 0 <= days <= MAX_SETTLEMENT_DAYS:
        raise DomainError("business_days_out_of_range", days=days, high=MAX_SETTLEMENT_DAYS)
    return days


def check_holidays_are_not_workdays(
    parsed: Mapping[str, object], errors: dict[str, Phrase]
) -> None:
    holidays = parsed.get("settlement_holidays")
    workdays = parsed.get("settlement_workdays")
    if not isinstance(holidays, frozenset) or not isinstance(workdays, frozenset):
        return
    both = sorted(holidays & workdays)
    if both:
        listed = ", ".join(day.isoformat() for day in both)
        errors["settlement_workdays"] = phrase("holiday_and_workday", listed=listed)


def parse_choice(value: object, choices: type[_Choice]) -> _Choice:
    text = str(value).strip().lower()
    try:
        return choices(text)
    except ValueError:
        allowed = ", ".join(choice.value for choice in choices)
        raise DomainError("not_one_of", value=value, allowed=allowed) from None


def parse_levels(value: object) -> int:
    levels = parse_int(value)
    if not 1 <= levels <= MAX_COMMISSION_LEVELS:
        raise DomainError("levels_not_allowed", levels=levels, max_levels=MAX_COMMISSION_LEVELS)
    return levels


def parse_days(value: object) -> int:
    days = parse_int(value)
    if not 0 <= days <= 3650:
        raise DomainError("days_out_of_range", days=days, low=0, high=3650)
    return days


def parse_int(value: object) -> int:
    if isinstance(value, bool):
        raise DomainError("not_whole_number", value=value)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        raise DomainError("not_whole_number", value=value)
    return int(text)


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off"}:
        return False
    raise DomainError("not_true_or_false", value=value)
