"""The programme's rules (domain/) refuse in the client's language too, with their stable code:
`code` as before, and the rule's own as `detailCode`. Simplified Chinese for `zh*`, English
otherwise."""

import pytest
from graphql_relay import to_global_id

from .conftest import customer, staff

pytestmark = pytest.mark.django_db

MANAGER = staff("MANAGE_PLUGINS", user_id="901")
D = customer("4", "d@example.com")
APPLICANT = customer("60", "new@example.com")

GRADE_UPDATE = """mutation($id: ID!) { gradeUpdate(id: $id, input: {sellerRate: "50"}) {
  grade { sellerRate } errors { field code detailCode message } } }"""
SAVE_RULES = """mutation($input: GrowthRulesInput!) { growthRulesUpdate(input: $input) {
  growthRules { currency } errors { field code detailCode message } } }"""
SIMULATE = """query($rate: Decimal) { growthSimulation(input: {firstMonth: "2026-01-01",
  lastMonth: "2026-01-31", level2Rate: $rate}) { cappedCount } }"""
APPLY = """mutation($phone: String!) { distributorApply(input: {phone: $phone}) {
  application { status } errors { field code detailCode message } } }"""
PAYOUT = """mutation { payoutRequest(input: {currency: "CNY", amount: "10", method: ALIPAY,
  payeeName: "王小明", account: "not-an-account", idNumber: "11010519491231002X",
  idempotencyKey: "alipay-1"}) { payout { id } errors { field code detailCode message } } }"""


def test_a_grade_rate_above_the_combined_cap_is_explained_in_chinese(api, gold):
    variables = {"id": to_global_id("Grade", gold.pk)}
    [chinese] = api(GRADE_UPDATE, variables, viewer=MANAGER, language="zh-Hans")["data"][
        "gradeUpdate"
    ]["errors"]
    # Gold at 50 % with the default uplines (5 % and 2 %) under the default 40 % cap leaves the
    # seller at most 33 %.
    assert chinese == {
        "field": "sellerRate",
        "code": "RATE_ABOVE_CAP",
        "detailCode": "RATE_ABOVE_CAP",
        "message": "第 1 级最高 50%（等级「Gold」） + 第 2 级 5% + 第 3 级 2% = 每行商品的 57%，"
        "超过 max_total_rate 40%：各级合计最多只能付这么多，因此第 1 级最多 33%"
        "（请检查是否把 5 误写成 50 之类）",
    }
    [english] = api(GRADE_UPDATE, variables, viewer=MANAGER, language="en")["data"]["gradeUpdate"][
        "errors"
    ]
    assert english["message"] == (
        "level 1 up to 50% (grade Gold) + level 2 5% + level 3 2% = 57% of a line, above "
        "max_total_rate 40%: all levels together may pay at most that, which leaves level 1 "
        "at most 33% (check for a typo such as 50 for 5)"
    )
    assert english["detailCode"] == "RATE_ABOVE_CAP"


def test_a_ladder_that_pays_less_higher_up_is_refused_in_chinese(api):
    ladder = [{"minSales": "10000", "rate": "20"}, {"minSales": "30000", "rate": "15"}]
    variables = {"input": {"currency": "CNY", "ladder": ladder}}
    [chinese] = api(SAVE_RULES, variables, viewer=MANAGER, language="zh-CN")["data"][
        "growthRulesUpdate"
    ]["errors"]
    assert chinese == {
        "field": "ladder",
        "code": "INVALID",
        "detailCode": "BRACKET_PAYS_LESS",
        "message": "从 30000 起的阶梯比例须高于下一档的 20%。",
    }
    [english] = api(SAVE_RULES, variables, viewer=MANAGER)["data"]["growthRulesUpdate"]["errors"]
    assert english["message"] == "The bracket from 30000 must pay more than 20% (the one below it)."


def test_a_draft_rate_outside_0_100_in_a_simulation_is_refused_in_chinese(api):
    body = api(SIMULATE, {"rate": "150"}, viewer=MANAGER, language="zh-Hans")
    assert body["data"]["growthSimulation"] is None
    [error] = body["errors"]
    assert error["message"] == "level2_rate：150% 不在 0-100% 范围内"
    assert error["extensions"]["exception"] == {
        "code": "INVALID",
        "detailCode": "RATE_OUT_OF_RANGE",
    }
    assert error["extensions"]["field"] == "level2_rate"
    in_english = api(SIMULATE, {"rate": "150"}, viewer=MANAGER, language="fr-FR")["errors"]
    assert in_english[0]["message"] == "level2_rate: 150% is outside 0-100%"


def test_a_phone_that_cannot_be_reached_is_refused_in_chinese_with_its_code(api):
    payload = api(APPLY, {"phone": "12345"}, viewer=APPLICANT, language="zh-Hans")["data"][
        "distributorApply"
    ]
    assert payload["application"] is None
    [error] = payload["errors"]
    assert (error["field"], error["code"]) == ("phone", "INVALID_PHONE")
    assert error["message"] == "请输入中国大陆手机号（11 位）或以 + 开头的国际号码。"
    english = api(APPLY, {"phone": "12345"}, viewer=APPLICANT)["data"]["distributorApply"]
    assert english["errors"][0]["message"] == (
        "Enter a mainland mobile number (11 digits) or an international number starting with +."
    )


def test_an_alipay_account_that_is_neither_a_phone_nor_an_email_is_refused_in_chinese(api, tree):
    [error] = api(PAYOUT, viewer=D, language="zh-Hans")["data"]["payoutRequest"]["errors"]
    assert (error["field"], error["code"]) == ("account", "INVALID_PAYEE")
    assert error["message"] == (
        "支付宝账号应为中国大陆手机号（11 位，例如 13812345678）"
        "或电子邮箱（例如 name@example.com）。"
    )
    [english] = api(PAYOUT, viewer=D, language="en-US")["data"]["payoutRequest"]["errors"]
    assert english["message"] == (
        "An Alipay account is a mainland mobile number (11 digits, e.g. 13812345678) or an "
        "e-mail address such as name@example.com."
    )
