"""The domain's refusals (domain/messages.py): every one raised has a code in the table, and the
Django layer renders each in Simplified Chinese. The catalogue's completeness is
tests/test_translations.py's (it reads the table's N_ entries too)."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

from saleor_wfx_plugin.domain.messages import MESSAGES, DomainError, Joined, phrase
from saleor_wfx_plugin.domain.settings import InvalidProgramSettings, ProgramSettings
from saleor_wfx_plugin.domain_messages import translated, translated_settings_errors

PACKAGE = Path(__file__).resolve().parents[1] / "saleor_wfx_plugin"
DOMAIN = PACKAGE / "domain"
# The domain's refusals: DomainError and its subclasses; they all take the code first.
REFUSALS = {
    "DomainError",
    "InvalidRate",
    "InvalidGrowthRules",
    "IllegalLevel",
    "CurrencyMismatch",
    "phrase",
}


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            yield node


def _codes_named(node: ast.Call) -> set[str]:
    """The code a call names: a literal, or every code an f-string's fixed parts can make."""
    [argument, *_] = node.args
    if isinstance(argument, ast.Constant):
        return {argument.value}
    assert isinstance(argument, ast.JoinedStr), ast.unparse(node)
    pattern = "".join(
        part.value if isinstance(part, ast.Constant) else "*" for part in argument.values
    )
    prefix, _, suffix = pattern.partition("*")
    found = {code for code in MESSAGES if code.startswith(prefix) and code.endswith(suffix)}
    assert found, f"{ast.unparse(node)} can name no code of MESSAGES"
    return found


def test_every_refusal_of_the_domain_names_a_code_of_the_table():
    named: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in _calls(path):
            if node.func.id in REFUSALS and node.args:
                named |= _codes_named(node)
    missing = named - set(MESSAGES)
    assert not missing, missing
    # Not vacuous: the scan sees the raise sites of every domain module that refuses input.
    assert {"not_a_date", "rate_out_of_range", "bracket_pays_less", "rate_above_cap"} <= named
    assert len(named) > 60


def test_the_domain_raises_no_bare_value_error():
    bare = [
        f"{path.name}:{node.lineno}"
        for path in sorted(DOMAIN.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and isinstance(node.exc.func, ast.Name)
        and node.exc.func.id == "ValueError"
    ]
    assert bare == []


def test_an_unknown_code_is_a_bug_caught_at_once():
    with pytest.raises(KeyError):
        DomainError("no_such_code")


def test_a_domain_error_is_a_value_error_with_its_code_params_and_english_message():
    error = DomainError("days_out_of_range", days=95, low=1, high=90)
    assert isinstance(error, ValueError)
    assert (error.code, dict(error.params)) == (
        "days_out_of_range",
        {"days": 95, "low": 1, "high": 90},
    )
    assert str(error) == "95 days is outside 1-90"
    with translation.override("zh-hans"):
        assert translated(error) == "95 天不在 1-90 范围内"
    with translation.override("en"):
        assert translated(error) == "95 days is outside 1-90"


def test_labels_and_lists_inside_a_message_are_translated_too():
    listed = Joined(
        (phrase("currency_listed_twice", code="CNY"), phrase("not_a_number", value="x"))
    )
    error = DomainError("invalid_amounts", problems=listed)
    assert str(error) == "CNY is listed twice; 'x' is not a number"
    with translation.override("zh-hans"):
        assert translated(error) == "CNY 出现了两次; 'x' 不是数字"


def _settings_errors(values):
    with pytest.raises(InvalidProgramSettings) as refused:
        ProgramSettings.from_mapping(values)
    return refused.value


def test_a_bad_holiday_date_and_weekday_workdays_are_explained_in_chinese():
    error = _settings_errors(
        {
            "settlement_holidays": "2026-10-01, 2026-13-01",
            "settlement_workdays": "2026-10-10 2026-10-12",
            "payout_min_amount": "CNY:-5",
        }
    )
    assert error.errors == {
        "settlement_holidays": "'2026-13-01' is not a date written YYYY-MM-DD",
        "settlement_workdays": "2026-10-12 (Monday): list only the Saturdays and Sundays that "
        "are worked; weekdays are business days anyway",
        "payout_min_amount": "the minimum payout in CNY cannot be negative (-5)",
    }
    assert str(error).startswith("settlement_holidays: '2026-13-01' is not a date")
    with translation.override("zh-hans"):
        assert translated_settings_errors(error) == {
            "settlement_holidays": "'2026-13-01' 不是 YYYY-MM-DD 格式的日期",
            "settlement_workdays": "2026-10-12（星期一）：只需列出需要上班的周六和周日；"
            "周一至周五本来就是工作日",
            "payout_min_amount": "CNY 的最低提现金额不能为负数（-5）",
        }


def test_every_entry_renders_in_chinese_with_its_placeholders_filled():
    class Anything(dict):
        def __missing__(self, key):
            return "1"

    with translation.override("zh-hans"):
        for code, message in MESSAGES.items():
            chinese = translation.gettext(message)
            assert chinese != message or message == "%(problems)s", code
            chinese % Anything()  # a placeholder typo in the catalogue fails here


def test_a_phrase_equals_its_english_text_and_not_another():
    assert phrase("label_grade", name="Gold") == "grade Gold"
    assert phrase("label_grade", name="Gold") == phrase("label_grade", name="Gold")
    assert phrase("label_grade", name="Gold") != "grade Silver"
