"""The programme's settings as the merchant enters them in Saleor's plugin configuration,
parsed and validated into one immutable object that every rule reads."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlsplit

from .chain import MAX_COMMISSION_LEVELS
from .rates import InvalidRate, parse_rate
from .tax import TaxPeriod, TaxPolicy

_HOST_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
HOST_PATTERN = re.compile(rf"^(?=.{{1,253}}$){_HOST_LABEL}(\.{_HOST_LABEL})*$")
QUERY_PARAM_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_CONFIRM_DAYS_AFTER_FULFILMENT = 60
MAX_SETTLEMENT_DAYS = 30
# A range longer than a year in a holiday list is a typo (2026-10-01..2027-10-07), not a holiday.
MAX_DATE_RANGE_DAYS = 366

_Choice = TypeVar("_Choice", bound=StrEnum)


class CommissionTrigger(StrEnum):
    """Which Saleor event makes an attributed order earn commission."""

    ORDER_FULLY_PAID = "order_fully_paid"
    ORDER_PAID = "order_paid"


class InvalidProgramSettings(ValueError):
    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors.items()))


# WeChat has said since 2016 that it tolerates only the seller and one upline on its platform and
# suspends payment accounts beyond that; three levels is legal in China but risky there.
WECHAT_LEVEL_WARNING = (
    "3 commission levels is the legal maximum in China, but WeChat tolerates only 2 (the seller "
    "and one upline) and has suspended payment accounts beyond that. Use 2 for programmes run in "
    "WeChat."
)


@dataclass(frozen=True, slots=True)
class ProgramSettings:
    referral_metadata_key: str = "referral_code"
    commission_trigger: CommissionTrigger = CommissionTrigger.ORDER_FULLY_PAID
    default_seller_rate: Decimal = Decimal("10")
    level2_rate: Decimal = Decimal("5")
    level3_rate: Decimal = Decimal("2")
    commission_levels: int = MAX_COMMISSION_LEVELS
    # Grade upgrade criteria on team sales: opt-in, because pay computed from a downline's sales
    # (团队计酬) is one of the behaviours 禁止传销条例 art. 7(3) names.
    grade_team_sales_rules: bool = False
    tax_in_base: bool = False
    self_purchase_commission: bool = False
    customer_binding: bool = True
    customer_binding_days: int = 30
    attribution_window_days: int = 30
    # Where referral links send visitors, e.g. "https://shop.example.com". Empty: links are off.
    storefront_url: str = ""
    # Other hosts a link's ?next= may point at (the storefront's own host is always allowed).
    redirect_allowed_hosts: tuple[str, ...] = ()
    referral_query_param: str = "ref"
    auto_approve_applications: bool = False
    require_documents: bool = False
    # 0: confirmed when Saleor reports the order fulfilled; N: N days later (automatic receipt
    # confirmation, as marketplaces do when the buyer does not confirm delivery).
    confirm_days_after_fulfilment: int = 0
    # T+N: business days in the shop's time zone between confirmation and available money.
    settlement_days: int = 3
    settlement_holidays: frozenset[date] = frozenset()
    # Weekend days worked in exchange for a longer public holiday (China's 调休).
    settlement_workdays: frozenset[date] = frozenset()
    # In the payout's currency.
    payout_min_amount: Decimal = Decimal("10")
    early_withdrawal: bool = True
    early_withdrawal_fee_rate: Decimal = Decimal("0.5")
    # None: a single approval always suffices.
    second_approval_above: Decimal | None = Decimal("5000")
    tax_policy: TaxPolicy = TaxPolicy.LABOUR_REMUNERATION
    tax_flat_rate: Decimal = Decimal("20")
    tax_period: TaxPeriod = TaxPeriod.MONTHLY
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def level_rate(self, level: int) -> Decimal:
        """Rates of the uplines; the seller's rate comes from `SellerRateBook`."""
        if level == 2:
            return self.level2_rate
        if level == 3:
            return self.level3_rate
        raise ValueError(f"level {level} has no upline rate")

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> ProgramSettings:
        """Build from Saleor's `{name: value}` configuration. Missing names take the defaults;
        every invalid one is reported at once, so the merchant fixes them in one go."""
        errors: dict[str, str] = {}
        parsed: dict[str, object] = {}

        def take(name: str, parse) -> None:  # type: ignore[no-untyped-def]
            if name not in values or values[name] is None or values[name] == "":
                return
            try:
                parsed[name] = parse(values[name])
            except (InvalidRate, ValueError) as error:
                errors[name] = str(error)

        take("referral_metadata_key", _parse_metadata_key)
        take("commission_trigger", CommissionTrigger)
        for rate_name in ("default_seller_rate", "level2_rate", "level3_rate"):
            take(rate_name, lambda value, name=rate_name: parse_rate(value, field=name))
        take("commission_levels", _parse_levels)
        take("grade_team_sales_rules", _parse_bool)
        for flag in ("tax_in_base", "self_purchase_commission", "customer_binding"):
            take(flag, _parse_bool)
        take("customer_binding_days", _parse_days)
        take("attribution_window_days", _parse_days)
        take("storefront_url", _parse_storefront_url)
        take("redirect_allowed_hosts", _parse_hosts)
        take("referral_query_param", _parse_query_param)
        for flag in ("auto_approve_applications", "require_documents"):
            take(flag, _parse_bool)
        take("confirm_days_after_fulfilment", _parse_confirm_days)
        take("settlement_days", _parse_settlement_days)
        take("settlement_holidays", _parse_dates)
        take("settlement_workdays", _parse_workdays)
        take("payout_min_amount", lambda value: _parse_amount(value, "the minimum payout"))
        take("early_withdrawal", _parse_bool)
        take(
            "early_withdrawal_fee_rate",
            lambda value: parse_rate(value, field="early_withdrawal_fee_rate"),
        )
        # Unlike the other settings, an empty threshold is not the default but "never".
        threshold = values.get("second_approval_above")
        if isinstance(threshold, str) and not threshold.strip():
            parsed["second_approval_above"] = None
        else:
            take(
                "second_approval_above",
                lambda value: _parse_amount(value, "the second approval threshold"),
            )
        take("tax_policy", lambda value: _parse_choice(value, TaxPolicy))
        take("tax_flat_rate", lambda value: parse_rate(value, field="tax_flat_rate"))
        take("tax_period", lambda value: _parse_choice(value, TaxPeriod))
        _check_holidays_are_not_workdays(parsed, errors)
        if errors:
            raise InvalidProgramSettings(errors)
        settings = cls(**parsed)  # type: ignore[arg-type]
        if settings.commission_levels == MAX_COMMISSION_LEVELS:
            object.__setattr__(settings, "warnings", (WECHAT_LEVEL_WARNING,))
        return settings


def _parse_metadata_key(value: object) -> str:
    key = str(value).strip()
    if not key or len(key) > 100:
        raise ValueError("the metadata key must be 1-100 characters")
    return key


def _parse_storefront_url(value: object) -> str:
    url = str(value).strip().rstrip("/")
    parsed = urlsplit(url)
    if parsed.scheme not in {"https", "http"} or not parsed.hostname:
        raise ValueError("the storefront URL must be an absolute http(s) URL")
    if parsed.query or parsed.fragment or parsed.username or parsed.password:
        raise ValueError("the storefront URL must not carry a query, fragment or credentials")
    return url


def _parse_hosts(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else str(value).replace(",", " ").split()
    hosts = []
    for item in items:
        host = str(item).strip().lower()
        if not host:
            continue
        if not HOST_PATTERN.match(host):
            raise ValueError(f"{host!r} is not a host name (no scheme, path or port)")
        hosts.append(host)
    return tuple(hosts)


def _parse_query_param(value: object) -> str:
    name = str(value).strip()
    if not QUERY_PARAM_PATTERN.match(name):
        raise ValueError("the query parameter must be 1-40 letters, digits, '_' or '-'")
    return name


def _parse_confirm_days(value: object) -> int:
    days = _parse_int(value)
    if not 0 <= days <= MAX_CONFIRM_DAYS_AFTER_FULFILMENT:
        raise ValueError(f"{days} days is outside 0-{MAX_CONFIRM_DAYS_AFTER_FULFILMENT}")
    return days


def _parse_settlement_days(value: object) -> int:
    days = _parse_int(value)
    if not 0 <= days <= MAX_SETTLEMENT_DAYS:
        raise ValueError(f"{days} business days is outside 0-{MAX_SETTLEMENT_DAYS}")
    return days


def _parse_dates(value: object) -> frozenset[date]:
    """Dates as YYYY-MM-DD separated by commas, spaces or new lines; FIRST..LAST is a range
    (2026-10-01..2026-10-07 for a holiday week)."""
    items = value if isinstance(value, list | tuple | set | frozenset) else [value]
    days: set[date] = set()
    for item in items:
        if isinstance(item, date):
            days.add(item)
            continue
        for token in str(item).replace(",", " ").split():
            first_text, separator, last_text = token.partition("..")
            first = _parse_date(first_text)
            if not separator:
                days.add(first)
                continue
            last = _parse_date(last_text)
            length = (last - first).days + 1
            if not 1 <= length <= MAX_DATE_RANGE_DAYS:
                raise ValueError(
                    f"{token!r} is not a range of 1-{MAX_DATE_RANGE_DAYS} days (first..last)"
                )
            days.update(first + timedelta(days=offset) for offset in range(length))
    return frozenset(days)


def _parse_date(text: str) -> date:
    if DATE_PATTERN.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a date written YYYY-MM-DD")


def _parse_workdays(value: object) -> frozenset[date]:
    days = _parse_dates(value)
    weekdays = sorted(day for day in days if day.weekday() < 5)
    if weekdays:
        listed = ", ".join(f"{day.isoformat()} ({day:%A})" for day in weekdays)
        raise ValueError(
            f"{listed}: list only the Saturdays and Sundays that are worked; weekdays are "
            "business days anyway"
        )
    return days


def _check_holidays_are_not_workdays(parsed: Mapping[str, object], errors: dict[str, str]) -> None:
    holidays = parsed.get("settlement_holidays")
    workdays = parsed.get("settlement_workdays")
    if not isinstance(holidays, frozenset) or not isinstance(workdays, frozenset):
        return
    both = sorted(holidays & workdays)
    if both:
        listed = ", ".join(day.isoformat() for day in both)
        errors["settlement_workdays"] = f"{listed} cannot be both a holiday and a working day"


def _parse_amount(value: object, what: str) -> Decimal:
    # Floats are refused for the same reason as in rates: 0.1 + 0.2 noise in money settings.
    if isinstance(value, bool | float):
        raise ValueError(f"give {what} as text or a whole number, not {value!r}")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    if amount < 0:
        raise ValueError(f"{what} cannot be negative ({amount})")
    return amount


def _parse_choice(value: object, choices: type[_Choice]) -> _Choice:
    text = str(value).strip().lower()
    try:
        return choices(text)
    except ValueError:
        allowed = ", ".join(choice.value for choice in choices)
        raise ValueError(f"{value!r} is not one of: {allowed}") from None


def _parse_levels(value: object) -> int:
    levels = _parse_int(value)
    if not 1 <= levels <= MAX_COMMISSION_LEVELS:
        raise ValueError(
            f"{levels} levels is not allowed: commission may flow through at most "
            f"{MAX_COMMISSION_LEVELS} levels including the seller (禁止传销条例)"
        )
    return levels


def _parse_days(value: object) -> int:
    days = _parse_int(value)
    if not 0 <= days <= 3650:
        raise ValueError(f"{days} days is outside 0-3650")
    return days


def _parse_int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        raise ValueError(f"{value!r} is not a whole number")
    return int(text)


def _parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off"}:
        return False
    raise ValueError(f"{value!r} is not true or false")
