"""Separation of duties inside a real Saleor: a payment app's own token (Saleor's AppToken with
HANDLE_PAYMENTS) and a cashier who is also a distributor, both signed in through Saleor, cannot
approve, adjust or download accounts (issue 9, security item 2)."""

import json
from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from . import require_saleor

require_saleor()

from saleor.account.tests.fixtures.user import dangerously_create_test_user  # noqa: E402
from saleor.app.models import AppToken  # noqa: E402

from saleor_wfx_plugin.domain.settings import ProgramSettings  # noqa: E402
from saleor_wfx_plugin.selectors.balances import balance  # noqa: E402
from saleor_wfx_plugin.services.distributors import create_distributor  # noqa: E402
from saleor_wfx_plugin.services.payouts import PayeeDetails, request_payout  # noqa: E402
from tests.services.helpers import staff_adjusts_balance  # noqa: E402

from .test_money_in_saleor import (  # noqa: E402, F401
    GRAPHQL_URL,
    PAYOUT_APPROVE,
    SignedIn,
    wfx_money,
    wfx_payouts,
)

ADJUST = """mutation($d: ID!) { balanceAdjust(distributor: $d, currency: "USD", amount: "20000",
  reason: "bonus") { errors { code } balance { available { amount } } } }"""
TRANSFERS = "{ payoutTransfersCsv { content } }"


@pytest.fixture
def cashier_who_sells(request, api_client, client, permission_manage_payments):
    """Finance staff with HANDLE_PAYMENTS, whose own Saleor account is distributor SEL111, with
    100 dollars and a request for 50."""
    request.getfixturevalue("wfx_payouts")  # the programme on, payouts configured
    cashier = dangerously_create_test_user("seller@example.com", "password", is_staff=True)
    cashier.user_permissions.add(permission_manage_payments)
    seller = create_distributor(code="SEL111", email=cashier.email, user_id=str(cashier.pk))
    staff_adjusts_balance(
        distributor_id=seller.pk, currency="USD", amount=Decimal(100), actor="user:0", reason="x"
    )
    payout = request_payout(
        seller,
        currency="USD",
        amount="50",
        payee=PayeeDetails("alipay", "Leslie Wade", "13812345678", ""),
        idempotency_key="k",
        actor=f"user:{cashier.pk}",
        program=ProgramSettings(),
    )
    return SignedIn(client, api_client, cashier), seller, payout


def test_a_payment_apps_token_approves_adjusts_and_downloads_nothing(
    client, app, permission_manage_payments, cashier_who_sells
):
    _, seller, payout = cashier_who_sells
    app.permissions.add(permission_manage_payments)
    _, raw_token = AppToken.objects.create(app=app, name="bank")

    def as_app(query, variables=None):
        response = client.post(
            GRAPHQL_URL,
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw_token}",
        )
        assert response.status_code == 200, response.content
        return response.json()

    approved = as_app(PAYOUT_APPROVE, {"id": to_global_id("Payout", payout.pk)})
    assert [e["code"] for e in approved["data"]["payoutApprove"]["errors"]] == ["STAFF_ONLY"]
    adjusted = as_app(ADJUST, {"d": to_global_id("Distributor", seller.pk)})
    assert adjusted["data"]["balanceAdjust"]["errors"] == [{"code": "STAFF_ONLY"}]
    downloaded = as_app(TRANSFERS)
    assert downloaded["data"]["payoutTransfersCsv"] is None
    assert downloaded["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    # 100 less the 50 reserved; nothing added, nothing approved.
    assert balance(seller, "USD").available == Decimal("50.00")
    payout.refresh_from_db()
    assert payout.status == "requested"


def test_a_cashier_cannot_approve_or_adjust_their_own_distributor_account(cashier_who_sells):
    cashier_api, seller, payout = cashier_who_sells
    approved = cashier_api(PAYOUT_APPROVE, {"id": to_global_id("Payout", payout.pk)})
    assert [e["code"] for e in approved["payoutApprove"]["errors"]] == ["OWN_DISTRIBUTOR"]
    adjusted = cashier_api(ADJUST, {"d": to_global_id("Distributor", seller.pk)})
    assert adjusted["balanceAdjust"]["errors"] == [{"code": "OWN_DISTRIBUTOR"}]
    assert balance(seller, "USD").available == Decimal("50.00")
