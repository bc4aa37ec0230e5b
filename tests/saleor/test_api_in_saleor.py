"""The distribution API inside a real Saleor: requests go through Saleor's own URL routing
(`/plugins/global/wfx.distribution/<path>` → `DistributionPlugin.webhook`), carrying tokens
Saleor itself issued (`tokenCreate`, app tokens), so shoppers, staff and apps reach the
programme exactly as they would in a shop."""

import io
import json
import struct
import zlib
from decimal import Decimal

import pytest
from graphql_relay import from_global_id

from . import require_saleor

require_saleor()

from saleor.account.tests.fixtures.user import dangerously_create_test_user  # noqa: E402
from saleor.app.models import AppToken  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402

from saleor_wfx_plugin.models import ApplicationDocument, Distributor  # noqa: E402
from saleor_wfx_plugin.services.distributors import create_distributor  # noqa: E402

# The referred order is placed exactly as the commission tests place theirs: a storefront
# checkout through Saleor's public API, paid by an app's transaction, completed.
from .test_plugin_in_saleor import (  # noqa: E402, F401
    PLUGIN_PATH,
    activate_programme,
    storefront_checkout,
)

PLUGIN_ROOT = "/plugins/global/wfx.distribution"
# The prefix of links printed before the move, which Saleor still routes to the plugin.
LEGACY_PLUGIN_ROOT = "/plugins/wfx.distribution"
GRAPHQL_URL = f"{PLUGIN_ROOT}/graphql/"
# saleor.tests.settings sets PUBLIC_URL, which the plugin's absolute links start with.
PUBLIC_PLUGIN_ROOT = f"https://example.com{PLUGIN_ROOT}"

TOKEN_CREATE = """
mutation ($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) {
    token
    errors { field message code }
  }
}
"""
APPLY = """
mutation ($input: DistributorApplyInput!) {
  distributorApply(input: $input) {
    application { id status phone documents { kind contentType size url } }
    errors { field message code }
  }
}
"""
APPLICATIONS = """
{ applications(first: 10) { totalCount edges { node {
    id userId email phone status documents { kind contentType size sha256 url } } } } }
"""
APPROVE = """
mutation ($id: ID!) {
  distributorApprove(id: $id) {
    application { status reviewedBy }
    distributor { code status userId }
    errors { field message code }
  }
}
"""
ME = "{ me { distributor { code status } referralLink } }"
ORDER_COMMISSIONS = """
query ($number: String!) {
  commissions(filter: {orderNumber: $number}) {
    edges { node { level amount { amount currency } distributor { code } } }
  }
}
"""
MY_COMMISSIONS = "{ me { commissions(first: 10) { totalCount } } }"
DISTRIBUTORS = "{ distributors(first: 10) { totalCount edges { node { code email } } } }"


def tiny_png() -> bytes:
    """A valid 1×1 PNG, so the plugin's image check accepts it as an ID-card photo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def permission_denied(body) -> bool:
    return any(
        error.get("extensions", {}).get("exception", {}).get("code") == "PermissionDenied"
        for error in body.get("errors", ())
    )


@pytest.fixture
def wfx_configuration(settings, db, tmp_path):
    settings.WFX_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return activate_programme(settings, storefront_url="https://shop.example.com")


@pytest.fixture
def sign_in(api_client):
    """An access token from Saleor's own `tokenCreate`, as the storefront or dashboard gets it."""

    def token_for(user, password="password"):
        result = get_graphql_content(
            api_client.post_graphql(TOKEN_CREATE, {"email": user.email, "password": password})
        )["data"]["tokenCreate"]
        assert result["errors"] == []
        return result["token"]

    return token_for


class PluginApi:
    """Requests to the plugin's GraphQL route, through Saleor's URL configuration."""

    def __init__(self, client):
        self.client = client

    def raw(self, query, variables=None, *, token=None, files=None):
        headers = {} if token is None else {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if files:
            # The GraphQL multipart request spec: operations, map, then one field per file.
            data = {
                "operations": json.dumps({"query": query, "variables": variables or {}}),
                "map": json.dumps({name: [path] for name, (path, _) in files.items()}),
            }
            data.update({name: upload for name, (_, upload) in files.items()})
            return self.client.post(GRAPHQL_URL, data=data, **headers)
        return self.client.post(
            GRAPHQL_URL,
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **headers,
        )

    def __call__(self, query, variables=None, **kwargs):
        response = self.raw(query, variables, **kwargs)
        assert response.status_code == 200, response.content
        return response.json()

    def ok(self, query, variables=None, **kwargs):
        """The data of a request that must succeed, every mutation payload free of errors."""
        body = self(query, variables, **kwargs)
        assert "errors" not in body, body["errors"]
        for payload in body["data"].values():
            if isinstance(payload, dict) and "errors" in payload:
                assert payload["errors"] == [], payload["errors"]
        return body["data"]


@pytest.fixture
def plugin_api(client, wfx_configuration):
    return PluginApi(client)


@pytest.fixture
def reviewer_token(staff_user, permission_manage_users, sign_in):
    staff_user.user_permissions.add(permission_manage_users)
    return sign_in(staff_user)


def test_a_customer_applies_staff_approve_and_the_customer_gets_a_code_and_link(
    plugin_api, customer_user, staff_user, reviewer_token, permission_manage_orders, sign_in
):
    customer_token = sign_in(customer_user)

    applied = plugin_api.ok(APPLY, {"input": {"phone": "13812345678"}}, token=customer_token)
    application = applied["distributorApply"]["application"]
    assert (application["status"], application["phone"]) == ("PENDING", "+8613812345678")

    listed = plugin_api.ok(APPLICATIONS, token=reviewer_token)["applications"]
    assert listed["totalCount"] == 1
    [pending] = [edge["node"] for edge in listed["edges"]]
    assert (pending["id"], pending["userId"], pending["email"]) == (
        application["id"],
        str(customer_user.pk),
        customer_user.email,
    )

    # A staff member whose Saleor permissions do not include MANAGE_USERS cannot approve.
    order_clerk = dangerously_create_test_user("clerk@example.com", "password", is_staff=True)
    order_clerk.user_permissions.add(permission_manage_orders)
    refused = plugin_api(APPROVE, {"id": application["id"]}, token=sign_in(order_clerk))
    assert refused["data"]["distributorApprove"] is None
    assert permission_denied(refused)
    assert not Distributor.objects.exists()

    approved = plugin_api.ok(APPROVE, {"id": application["id"]}, token=reviewer_token)
    distributor = approved["distributorApprove"]["distributor"]
    assert distributor["status"] == "ACTIVE"
    assert distributor["userId"] == str(customer_user.pk)
    # The audit trail names the reviewer Saleor's token identified.
    assert approved["distributorApprove"]["application"] == {
        "status": "APPROVED",
        "reviewedBy": f"user:{staff_user.pk}",
    }

    me = plugin_api.ok(ME, token=customer_token)["me"]
    assert me == {
        "distributor": {"code": distributor["code"], "status": "ACTIVE"},
        "referralLink": f"{PUBLIC_PLUGIN_ROOT}/r/{distributor['code']}",
    }


@pytest.fixture
def seller_with_upline(db, customer_user):
    """The seller is the signed-in customer `customer_user`; the upline has no account here."""
    upline = create_distributor(code="UPL222", email="upline@example.com")
    seller = create_distributor(
        code="SEL111", email=customer_user.email, user_id=str(customer_user.pk), upline=upline
    )
    return seller, upline


def test_staff_with_manage_orders_see_an_orders_commissions_and_the_seller_sees_their_own(
    plugin_api,
    seller_with_upline,
    storefront_checkout,  # noqa: F811  (the fixture imported above)
    staff_user,
    permission_manage_orders,
    customer_user,
    customer_user2,
    sign_in,
):
    order, _, _ = storefront_checkout([("referral_code", "sel111")])
    # Two units of Saleor's test product at 10.00 USD, no tax configured.
    assert order.subtotal_net_amount == Decimal("20.00")
    staff_user.user_permissions.add(permission_manage_orders)
    number = str(order.number)

    found = plugin_api.ok(ORDER_COMMISSIONS, {"number": number}, token=sign_in(staff_user))
    by_level = {
        edge["node"]["level"]: (edge["node"]["distributor"]["code"], edge["node"]["amount"])
        for edge in found["commissions"]["edges"]
    }
    # One order line: the seller earns the configured 10 % of the goods, the upline 5 %.
    assert by_level == {
        1: ("SEL111", {"amount": "2.00", "currency": "USD"}),
        2: ("UPL222", {"amount": "1.00", "currency": "USD"}),
    }

    stranger_token = sign_in(customer_user2)
    other_customer = plugin_api(ORDER_COMMISSIONS, {"number": number}, token=stranger_token)
    assert other_customer["data"]["commissions"] is None
    assert permission_denied(other_customer)

    # The seller sees their own line and not their upline's.
    mine = plugin_api.ok(MY_COMMISSIONS, token=sign_in(customer_user))
    assert mine["me"]["commissions"]["totalCount"] == 1


def test_id_documents_upload_through_saleor_and_only_signed_links_download_them(
    plugin_api, client, customer_user, reviewer_token, sign_in, tmp_path
):
    png = tiny_png()
    upload = io.BytesIO(png)
    upload.name = "id card.png"

    applied = plugin_api.ok(
        APPLY,
        {"input": {"phone": "13812345678", "documents": [{"kind": "ID_CARD", "file": None}]}},
        token=sign_in(customer_user),
        files={"0": ("variables.input.documents.0.file", upload)},
    )["distributorApply"]["application"]
    [stored] = ApplicationDocument.objects.all()
    assert from_global_id(applied["id"]) == ("DistributorApplication", str(stored.application_id))
    assert (stored.kind, stored.content_type, stored.size) == ("id_card", "image/png", len(png))
    # Kept in the private storage, outside Saleor's public media.
    assert (tmp_path / "private" / stored.file.name).read_bytes() == png
    # The applicant is told what was stored but gets no download link.
    assert applied["documents"] == [
        {"kind": "ID_CARD", "contentType": "image/png", "size": len(png), "url": None}
    ]

    listed = plugin_api.ok(APPLICATIONS, token=reviewer_token)["applications"]
    [document] = listed["edges"][0]["node"]["documents"]
    assert document["url"].startswith(f"{PUBLIC_PLUGIN_ROOT}/documents/")
    path = document["url"].removeprefix("https://example.com")

    downloaded = client.get(path)
    assert downloaded.status_code == 200
    assert downloaded["Content-Type"] == "image/png"
    assert b"".join(downloaded.streaming_content) == png

    tampered = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    assert client.get(tampered).status_code == 404


def test_the_api_answers_404_while_the_plugin_is_switched_off(
    plugin_api, wfx_configuration, customer_user, sign_in
):
    token = sign_in(customer_user)
    assert plugin_api.raw(ME, token=token).status_code == 200

    wfx_configuration.active = False
    wfx_configuration.save(update_fields=["active"])

    assert plugin_api.raw(ME, token=token).status_code == 404
    assert plugin_api.raw(ME).status_code == 404


def test_an_app_with_manage_users_lists_distributors(
    plugin_api, app, permission_manage_users, seller_with_upline
):
    _, raw_token = AppToken.objects.create(app=app, name="wfx")
    refused = plugin_api(DISTRIBUTORS, token=raw_token)
    assert permission_denied(refused)

    app.permissions.add(permission_manage_users)

    listed = plugin_api.ok(DISTRIBUTORS, token=raw_token)["distributors"]
    assert listed["totalCount"] == 2
    assert sorted(edge["node"]["code"] for edge in listed["edges"]) == ["SEL111", "UPL222"]
