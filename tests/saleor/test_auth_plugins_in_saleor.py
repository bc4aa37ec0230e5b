"""Authentication through Saleor: a token issued by an authentication plugin configured in
Saleor's `PLUGINS` (Saleor's own OpenID Connect plugin, and a small single sign-on plugin of the
tests' own) is accepted by the plugin's API with the permissions Saleor gives that user, and
Saleor's `allow_storefront_traffic` switch closes the storefront operations while staff and
apps keep working. Every request goes through Saleor's URL routing; Saleor is configured through
its public API (`pluginUpdate`, `shopSettingsUpdate`, `externalObtainAccessTokens`)."""

import time

import pytest

from . import require_saleor

require_saleor()

from authlib.jose import JsonWebKey  # noqa: E402
from authlib.jose import jwt as jose_jwt  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from django.core import signing  # noqa: E402
from django.core.cache import cache  # noqa: E402
from saleor.app.models import AppToken  # noqa: E402
from saleor.graphql.storefront_traffic import clear_allow_storefront_traffic_cache  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402
from saleor.plugins.openid_connect import PLUGIN_ID as OIDC_PLUGIN_ID  # noqa: E402
from saleor.plugins.openid_connect.utils import JWKS_KEY  # noqa: E402

from saleor_wfx_plugin.models import DistributorApplication  # noqa: E402
from saleor_wfx_plugin.services.distributors import create_distributor  # noqa: E402

from . import test_api_in_saleor as api_tier  # noqa: E402
from .single_sign_on import PLUGIN_PATH as SSO_PLUGIN_PATH  # noqa: E402
from .single_sign_on import SingleSignOnPlugin  # noqa: E402
from .test_api_in_saleor import (  # noqa: E402
    APPLY,
    DISTRIBUTORS,
    PLUGIN_ROOT,
    PluginApi,
    permission_denied,
)
from .test_plugin_in_saleor import PLUGIN_PATH, activate_programme  # noqa: E402

OIDC_PLUGIN_PATH = "saleor.plugins.openid_connect.plugin.OpenIDConnectPlugin"
IDP = "https://idp.example.com"
CLIENT_ID = "wfx-shop"
ME = "{ me { distributor { code } } }"
sign_in = api_tier.sign_in  # Saleor's tokenCreate

PLUGIN_UPDATE = """
mutation ($id: ID!, $input: PluginUpdateInput!) {
  pluginUpdate(id: $id, input: $input) {
    plugin { id }
    errors { field message code }
  }
}
"""
OBTAIN_TOKENS = """
mutation ($pluginId: String!, $input: JSONString!) {
  externalObtainAccessTokens(pluginId: $pluginId, input: $input) {
    token
    user { email isStaff }
    errors { field message code }
  }
}
"""
SHOP_SETTINGS_UPDATE = """
mutation ($input: ShopSettingsInput!) {
  shopSettingsUpdate(input: $input) {
    shop { allowStorefrontTraffic }
    errors { field message code }
  }
}
"""


def programme_with_auth_plugins(settings, *plugin_paths):
    activate_programme(settings, storefront_url="https://shop.example.com")
    # After activate_programme, which names only the distribution plugin.
    settings.PLUGINS = [PLUGIN_PATH, *plugin_paths]


@pytest.fixture
def plugin_api(client):
    return PluginApi(client)


@pytest.fixture
def distributor_customer(db, customer_user):
    return create_distributor(
        code="SSO111", email=customer_user.email, user_id=str(customer_user.pk)
    )


# --- A plugin of the tests' own ---------------------------------------------------------------


@pytest.fixture
def single_sign_on(settings, db):
    programme_with_auth_plugins(settings, SSO_PLUGIN_PATH)
    SingleSignOnPlugin.issued.clear()
    yield SingleSignOnPlugin.issued
    SingleSignOnPlugin.issued.clear()


def test_a_single_sign_on_plugins_token_is_the_customer_it_names(
    plugin_api, single_sign_on, customer_user, distributor_customer
):
    single_sign_on["sso-7f3a9c"] = customer_user.email

    me = plugin_api.ok(ME, token="sso-7f3a9c")["me"]
    refused = plugin_api(DISTRIBUTORS, token="sso-7f3a9c")

    assert me == {"distributor": {"code": "SSO111"}}
    assert permission_denied(refused)


def test_a_single_sign_on_staff_member_acts_with_their_saleor_permissions(
    plugin_api, single_sign_on, staff_user, permission_manage_users, distributor_customer
):
    single_sign_on["sso-staff-1"] = staff_user.email
    assert permission_denied(plugin_api(DISTRIBUTORS, token="sso-staff-1"))

    staff_user.user_permissions.add(permission_manage_users)

    listed = plugin_api.ok(DISTRIBUTORS, token="sso-staff-1")["distributors"]
    assert listed["totalCount"] == 1
    assert listed["edges"][0]["node"]["code"] == "SSO111"


def test_a_token_no_backend_or_plugin_knows_is_refused(plugin_api, single_sign_on):
    single_sign_on["sso-known"] = "nobody-with-this-email@example.com"

    for token in ("sso-unknown", "sso-known"):
        response = plugin_api.raw(ME, token=token)
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "InvalidToken"


# --- Saleor's OpenID Connect plugin -----------------------------------------------------------


class IdentityProvider:
    """The shop's OpenID provider, offline: it signs ID tokens with its own key and answers its
    token and key-set endpoints (the two HTTP calls Saleor's plugin makes) from memory."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.logins = {}

    def public_keys(self, jwks_url):
        assert jwks_url == f"{IDP}/.well-known/jwks.json"
        public = self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        jwk = JsonWebKey.import_key(public, {"kty": "RSA", "kid": "idp-1", "use": "sig"})
        return [jwk.as_dict()]

    def sign_in(self, email, *, scope, subject):
        """A person signs in at the provider; the storefront gets this code back."""
        code = f"code-{len(self.logins) + 1}"
        self.logins[code] = (email, scope, subject)
        return code

    def fetch_token(self, url, code, redirect_uri, **kwargs):
        assert url == f"{IDP}/oauth/token"
        email, scope, subject = self.logins.pop(code)
        now = int(time.time())
        claims = {
            "iss": IDP,
            "sub": subject,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 600,
            "email": email,
            "given_name": "Olivia",
            "family_name": "Chen",
        }
        private = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        id_token = jose_jwt.encode({"alg": "RS256", "kid": "idp-1"}, claims, private).decode()
        return {
            "access_token": f"idp-access-{subject}",
            "refresh_token": f"idp-refresh-{subject}",
            "id_token": id_token,
            "scope": scope,
            "token_type": "Bearer",
            "expires_in": 600,
        }


@pytest.fixture
def openid_connect(settings, db, monkeypatch, staff_api_client, permission_manage_plugins):
    """Saleor's OpenID Connect plugin in PLUGINS, configured by staff with pluginUpdate for the
    authorization-code flow, with Saleor permissions taken from the provider's scopes."""
    programme_with_auth_plugins(settings, OIDC_PLUGIN_PATH)
    provider = IdentityProvider()
    monkeypatch.setattr(
        "saleor.plugins.openid_connect.client.OAuth2Client.fetch_token", provider.fetch_token
    )
    monkeypatch.setattr("saleor.plugins.openid_connect.utils.fetch_jwks", provider.public_keys)
    cache.delete(JWKS_KEY)
    staff_api_client.user.user_permissions.add(permission_manage_plugins)
    configuration = {
        "client_id": CLIENT_ID,
        "client_secret": "shop-secret",
        "oauth_authorization_url": f"{IDP}/oauth/authorize",
        "oauth_token_url": f"{IDP}/oauth/token",
        "json_web_key_set_url": f"{IDP}/.well-known/jwks.json",
        "use_oauth_scope_permissions": "true",
    }
    updated = get_graphql_content(
        staff_api_client.post_graphql(
            PLUGIN_UPDATE,
            {
                "id": OIDC_PLUGIN_ID,
                "input": {
                    "active": True,
                    "configuration": [
                        {"name": name, "value": value} for name, value in configuration.items()
                    ],
                },
            },
        )
    )["data"]["pluginUpdate"]
    assert updated["errors"] == []
    yield provider
    cache.delete(JWKS_KEY)


def sign_in_with_openid(api_client, provider, email, *, scope, subject):
    """What a storefront does after the provider redirects back: Saleor's
    externalObtainAccessTokens exchanges the code for Saleor's token."""
    code = provider.sign_in(email, scope=scope, subject=subject)
    state = signing.dumps({"redirectUri": "https://shop.example.com/signed-in"})
    result = get_graphql_content(
        api_client.post_graphql(
            OBTAIN_TOKENS,
            {"pluginId": OIDC_PLUGIN_ID, "input": f'{{"code": "{code}", "state": "{state}"}}'},
        )
    )["data"]["externalObtainAccessTokens"]
    assert result["errors"] == []
    return result


def test_an_openid_connect_staff_token_is_accepted_with_the_permissions_of_its_scopes(
    plugin_api, openid_connect, api_client, distributor_customer
):
    signed_in = sign_in_with_openid(
        api_client,
        openid_connect,
        "olivia@shop.example.com",
        scope="openid email profile saleor:manage_users",
        subject="idp|olivia",
    )
    assert signed_in["user"] == {"email": "olivia@shop.example.com", "isStaff": True}

    listed = plugin_api.ok(DISTRIBUTORS, token=signed_in["token"])["distributors"]
    # The scopes gave MANAGE_USERS only: HANDLE_PAYMENTS work is refused.
    payouts = plugin_api("{ payouts(first: 1) { totalCount } }", token=signed_in["token"])

    assert listed["totalCount"] == 1
    assert listed["edges"][0]["node"]["code"] == "SSO111"
    assert permission_denied(payouts)


def test_an_openid_connect_customer_token_is_that_customer(
    plugin_api, openid_connect, api_client, customer_user, distributor_customer
):
    signed_in = sign_in_with_openid(
        api_client,
        openid_connect,
        customer_user.email,
        scope="openid email profile",
        subject="idp|customer",
    )

    me = plugin_api.ok(ME, token=signed_in["token"])["me"]

    assert me == {"distributor": {"code": "SSO111"}}
    assert permission_denied(plugin_api(DISTRIBUTORS, token=signed_in["token"]))


# --- Storefront traffic switched off ----------------------------------------------------------


@pytest.fixture
def switch_storefront_traffic(staff_api_client, permission_manage_settings):
    """shopSettingsUpdate(allowStorefrontTraffic), as staff do it in the dashboard."""
    staff_api_client.user.user_permissions.add(permission_manage_settings)

    def switch(allowed):
        result = get_graphql_content(
            staff_api_client.post_graphql(
                SHOP_SETTINGS_UPDATE, {"input": {"allowStorefrontTraffic": allowed}}
            )
        )["data"]["shopSettingsUpdate"]
        assert result == {"shop": {"allowStorefrontTraffic": allowed}, "errors": []}

    yield switch
    # Saleor caches the flag for minutes, outside the database the test rolls back.
    clear_allow_storefront_traffic_cache()


def storefront_refused(response):
    (error,) = response.json()["errors"]
    return (
        response.status_code == 401
        and error["extensions"]["code"] == "STOREFRONT_TRAFFIC_NOT_ALLOWED"
        and error["message"] == "Storefront traffic is not allowed."
    )


@pytest.fixture
def programme(settings, db):
    programme_with_auth_plugins(settings)


def test_storefront_traffic_off_closes_the_storefront_operations_and_staff_keep_working(
    plugin_api,
    programme,
    sign_in,
    switch_storefront_traffic,
    api_client,
    customer_user,
    staff_user,
    permission_manage_users,
    app,
    distributor_customer,
):
    staff_user.user_permissions.add(permission_manage_users)
    app.permissions.add(permission_manage_users)
    _, app_token = AppToken.objects.create(app=app, name="wfx")
    # Signed in before the switch: tokenCreate is storefront traffic too.
    customer_token, staff_token = sign_in(customer_user), sign_in(staff_user)
    assert plugin_api.ok(ME, token=customer_token)["me"]["distributor"] == {"code": "SSO111"}

    switch_storefront_traffic(False)

    assert storefront_refused(plugin_api.raw(ME, token=customer_token))
    assert storefront_refused(
        plugin_api.raw(APPLY, {"input": {"phone": "13812345678"}}, token=customer_token)
    )
    assert storefront_refused(plugin_api.raw("{ grades { slug } }"))
    assert not DistributorApplication.objects.exists()
    # Saleor's own API says the same to the same anonymous visitor.
    assert api_client.post_graphql("{ shop { name } }").status_code == 401
    staff_listed = plugin_api.ok(DISTRIBUTORS, token=staff_token)["distributors"]
    app_listed = plugin_api.ok(DISTRIBUTORS, token=app_token)["distributors"]
    assert staff_listed["totalCount"] == app_listed["totalCount"] == 1
    # Referral links lead visitors to the shop; they stay open.
    followed = plugin_api.client.get(f"{PLUGIN_ROOT}/r/SSO111")
    assert followed.status_code == 302
    assert followed["Location"] == "https://shop.example.com/?ref=SSO111"

    switch_storefront_traffic(True)

    assert plugin_api.ok(ME, token=customer_token)["me"]["distributor"] == {"code": "SSO111"}
