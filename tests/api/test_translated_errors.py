"""The API answers in the client's language: Simplified Chinese for any `zh*` Accept-Language
(the dashboard pages send `zh-Hans` when the dashboard is in Chinese), English otherwise."""

from decimal import Decimal

import pytest

from saleor_wfx_plugin.sandbox.auth import issue_token
from tests.services.helpers import staff_adjusts_balance

from .conftest import GRAPHQL_URL, customer, staff

pytestmark = pytest.mark.django_db

D = customer("4", "d@example.com")
CASHIER = staff("HANDLE_PAYMENTS", user_id="901")

REQUEST = """mutation($input: PayoutRequestInput!) { payoutRequest(input: $input) {
  payout { id } errors { code } } }"""
APPROVE = """mutation($id: ID!) { payoutApprove(id: $id) { payout { status }
  errors { code message } } }"""


def large_payout(api, tree):
    staff_adjusts_balance(
        distributor_id=tree[3].pk,
        currency="CNY",
        amount=Decimal("9000"),
        reason="opening balance",
    )
    request = {
        "currency": "CNY",
        "amount": "6000",
        "method": "BANK",
        "payeeName": "王小明",
        "account": "6222 0212 3456 7890 123",
        "bank": "ICBC",
        "idNumber": "11010519491231002X",
        "idempotencyKey": "big-1",
    }
    return api.ok(REQUEST, {"input": request}, viewer=D)["payoutRequest"]["payout"]["id"]


def approve(api, payout_id, language=None):
    headers = {} if language is None else {"HTTP_ACCEPT_LANGUAGE": language}
    response = api.client.post(
        GRAPHQL_URL,
        data={"query": APPROVE, "variables": {"id": payout_id}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issue_token(CASHIER)}",
        **headers,
    )
    assert response.status_code == 200
    return response


def test_a_refused_second_approval_is_explained_in_chinese(api, tree):
    payout_id = large_payout(api, tree)
    first = approve(api, payout_id).json()["data"]["payoutApprove"]
    assert first["payout"]["status"] == "FIRST_APPROVED"

    refused = approve(api, payout_id, "zh-CN,zh;q=0.9,en;q=0.8")
    assert refused.json()["data"]["payoutApprove"]["errors"] == [
        {"code": "SAME_APPROVER", "message": "此笔提现须由另一位审批人（不同于第一位）再次批准。"}
    ]
    assert "Accept-Language" in refused["Vary"]

    in_english = approve(api, payout_id, "en-GB").json()["data"]["payoutApprove"]["errors"]
    assert in_english[0]["message"] == (
        "A second approver, different from the first, must approve this payout."
    )
    # A language without a catalogue gets English, and so does a client that names none.
    assert approve(api, payout_id, "fr-FR").json()["data"]["payoutApprove"]["errors"] == (
        in_english
    )
    assert approve(api, payout_id).json()["data"]["payoutApprove"]["errors"] == in_english


def test_permission_and_request_errors_follow_the_language_too(api, tree):
    body = api.client.post(
        GRAPHQL_URL,
        data={"query": "{ payouts(first: 1) { totalCount } }"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-Hans",
    ).json()
    assert body["errors"][0]["message"] == "您需要以下权限之一：HANDLE_PAYMENTS"
    bad = api.client.post(
        GRAPHQL_URL, data="{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-TW"
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["message"] == "`body` 不是有效的 JSON。"
