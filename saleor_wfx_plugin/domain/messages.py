"""The domain's refusals as a stable code with parameters, so that the API can answer in the
client's language although this layer has no Django and no gettext.

`MESSAGES` is the one table of code → English message with %(name)s placeholders. Each entry is
wrapped in `N_`, a marker that does nothing here: scripts/messages.sh extracts it into the
zh-Hans catalogue, and `saleor_wfx_plugin.domain_messages` translates the entry by code. A
parameter may itself be a `Phrase` (a label such as "the minimum payout") or a `Joined` list of
them, translated the same way, so that no English fragment is left inside a Chinese sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


def N_(message: str) -> str:
    return message


MESSAGES: dict[str, str] = {
    # calendar.py
    "naive_start": N_("start must be an aware datetime: a naive one has no time zone"),
    "negative_business_days": N_(
        "cannot count %(days)s business days: the count must be at least 0"
    ),
    "date_range_too_long": N_("%(token)r is not a range of 1-%(max_days)s days (first..last)"),
    "not_a_date": N_("%(text)r is not a date written YYYY-MM-DD"),
    "weekday_listed_as_workday": N_(
        "%(listed)s: list only the Saturdays and Sundays that are worked; weekdays are "
        "business days anyway"
    ),
    "dated_weekday": N_("%(day)s (%(weekday)s)"),
    "weekday_0": N_("Monday"),
    "weekday_1": N_("Tuesday"),
    "weekday_2": N_("Wednesday"),
    "weekday_3": N_("Thursday"),
    "weekday_4": N_("Friday"),
    "weekday_5": N_("Saturday"),
    "weekday_6": N_("Sunday"),
    # currency_amounts.py
    "amount_not_text": N_("give %(what)s as text or a whole number, not %(value)r"),
    "not_code_amount": N_("%(item)r is not CODE:amount (e.g. CNY:10)"),
    "currency_listed_twice": N_("%(code)s is listed twice"),
    "invalid_amounts": N_("%(problems)s"),
    "not_an_amount": N_("%(value)r is not an amount"),
    "negative_amount": N_("%(what)s cannot be negative (%(amount)s)"),
    "currency_common_mistake": N_("%(code)s is not an ISO 4217 code: write %(iso)s"),
    "not_iso_currency": N_("%(code)s is not an ISO 4217 currency code"),
    "too_many_decimals": N_(
        "%(code)s amounts have at most %(digits)s decimals (%(code)s:%(text)s)"
    ),
    "label_in_currency": N_("%(what)s in %(currency)s"),
    "label_minimum_payout": N_("the minimum payout"),
    "label_second_approval_threshold": N_("the second approval threshold"),
    # chain.py
    "illegal_level": N_(
        "commission level %(level)s is not allowed: at most %(max_levels)s levels including "
        "the seller"
    ),
    "chain_skips_upline": N_("a chain cannot skip the upline and pay the level above it"),
    "chain_needs_seller": N_("a referral chain needs a seller"),
    # tax.py
    "flat_tax_rate_out_of_range": N_("a flat tax rate of %(rate)s%% is outside 0-100%%"),
    "payout_not_minor_units": N_(
        "a payout of %(gross)s %(currency)s is not a whole number of minor units"
    ),
    "tax_amount_invalid": N_("%(name)s must be a finite amount of at least 0, got %(amount)s"),
    # rates.py
    "rate_not_text": N_("%(field)s: give the percentage as text or a whole number, not %(value)r"),
    "rate_not_a_number": N_("%(field)s: %(value)r is not a number"),
    "rate_out_of_range": N_("%(field)s: %(rate)s%% is outside 0-100%%"),
    # settings.py and setting_parsers.py
    "invalid_settings": N_("%(problems)s"),
    "named_problem": N_("%(name)s: %(problem)s"),
    "no_upline_rate": N_("level %(level)s has no upline rate"),
    "metadata_key_length": N_("the metadata key must be 1-100 characters"),
    "storefront_url_not_absolute": N_("the storefront URL must be an absolute http(s) URL"),
    "storefront_url_extras": N_(
        "the storefront URL must not carry a query, fragment or credentials"
    ),
    "not_a_host": N_("%(host)r is not a host name (no scheme, path or port)"),
    "query_param_invalid": N_("the query parameter must be 1-40 letters, digits, '_' or '-'"),
    "days_out_of_range": N_("%(days)s days is outside %(low)s-%(high)s"),
    "business_days_out_of_range": N_("%(days)s business days is outside 0-%(high)s"),
    "total_rate_decimals": N_("max_total_rate has at most two decimals"),
    "not_one_of": N_("%(value)r is not one of: %(allowed)s"),
    "levels_not_allowed": N_(
        "%(levels)s levels is not allowed: commission may flow through at most %(max_levels)s "
        "levels including the seller (禁止传销条例)"
    ),
    "not_whole_number": N_("%(value)r is not a whole number"),
    "not_true_or_false": N_("%(value)r is not true or false"),
    "payment_confirmation_too_early": N_(
        "%(after_payment)s days after payment would confirm an order Saleor never saw shipped "
        "before one it did (confirm_days_after_fulfilment is %(after_fulfilment)s); use "
        "%(after_fulfilment)s or more"
    ),
    "holiday_and_workday": N_("%(listed)s cannot be both a holiday and a working day"),
    # rule_settings.py
    "customers_out_of_range": N_("%(size)s customers is outside 2-1000"),
    "score_out_of_range": N_("%(score)s is outside 1-1000"),
    "orders_out_of_range": N_("%(orders)s orders is outside 2-1000"),
    "not_a_number": N_("%(value)r is not a number"),
    "factor_out_of_range": N_("%(value)r is outside 1-1000 (more than 1)"),
    # rate_cap.py
    "rate_above_cap": N_(
        "%(parts)s = %(total)s%% of a line, above max_total_rate %(cap)s%%: all levels together "
        "may pay at most that, which leaves level 1 at most %(room)s%% (check for a typo such "
        "as 50 for 5)"
    ),
    "cap_part_seller": N_("level 1 up to %(rate)s%% (%(label)s)"),
    "cap_part_level": N_("level %(level)s %(rate)s%%"),
    "label_default_seller_rate": N_("the default seller rate"),
    "label_grade": N_("grade %(name)s"),
    "label_this_product_rule": N_("this product rule"),
    "label_this_category_rule": N_("this category rule"),
    "label_product_rule": N_("product rule %(id)s"),
    "label_category_rule": N_("category rule %(id)s"),
    "label_ladder_bracket": N_("a ladder bracket"),
    # money.py
    "money_currency_invalid": N_("not an ISO 4217 currency code: %(currency)r"),
    "currencies_differ": N_("%(first)s and %(second)s cannot be combined"),
    "allocation_without_weights": N_("cannot allocate a non-zero amount over no weights"),
    "negative_weights": N_("allocation weights must not be negative"),
    # growth.py
    "bracket_from_zero": N_("A bracket starts above 0 sales."),
    "growth_rate_out_of_range": N_("%(rate)s%% is outside 0-100%%."),
    "bracket_pays_less": N_(
        "The bracket from %(min_sales)s must pay more than %(rate)s%% (the one below it)."
    ),
    "brackets_same_start": N_("Two brackets start at the same sales."),
    "team_bonus_incomplete": N_("The team bonus needs both a threshold and an extra rate."),
    "team_threshold_not_positive": N_("The team threshold must be above 0."),
    "per_order_not_positive": N_("The per-order amount must be above 0."),
    "cap_needs_per_order": N_("A monthly cap needs a per-order amount."),
    "growth_too_many_decimals": N_("Too many decimals for %(currency)s."),
    # links.py
    "link_storefront_url_invalid": N_("%(url)r is not an absolute http(s) URL"),
    # commission.py
    "commission_rate_out_of_range": N_("rate %(rate)s%% is outside 0-100%%"),
    "scaling_needs_currency": N_("scaling bases to the money received needs the order's currency"),
}

Translate = Callable[[str], str]


def _as_is(message: str) -> str:
    return message


@dataclass(frozen=True, slots=True, eq=False)
class Phrase:
    """A message of `MESSAGES` with its parameters, rendered in English or, given gettext, in
    the client's language. Equal to its English text, so a label that was a plain string
    ("grade Gold") still compares as one."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            raise KeyError(f"no message has the code {self.code!r}")

    def render(self, translate: Translate = _as_is) -> str:
        values = {name: _render(value, translate) for name, value in self.params.items()}
        return translate(MESSAGES[self.code]) % values

    def __str__(self) -> str:
        return self.render()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Phrase | str):
            return self.render() == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.render())


@dataclass(frozen=True, slots=True)
class Joined:
    """Several values in one parameter ("CNY is listed twice; 'x' is not CODE:amount")."""

    items: tuple[object, ...]
    separator: str = "; "


def _render(value: object, translate: Translate) -> object:
    if isinstance(value, Phrase):
        return value.render(translate)
    if isinstance(value, Joined):
        return value.separator.join(str(_render(item, translate)) for item in value.items)
    return value


def phrase(code: str, /, **params: object) -> Phrase:
    return Phrase(code, params)


class DomainError(ValueError):
    """A refusal of the domain: `code` (a key of `MESSAGES`), `params`, and the English message
    as `str(error)`. A ValueError, so callers catching that keep working."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.phrase = Phrase(code, params)
        super().__init__(self.phrase.render())

    @property
    def code(self) -> str:
        return self.phrase.code

    @property
    def params(self) -> Mapping[str, object]:
        return self.phrase.params
