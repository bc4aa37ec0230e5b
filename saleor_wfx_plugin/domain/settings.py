"""The programme's settings as the merchant enters them in Saleor's plugin configuration,
parsed and validated into one immutable object that every rule reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .calendar import parse_dates, parse_workdays
from .chain import MAX_COMMISSION_LEVELS
from .currency_amounts import CurrencyAmounts
from .messages import DomainError, Joined, Phrase, phrase
from .rate_cap import RATE_CAP_FIELDS, RateCapCheck, RateSource, over_cap_message
from .rates import parse_rate
from .setting_parsers import (
    DEFAULT_CONFIRM_DAYS_AFTER_FULFILMENT,
    DEFAULT_DOCUMENT_RETENTION_DAYS,
    check_holidays_are_not_workdays,
    check_payment_confirmation_comes_after_receipt,
    parse_bool,
    parse_choice,
    parse_confirm_days,
    parse_confirm_days_after_payment,
    parse_days,
    parse_hosts,
    parse_levels,
    parse_metadata_key,
    parse_query_param,
    parse_retention_days,
    parse_settlement_days,
    parse_storefront_url,
    parse_total_rate,
)
from .tax import TaxPeriod, TaxPolicy

# The example: ten yuan, or two dollars, is the smallest transfer worth its fee.
DEFAULT_PAYOUT_MINIMUM = CurrencyAmounts.of(CNY="10", USD="2")
# About the same sum in both: a payout of more than a month's ordinary commission.
DEFAULT_SECOND_APPROVAL_ABOVE = CurrencyAmounts.of(CNY="5000", USD="700")


class CommissionTrigger(StrEnum):
    """Which Saleor event makes an attributed order earn commission."""

    ORDER_FULLY_PAID = "order_fully_paid"
    ORDER_PAID = "order_paid"


class BindingMode(StrEnum):
    """锁粉: how long a customer stays with the distributor who referred them."""

    PERMANENT = "permanent"
    DAYS = "days"
    LAST_REFERRER = "last_referrer"


class InvalidProgramSettings(DomainError):
    """Every invalid setting at once: `problems` by setting name, for the API to translate;
    `errors` the same in English."""

    def __init__(self, problems: Mapping[str, Phrase]):
        self.problems = dict(problems)
        self.errors = {name: problem.render() for name, problem in self.problems.items()}
        named = tuple(
            phrase("named_problem", name=name, problem=problem)
            for name, problem in self.problems.items()
        )
        super().__init__("invalid_settings", problems=Joined(named))


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
    # All levels' rates on one line together, in %: a typo in one rate cannot pay the goods away.
    max_total_rate: Decimal = Decimal("40")
    # Grade upgrade criteria on team sales: opt-in, because pay computed from a downline's sales
    # (团队计酬) is one of the behaviours 禁止传销条例 art. 7(3) names.
    grade_team_sales_rules: bool = False
    tax_in_base: bool = False
    # Goods paid with a gift card staff or an app issued (not one a customer bought) earn too.
    promotional_gift_cards_earn: bool = False
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
    # Applicants' ID documents are deleted this many days after the application is decided:
    # kept only while a dispute about the decision is plausible (PIPL: no longer than needed).
    document_retention_days: int = DEFAULT_DOCUMENT_RETENTION_DAYS
    # 0: confirmed when Saleor reports the order fulfilled; N: N days later (automatic receipt
    # confirmation, as marketplaces do when the buyer does not confirm delivery).
    confirm_days_after_fulfilment: int = DEFAULT_CONFIRM_DAYS_AFTER_FULFILMENT
    # None: off. N: confirmed N days after the order first earned when Saleor has recorded no
    # fulfilment by then, for shops that ship without recording it in Saleor.
    confirm_days_after_payment: int | None = None
    # T+N: business days in the shop's time zone between confirmation and available money.
    settlement_days: int = 3
    settlement_holidays: frozenset[date] = frozenset()
    # Weekend days worked in exchange for a longer public holiday (China's 调休).
    settlement_workdays: frozenset[date] = frozenset()
    # Per currency; a currency without an entry cannot be paid out. A plain number: every one.
    payout_min_amount: CurrencyAmounts = DEFAULT_PAYOUT_MINIMUM
    # Off by default: money in the hold may still be refunded, and paid out early it can only be
    # clawed back from later commission.
    early_withdrawal: bool = False
    early_withdrawal_fee_rate: Decimal = Decimal("0.5")
    # Per currency; None: a single approval always suffices. A currency without an entry needs
    # two approvers for every payout.
    second_approval_above: CurrencyAmounts | None = DEFAULT_SECOND_APPROVAL_ABOVE
    tax_policy: TaxPolicy = TaxPolicy.LABOUR_REMUNERATION
    tax_flat_rate: Decimal = Decimal("20")
    tax_period: TaxPeriod = TaxPeriod.MONTHLY
    # 锁粉 (domain/binding.py): the mode, the protection period (保护期) in which another
    # distributor's code does not take a bound customer, new customers only, renewal on repeat.
    customer_binding_mode: BindingMode = BindingMode.DAYS
    customer_binding_protection_days: int = 0
    customer_binding_new_customers_only: bool = False
    customer_binding_renew_on_repeat: bool = False
    # A distributor's exclusive voucher is harder to forge than checkout metadata: it wins over
    # a referral code naming someone else unless this is off.
    voucher_beats_referral_code: bool = True
    # Fraud review (domain/fraud.py). Off by default: a shop whose customers share addresses
    # (a campus, an office) would see ordinary orders held.
    fraud_review: bool = False
    fraud_hold_score: int = 50
    fraud_window_days: int = 7
    fraud_repeat_orders: int = 3
    fraud_new_distributor_days: int = 30
    fraud_conversion_factor: Decimal = Decimal("5")
    # 团队拼团奖励 (domain/group.py): the checkout metadata key of a group's code, how many
    # distinct customers complete a group, the seller's extra rate in % on it, and its window.
    group_metadata_key: str = "group_code"
    group_size: int = 5
    group_bonus_rate: Decimal = Decimal("5")
    group_window_days: int = 3
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def level_rate(self, level: int) -> Decimal:
        """Rates of the uplines; the seller's rate comes from `SellerRateBook`."""
        if level == 2:
            return self.level2_rate
        if level == 3:
            return self.level3_rate
        raise DomainError("no_upline_rate", level=level)

    def upline_rates(self) -> dict[int, Decimal]:
        """The rates of the levels above the seller that the programme pays."""
        return {level: self.level_rate(level) for level in range(2, self.commission_levels + 1)}

    def seller_rate_over_cap(self, seller: RateSource) -> Phrase | None:
        """Why a seller rate (a grade's, a rule's) with the upline rates breaks the combined cap;
        None when it fits."""
        return over_cap_message(seller, self.upline_rates(), self.max_total_rate)

    def payout_minimum(self, currency: str) -> Decimal | None:
        """The smallest payout in `currency`; None: that currency cannot be paid out."""
        return self.payout_min_amount.for_currency(currency)

    def second_approval_threshold(self, currency: str) -> Decimal | None:
        """A payout above this needs a second approver. None: never (the setting is empty);
        a currency the setting does not list gets 0, so every payout in it needs two."""
        if self.second_approval_above is None:
            return None
        threshold = self.second_approval_above.for_currency(currency)
        return Decimal(0) if threshold is None else threshold

    def needs_second_approval(self, currency: str, amount: Decimal) -> bool:
        threshold = self.second_approval_threshold(currency)
        return threshold is not None and amount > threshold

    @classmethod
    def from_mapping(
        cls, values: Mapping[str, object], *, rate_cap: RateCapCheck | None = None
    ) -> ProgramSettings:
        """Build from Saleor's `{name: value}` configuration. Missing names take the defaults;
        every invalid one is reported at once, so the merchant fixes them in one go.

        The combined rate cap is checked only when the merchant saves (`rate_cap`): a
        configuration saved before the cap existed keeps running, and each order's plan is
        capped instead (`domain.commission.plan_commissions`)."""
        errors: dict[str, Phrase] = {}
        parsed: dict[str, object] = {}

        def take(name: str, parse) -> None:  # type: ignore[no-untyped-def]
            if name not in values or values[name] is None or values[name] == "":
                return
            try:
                parsed[name] = parse(values[name])
            except DomainError as error:
                errors[name] = error.phrase

        take("referral_metadata_key", parse_metadata_key)
        take("commission_trigger", lambda value: parse_choice(value, CommissionTrigger))
        for rate_name in ("default_seller_rate", "level2_rate", "level3_rate"):
            take(rate_name, lambda value, name=rate_name: parse_rate(value, field=name))
        take("commission_levels", parse_levels)
        take("max_total_rate", parse_total_rate)
        take("grade_team_sales_rules", parse_bool)
        for flag in ("tax_in_base", "self_purchase_commission", "customer_binding"):
            take(flag, parse_bool)
        take("promotional_gift_cards_earn", parse_bool)
        take("customer_binding_days", parse_days)
        take("attribution_window_days", parse_days)
        take("storefront_url", parse_storefront_url)
        take("redirect_allowed_hosts", parse_hosts)
        take("referral_query_param", parse_query_param)
        for flag in ("auto_approve_applications", "require_documents"):
            take(flag, parse_bool)
        take("document_retention_days", parse_retention_days)
        take("confirm_days_after_fulfilment", parse_confirm_days)
        take("confirm_days_after_payment", parse_confirm_days_after_payment)
        take("settlement_days", parse_settlement_days)
        take("settlement_holidays", parse_dates)
        take("settlement_workdays", parse_workdays)
        take(
            "payout_min_amount",
            lambda value: CurrencyAmounts.parse(value, phrase("label_minimum_payout")),
        )
        take("early_withdrawal", parse_bool)
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
                lambda value: CurrencyAmounts.parse(
                    value, phrase("label_second_approval_threshold")
                ),
            )
        take("tax_policy", lambda value: parse_choice(value, TaxPolicy))
        take("tax_flat_rate", lambda value: parse_rate(value, field="tax_flat_rate"))
        take("tax_period", lambda value: parse_choice(value, TaxPeriod))
        # Imported here: rule_settings reads this module's parsers.
        from .rule_settings import take_rule_settings

        take_rule_settings(take)
        check_holidays_are_not_workdays(parsed, errors)
        check_payment_confirmation_comes_after_receipt(parsed, errors)
        if rate_cap is not None and not any(name in errors for name in RATE_CAP_FIELDS):
            # Only the rates: the sum needs them valid, and every other error is already known.
            rates = cls(**{k: v for k, v in parsed.items() if k in RATE_CAP_FIELDS})  # type: ignore[arg-type]
            errors.update(rate_cap.errors_for(rates))
        if errors:
            raise InvalidProgramSettings(errors)
        return cls._build(parsed)

    @classmethod
    def _build(cls, parsed: Mapping[str, object]) -> ProgramSettings:
        settings = cls(**parsed)  # type: ignore[arg-type]
        warnings = []
        if settings.commission_levels == MAX_COMMISSION_LEVELS:
            warnings.append(WECHAT_LEVEL_WARNING)
        warnings += _second_approval_gaps(settings)
        object.__setattr__(settings, "warnings", tuple(warnings))
        return settings


def _second_approval_gaps(settings: ProgramSettings) -> list[str]:
    """Currencies that can be paid out but have no second-approval threshold: every payout in
    them needs two approvers, which the merchant may not expect."""
    if settings.second_approval_above is None:
        return []
    return [
        f"second_approval_above has no {code} entry: every {code} payout needs two approvers"
        for code in settings.payout_min_amount.missing_from(settings.second_approval_above)
    ]
