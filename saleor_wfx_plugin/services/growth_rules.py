"""Staff configure the growth rules of a currency: the ladder (replaced whole, as the merchant
edits it as one table) and the bonuses. Refused with the field named when unusable, and a
ladder rate that with the upline rates would break the combined cap is refused here already,
although the close would cut every line down to the cap anyway."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..domain.growth import GrowthRules, InvalidGrowthRules, LadderBracket
from ..domain.messages import phrase
from ..domain.rate_cap import RateSource
from ..domain.settings import ProgramSettings
from ..domain_messages import refusal, translated
from ..errors import ProgrammeConfigError
from ..models import BonusRules
from ..models import LadderBracket as LadderBracketRow
from ..selectors.growth import growth_rules

CURRENCY_CODE = re.compile(r"[A-Z]{3}")
BONUS_FIELDS = (
    "team_threshold",
    "team_extra_rate",
    "same_grade_share",
    "per_order_amount",
    "per_order_monthly_cap",
)


def _currency(value: str) -> str:
    currency = (value or "").strip().upper()
    if not CURRENCY_CODE.fullmatch(currency):
        raise ProgrammeConfigError(
            _("A currency is a 3-letter ISO 4217 code such as CNY."),
            code="invalid",
            field="currency",
        )
    return currency


def _api_field(name: str) -> str:
    """The field as the API spells it: team_extra_rate → teamExtraRate."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _decimal(value: Any, field: str) -> Decimal | None:
    field = _api_field(field)
    if value is None or value == "":
        return None
    if isinstance(value, float | bool):
        raise ProgrammeConfigError(_("Give the number as text."), code="invalid", field=field)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ProgrammeConfigError(
            _("%(value)r is not a number.") % {"value": value}, code="invalid", field=field
        ) from None
    if not number.is_finite():
        raise ProgrammeConfigError(
            _("%(value)r is not a number.") % {"value": value}, code="invalid", field=field
        )
    return number


def check_rules(rules: GrowthRules, program: ProgramSettings) -> GrowthRules:
    try:
        rules.validate()
    except InvalidGrowthRules as error:
        raise refusal(error, field=_api_field(error.field)) from None
    for bracket in rules.ladder:
        problem = program.seller_rate_over_cap(
            RateSource(bracket.rate, phrase("label_ladder_bracket"))
        )
        if problem is not None:
            raise ProgrammeConfigError(
                translated(problem),
                code="rate_above_cap",
                field="ladder",
                detail_code=problem.code,
            )
    return rules


def draft_rules(
    currency: str, *, ladder: Sequence[tuple[Any, Any]] | None, bonuses: dict[str, Any]
) -> GrowthRules:
    """Rules from staff input, checked (the simulator runs drafts through this too)."""
    currency = _currency(currency)
    brackets = tuple(
        LadderBracket(
            _decimal(min_sales, "ladder") or Decimal(0), _decimal(rate, "ladder") or Decimal(0)
        )
        for min_sales, rate in (ladder or ())
    )
    values = {name: _decimal(bonuses.get(name), name) for name in BONUS_FIELDS}
    return GrowthRules(currency=currency, ladder=brackets, **values)


@transaction.atomic
def set_growth_rules(
    currency: str,
    *,
    ladder: Sequence[tuple[Any, Any]] | None = None,
    bonuses: dict[str, Any] | None = None,
    program: ProgramSettings | None = None,
) -> GrowthRules:
    """Save a currency's rules; `ladder` None keeps the ladder, `bonuses` None keeps the
    bonuses. Applies from the next close on: closed months stay as they were posted."""
    if program is None:
        from ..shop import get_shop

        program = get_shop().stored_program_settings()
    currency = _currency(currency)
    current = growth_rules().get(currency, GrowthRules(currency))
    kept_bonuses = {name: getattr(current, name) for name in BONUS_FIELDS}
    rules = draft_rules(
        currency,
        ladder=(
            [(b.min_sales, b.rate) for b in current.ladder] if ladder is None else list(ladder)
        ),
        bonuses=kept_bonuses if bonuses is None else {**kept_bonuses, **bonuses},
    )
    check_rules(rules, program)
    if ladder is not None:
        LadderBracketRow.objects.filter(currency=currency).delete()
        LadderBracketRow.objects.bulk_create(
            [
                LadderBracketRow(currency=currency, min_sales=b.min_sales, rate=b.rate)
                for b in rules.ladder
            ]
        )
    if bonuses is not None:
        BonusRules.objects.update_or_create(
            currency=currency, defaults={name: getattr(rules, name) for name in BONUS_FIELDS}
        )
    # As stored, so that what staff see after saving is what the next close will read.
    return growth_rules()[currency]
