"""The sandbox's dashboard tokens: JWTs shaped like the "thirdparty" token Saleor's dashboard
hands an App, so the pages' AppBridge can read them; the API trusts only valid, unexpired ones."""

import base64
import json

import pytest

from saleor_wfx_plugin.sandbox.auth import issue_dashboard_token

from .conftest import GRAPHQL_URL, staff

pytestmark = pytest.mark.django_db

CASHIER = staff("HANDLE_PAYMENTS", user_id="901")
PAYOUTS = "{ payouts(first: 1) { totalCount } }"


def _claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_the_token_carries_what_app_sdk_decodes(settings):
    claims = _claims(issue_dashboard_token(CASHIER))
    assert claims["type"] == "thirdparty"
    assert claims["email"] == "staff901@example.com"
    assert claims["permissions"] == ["HANDLE_PAYMENTS"]
    assert claims["user_permissions"] == ["HANDLE_PAYMENTS"]
    assert claims["exp"] - claims["iat"] == 5 * 60  # like Saleor's JWT_TTL_APP_ACCESS


def test_a_valid_token_acts_with_its_permissions(api):
    body = api(PAYOUTS, token=issue_dashboard_token(CASHIER))
    assert body == {"data": {"payouts": {"totalCount": 0}}}
    refused = api(PAYOUTS, token=issue_dashboard_token(staff("MANAGE_USERS")))
    assert refused["data"]["payouts"] is None
    assert "HANDLE_PAYMENTS" in refused["errors"][0]["message"]


def test_an_expired_token_is_refused_with_401_not_treated_as_anonymous(api):
    response = api.raw(PAYOUTS, token=issue_dashboard_token(CASHIER, lifetime_seconds=-1))
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The token has expired."


def test_a_token_with_widened_permissions_is_refused(api, client):
    header, payload, signature = issue_dashboard_token(staff("MANAGE_USERS")).split(".")
    claims = _claims(f"{header}.{payload}.{signature}")
    claims["permissions"] = ["HANDLE_PAYMENTS"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = client.post(
        GRAPHQL_URL,
        data=json.dumps({"query": PAYOUTS}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {header}.{forged}.{signature}",
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "The token is invalid."
