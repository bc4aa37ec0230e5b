"""Staff configuration of the programme's grades and rate overrides.

Grades and rules change rates of *future* orders only: an order's rates are frozen on it when it
first earns, so editing a grade never rewrites a commission already earned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..domain.messages import Phrase, phrase
from ..domain.rate_cap import RateSource
from ..domain.rates import InvalidRate, parse_rate
from ..domain.settings import ProgramSettings
from ..domain_messages import translated
from ..errors import ProgrammeConfigError
from ..lock_objects import lock_commission_rule, lock_grade
from ..models import CommissionRule, Distributor, Grade

_UNSET = object()


def _rate(value: Any, field: str, *, required: bool) -> Decimal | None:
    if value is None:
        if required:
            raise ProgrammeConfigError(_("A rate is required."), code="required", field=field)
        return None
    try:
        rate = parse_rate(value, field=field)
    except InvalidRate as error:
        # Says what a rate looks like, which the domain's message (about the one value) does not.
        raise ProgrammeConfigError(
            _('%(value)r is not a rate: give a percentage from 0 to 100, e.g. "10" or "2.5".')
            % {"value": value},
            code="invalid",
            field=field,
            detail_code=error.code,
        ) from None
    if rate != rate.quantize(Decimal("0.01")):
        raise ProgrammeConfigError(
            _("A rate has at most two decimals."), code="invalid", field=field
        )
    return rate


def _shop_programme() -> ProgramSettings | None:
    from ..shop import get_shop

    return get_shop().program_settings()


def _check_rate_cap(
    rate: Decimal | None, what: Phrase, program: ProgramSettings | object | None = _UNSET
) -> None:
    """A grade's or rule's seller rate must leave the upline rates room under the combined cap.
    While the programme is off its stored settings are not read here (the defaults apply); the
    cap is checked again against the grades and rules when the programme is switched on (the
    plugin's save)."""
    if rate is None:
        return
    if program is _UNSET:
        program = _shop_programme()
    program = program if isinstance(program, ProgramSettings) else ProgramSettings()
    problem = program.seller_rate_over_cap(RateSource(rate, what))
    if problem is not None:
        raise ProgrammeConfigError(
            translated(problem),
            code="rate_above_cap",
            field="sellerRate",
            detail_code=problem.code,
        )


def _amount(value: Any, field: str) -> Decimal | None:
    if value is None:
        return None
    amount = Decimal(str(value))
    if not amount.is_finite() or amount <= 0:
        raise ProgrammeConfigError(
            _("A threshold is a positive amount."), code="invalid", field=field
        )
    return amount


def _apply_grade_input(
    grade: Grade, data: Mapping[str, Any], program: ProgramSettings | object | None
) -> None:
    if program is _UNSET:
        program = _shop_programme()
    assert program is None or isinstance(program, ProgramSettings)
    saved_team_sales = grade.upgrade_min_team_sales
    if "name" in data:
        name = (data["name"] or "").strip()
        if not name:
            raise ProgrammeConfigError(_("A grade needs a name."), code="required", field="name")
        grade.name = name[:100]
    if "slug" in data or not grade.slug:
        slug = slugify(data.get("slug") or grade.name, allow_unicode=False)
        if not slug:
            raise ProgrammeConfigError(
                _("Give the grade a slug of latin letters, digits or '-'."),
                code="required",
                field="slug",
            )
        grade.slug = slug[:50]
    if "seller_rate" in data:
        grade.seller_rate = _rate(data["seller_rate"], "sellerRate", required=False)
        _check_rate_cap(grade.seller_rate, phrase("label_grade", name=grade.name), program)
    if "rank" in data and data["rank"] is not None:
        if data["rank"] < 0:
            raise ProgrammeConfigError(_("Rank is 0 or more."), code="invalid", field="rank")
        grade.rank = data["rank"]
    for key, field in (
        ("upgrade_min_sales", "upgradeMinSales"),
        ("upgrade_min_team_sales", "upgradeMinTeamSales"),
    ):
        if key in data:
            setattr(grade, key, _amount(data[key], field))
    _check_team_sales_rules_allowed(grade, saved_team_sales, program)
    if "upgrade_min_orders" in data:
        orders = data["upgrade_min_orders"]
        if orders is not None and orders < 1:
            raise ProgrammeConfigError(
                _("A minimum order count is 1 or more."), code="invalid", field="upgradeMinOrders"
            )
        grade.upgrade_min_orders = orders
    if "upgrade_currency" in data:
        grade.upgrade_currency = (data["upgrade_currency"] or "").strip().upper()
    if grade.upgrade_currency and not re.fullmatch("[A-Z]{3}", grade.upgrade_currency):
        raise ProgrammeConfigError(
            _("Unknown currency %(upgrade_currency)r.")
            % {"upgrade_currency": grade.upgrade_currency},
            code="invalid",
            field="upgradeCurrency",
        )
    has_threshold = grade.upgrade_min_sales is not None or grade.upgrade_min_team_sales is not None
    if has_threshold and not grade.upgrade_currency:
        raise ProgrammeConfigError(
            _("A sales threshold needs its currency."), code="required", field="upgradeCurrency"
        )


def _check_team_sales_rules_allowed(
    grade: Grade, saved: Decimal | None, program: ProgramSettings | None
) -> None:
    """A team-sales criterion is saved only while the merchant has opted in. Only setting a new
    one is refused: an edit that keeps an earlier criterion as it is (a dashboard sends the
    whole form back), or clears it, goes through, so a grade saved before the setting existed
    can still be renamed or have its criterion removed (the monthly run does not apply it)."""
    wanted = grade.upgrade_min_team_sales
    if wanted is None or wanted == saved:
        return
    if program is not None and program.grade_team_sales_rules:
        return
    raise ProgrammeConfigError(
        _(
            "Grade criteria on team sales are switched off. Pay computed from a downline's "
            "sales (团队计酬) is a pyramid-selling behaviour under 禁止传销条例 art. 7(3); if your "
            "programme may use it, switch on grade_team_sales_rules in the plugin's "
            "settings first."
        ),
        code="team_sales_rules_off",
        field="upgradeMinTeamSales",
    )


def _save_grade(grade: Grade) -> Grade:
    try:
        with transaction.atomic():
            grade.save()
    except IntegrityError:
        raise ProgrammeConfigError(
            _("A grade with slug %(slug)r exists.") % {"slug": grade.slug},
            code="unique",
            field="slug",
        ) from None
    return grade


def create_grade(
    data: Mapping[str, Any], *, program: ProgramSettings | object | None = _UNSET
) -> Grade:
    """`program`: the programme's settings, None while it is switched off (then no team-sales
    criterion can be set); by default the shop's settings now."""
    grade = Grade()
    _apply_grade_input(grade, data, program)
    return _save_grade(grade)


@transaction.atomic
def update_grade(
    grade: Grade, data: Mapping[str, Any], *, program: ProgramSettings | object | None = _UNSET
) -> Grade:
    """`program` as for `create_grade`."""
    grade = lock_grade(grade.pk)
    _apply_grade_input(grade, data, program)
    return _save_grade(grade)


@transaction.atomic
def delete_grade(grade: Grade) -> None:
    grade = lock_grade(grade.pk)
    in_use = Distributor.objects.filter(grade=grade).count()
    if in_use:
        raise ProgrammeConfigError(
            _("%(in_use)s distributor(s) hold this grade; move them to another grade first.")
            % {"in_use": in_use},
            code="grade_in_use",
            field="id",
        )
    grade.delete()


def create_rule(*, scope: str, saleor_id: str, seller_rate: Any, note: str = "") -> CommissionRule:
    rule = CommissionRule(
        scope=scope,
        saleor_id=saleor_id,
        seller_rate=_rate(seller_rate, "sellerRate", required=True),
        note=(note or "")[:255],
    )
    _check_rate_cap(rule.seller_rate, phrase(f"label_this_{scope}_rule"))
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise ProgrammeConfigError(
            _("That %(scope)s already has a rule; update it instead.") % {"scope": scope},
            code="unique",
            field="target",
        ) from None
    return rule


@transaction.atomic
def update_rule(
    rule: CommissionRule, *, seller_rate: Any = _UNSET, note: Any = _UNSET
) -> CommissionRule:
    rule = lock_commission_rule(rule.pk)
    if seller_rate is not _UNSET:
        rule.seller_rate = _rate(seller_rate, "sellerRate", required=True)
        _check_rate_cap(rule.seller_rate, phrase(f"label_this_{rule.scope}_rule"))
    if note is not _UNSET:
        rule.note = (note or "")[:255]
    rule.save()
    return rule


@transaction.atomic
def delete_rule(rule: CommissionRule) -> None:
    """Orders already paid keep the rate frozen on them; later orders fall back to the category,
    grade or default rate."""
    lock_commission_rule(rule.pk).delete()
