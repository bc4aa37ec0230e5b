"""Who may call the plugin's routes inside Saleor: real tokens from Saleor's own mutations and
helpers, verified by `SaleorAuthenticator` with Saleor's code, so nobody can do more through the
plugin than Saleor's API lets them."""

import base64
import json
from datetime import timedelta

import pytest

from . import require_saleor

require_saleor()

import jwt  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from saleor.app.models import AppToken  # noqa: E402
from saleor.core.jwt import (  # noqa: E402
    create_access_token,
    create_access_token_for_app,
    jwt_encode,
    jwt_user_payload,
)
from saleor.core.jwt_manager import get_jwt_manager  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402
from saleor.site import PasswordLoginMode  # noqa: E402

from saleor_wfx_plugin.auth import (  # noqa: E402
    ANONYMOUS,
    InvalidToken,
    Permission,
    get_authenticator,
)
from saleor_wfx_plugin.saleor_host.auth import SaleorAuthenticator  # noqa: E402

TOKEN_CREATE = """
mutation ($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) {
    token
    refreshToken
    errors { field message code }
  }
}
"""
TOKENS_DEACTIVATE_ALL = """
mutation { tokensDeactivateAll { errors { field message code } } }
"""


def viewer_for(authorization=None):
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    request = RequestFactory().get("/plugins/saleor.wfx/api/", **headers)
    return SaleorAuthenticator().viewer_from_request(request)


@pytest.fixture
def sign_in(api_client):
    """Saleor's storefront/dashboard login: the tokens `tokenCreate` hands out."""

    def create(email, password="password"):
        result = get_graphql_content(
            api_client.post_graphql(TOKEN_CREATE, {"email": email, "password": password})
        )["data"]["tokenCreate"]
        assert result["errors"] == []
        return result["token"], result["refreshToken"]

    return create


def test_saleor_settings_choose_the_saleor_authenticator():
    assert isinstance(get_authenticator(), SaleorAuthenticator)


def test_a_request_without_a_token_is_anonymous():
    assert viewer_for() is ANONYMOUS
    assert viewer_for("Bearer ") is ANONYMOUS


def test_a_customer_token_is_that_customer_without_staff_powers(customer_user, sign_in):
    access, _ = sign_in(customer_user.email)

    viewer = viewer_for(f"Bearer {access}")

    assert viewer.user_id == str(customer_user.pk)
    assert viewer.actor == f"user:{customer_user.pk}"
    assert viewer.email == "test@example.com"
    assert viewer.email_confirmed is True
    assert viewer.name == "Leslie Wade"
    assert viewer.is_customer
    assert viewer.is_staff is False
    assert viewer.permissions == frozenset()
    assert not viewer.has_perm(Permission.MANAGE_USERS)


def test_an_unconfirmed_customer_is_reported_as_such(customer_user):
    customer_user.is_confirmed = False
    customer_user.save(update_fields=["is_confirmed"])

    viewer = viewer_for(f"Bearer {create_access_token(customer_user)}")

    assert viewer.email_confirmed is False


def test_staff_act_with_exactly_their_saleor_permissions(
    staff_user, permission_manage_users, sign_in
):
    staff_user.user_permissions.add(permission_manage_users)
    access, _ = sign_in(staff_user.email)

    viewer = viewer_for(f"Bearer {access}")

    assert viewer.user_id == str(staff_user.pk)
    assert viewer.is_staff is True
    assert viewer.permissions == frozenset({"MANAGE_USERS"})
    assert viewer.has_perm(Permission.MANAGE_USERS)
    assert not viewer.has_perm(Permission.MANAGE_ORDERS)


def test_permissions_from_a_staff_group_count(staff_user, permission_group_manage_users, sign_in):
    permission_group_manage_users.user_set.add(staff_user)
    access, _ = sign_in(staff_user.email)

    assert viewer_for(f"Bearer {access}").has_perm(Permission.MANAGE_USERS)


def test_the_jwt_scheme_saleor_accepts_is_accepted_too(customer_user, sign_in):
    access, _ = sign_in(customer_user.email)

    assert viewer_for(f"JWT {access}").user_id == str(customer_user.pk)


def _with_claims(token, **claims):
    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    decoded.update(claims)
    forged = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_a_customer_who_edits_their_token_into_staff_is_refused(customer_user, staff_user, sign_in):
    access, _ = sign_in(customer_user.email)
    forged = _with_claims(access, email=staff_user.email, is_staff=True)

    with pytest.raises(InvalidToken):
        viewer_for(f"Bearer {forged}")


def test_a_token_signed_with_another_key_is_refused(customer_user):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    payload = jwt_user_payload(customer_user, "access", timedelta(minutes=5))
    # Everything Saleor would put in the token, the same key id, only the key is not Saleor's.
    forged = jwt.encode(
        payload, other_key, algorithm="RS256", headers={"kid": get_jwt_manager().get_key_id()}
    )

    with pytest.raises(InvalidToken):
        viewer_for(f"Bearer {forged}")


def test_an_expired_access_token_is_refused_and_says_so(customer_user):
    expired = jwt_encode(jwt_user_payload(customer_user, "access", timedelta(seconds=-1)))

    with pytest.raises(InvalidToken, match="expired"):
        viewer_for(f"Bearer {expired}")


def test_a_refresh_token_cannot_be_used_as_an_access_token(customer_user, sign_in):
    _, refresh = sign_in(customer_user.email)

    with pytest.raises(InvalidToken, match="refresh"):
        viewer_for(f"Bearer {refresh}")


def test_a_deactivated_users_token_stops_working(staff_user, permission_manage_users, sign_in):
    staff_user.user_permissions.add(permission_manage_users)
    access, _ = sign_in(staff_user.email)
    staff_user.is_active = False
    staff_user.save(update_fields=["is_active"])

    with pytest.raises(InvalidToken):
        viewer_for(f"Bearer {access}")


def test_signing_out_everywhere_revokes_earlier_tokens(customer_user, user_api_client, sign_in):
    access, _ = sign_in(customer_user.email)
    assert viewer_for(f"Bearer {access}").user_id == str(customer_user.pk)

    result = get_graphql_content(user_api_client.post_graphql(TOKENS_DEACTIVATE_ALL))
    assert result["data"]["tokensDeactivateAll"]["errors"] == []

    with pytest.raises(InvalidToken):
        viewer_for(f"Bearer {access}")
    fresh, _ = sign_in(customer_user.email)
    assert viewer_for(f"Bearer {fresh}").user_id == str(customer_user.pk)


def test_customers_only_password_login_strips_staff_powers(
    staff_user, permission_manage_users, site_settings, sign_in
):
    staff_user.user_permissions.add(permission_manage_users)
    access, _ = sign_in(staff_user.email)
    site_settings.password_login_mode = PasswordLoginMode.CUSTOMERS_ONLY
    site_settings.save(update_fields=["password_login_mode"])

    viewer = viewer_for(f"Bearer {access}")

    assert viewer.user_id == str(staff_user.pk)
    assert viewer.is_staff is False
    assert viewer.permissions == frozenset()
    assert not viewer.has_perm(Permission.MANAGE_USERS)


def test_disabled_password_login_refuses_password_tokens(customer_user, site_settings, sign_in):
    access, _ = sign_in(customer_user.email)
    site_settings.password_login_mode = PasswordLoginMode.DISABLED
    site_settings.save(update_fields=["password_login_mode"])

    with pytest.raises(InvalidToken, match="disabled"):
        viewer_for(f"Bearer {access}")


def test_an_app_token_is_the_app_with_the_apps_permissions(app, permission_manage_orders):
    app.permissions.add(permission_manage_orders)
    _, raw_token = AppToken.objects.create(app=app, name="wfx")

    viewer = viewer_for(f"Bearer {raw_token}")

    assert viewer.app_id == str(app.pk)
    assert viewer.user_id is None
    assert viewer.actor == f"app:{app.pk}"
    assert viewer.name == app.name
    assert viewer.permissions == frozenset({"MANAGE_ORDERS"})
    assert viewer.has_perm(Permission.MANAGE_ORDERS)
    assert not viewer.has_perm(Permission.MANAGE_USERS)
    assert not viewer.is_customer


def test_an_inactive_apps_token_is_refused(app):
    _, raw_token = AppToken.objects.create(app=app, name="wfx")
    assert viewer_for(f"Bearer {raw_token}").app_id == str(app.pk)
    app.is_active = False
    app.save(update_fields=["is_active"])

    # A new request: Saleor caches the token's match, not the app's state.
    with pytest.raises(InvalidToken):
        viewer_for(f"Bearer {raw_token}")


def test_an_unknown_app_token_is_refused(app):
    _, raw_token = AppToken.objects.create(app=app, name="wfx")
    # Same last four characters, so Saleor's lookup finds the row and must compare the hash.
    guessed = "x" * 26 + raw_token[-4:]

    with pytest.raises(InvalidToken):
        viewer_for(f"Bearer {guessed}")
    with pytest.raises(InvalidToken):
        viewer_for("Bearer not-a-token")


def test_a_dashboard_extension_token_carries_only_what_app_and_user_share(
    app, staff_user, permission_manage_users, permission_manage_orders
):
    staff_user.user_permissions.add(permission_manage_users, permission_manage_orders)
    app.permissions.add(permission_manage_orders)
    token = create_access_token_for_app(app, staff_user)

    viewer = viewer_for(f"Bearer {token}")

    # The person acted (the audit trail names them), with only the shared permission.
    assert viewer.actor == f"user:{staff_user.pk}"
    assert viewer.permissions == frozenset({"MANAGE_ORDERS"})
    assert viewer.has_perm(Permission.MANAGE_ORDERS)
    assert not viewer.has_perm(Permission.MANAGE_USERS)


def test_a_dashboard_extension_token_dies_with_its_app(app, staff_user, permission_manage_orders):
    staff_user.user_permissions.add(permission_manage_orders)
    app.permissions.add(permission_manage_orders)
    token = create_access_token_for_app(app, staff_user)
    app.is_active = False
    app.save(update_fields=["is_active"])

    with pytest.raises(InvalidToken, match="inactive or removed"):
        viewer_for(f"Bearer {token}")
