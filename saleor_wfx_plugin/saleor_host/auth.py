"""The viewer behind a request, from Saleor's own tokens, verified in-process with Saleor's code.

Three kinds of bearer token reach the plugin's routes, and each is held to the rules Saleor's
GraphQL API applies to it, so nobody can do more through the plugin than through Saleor:

- an access token from `tokenCreate`/`tokenRefresh`: signature and expiry checked by Saleor's
  `jwt_decode`; the user must still be active and the token's key must still match the user's
  `jwt_token_key` (`tokensDeactivateAll` and a password change revoke every token); the site's
  password-login mode applies (customers-only strips staff powers, disabled refuses the token).
  Refresh and email-change tokens are refused.
- a "thirdparty" token Saleor gives an app or a dashboard extension to act for the signed-in
  staff member: accepted with exactly the permissions Saleor put in it (what both the app and the
  user hold), as Saleor's API does, and only while the app that received it is active. The viewer
  is the user, so the audit trail names the person who acted.
- an app token (30 characters, stored hashed): looked up with Saleor's own loader; the app must be
  active and not removed. The viewer is the app, with the app's permissions.

Saleor is imported inside the functions: the module must import where Saleor is absent (the
sandbox and the plugin's own test suite).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from ..auth import ANONYMOUS, InvalidToken, Viewer

if TYPE_CHECKING:
    from saleor.account.models import User
    from saleor.app.models import App

# Saleor generates app tokens of exactly this length; its own API ignores any other length too.
APP_TOKEN_LENGTH = 30

EXPIRED_MESSAGE = "The token has expired. Refresh it with tokenRefresh or sign in again."
INVALID_MESSAGE = "The token is invalid or has been revoked. Sign in again."


class SaleorAuthenticator:
    def viewer_from_request(self, request: HttpRequest) -> Viewer:
        from saleor.core.auth import get_token_from_request
        from saleor.core.jwt import is_saleor_token

        # Saleor's own header rules (`Authorization: Bearer|JWT <token>` or
        # `Authorization-Bearer`), so every client that works with Saleor's API works here.
        token = get_token_from_request(request)
        if not token:
            return ANONYMOUS

        if is_saleor_token(token):
            return _viewer_from_jwt(request, token)
        return _viewer_from_app_token(request, token)


def _viewer_from_jwt(request: HttpRequest, token: str) -> Viewer:
    import jwt
    from saleor.core.jwt import (
        APP_KEY_FIELD,
        JWT_ACCESS_TYPE,
        JWT_THIRDPARTY_ACCESS_TYPE,
        get_user_from_access_payload,
        jwt_decode,
    )

    try:
        payload = jwt_decode(token)
    except jwt.ExpiredSignatureError:
        raise InvalidToken(EXPIRED_MESSAGE) from None
    except jwt.PyJWTError:
        raise InvalidToken(INVALID_MESSAGE) from None

    token_type = payload.get("type")
    if token_type not in (JWT_ACCESS_TYPE, JWT_THIRDPARTY_ACCESS_TYPE):
        # A refresh token lives for weeks and is meant only for tokenRefresh.
        raise InvalidToken(
            f"A {token_type!r} token cannot authenticate a request; send an access token."
        )
    if token_type == JWT_THIRDPARTY_ACCESS_TYPE:
        _require_active_app(payload.get(APP_KEY_FIELD))

    try:
        # Saleor's check: active user, unrevoked jwt_token_key, and for a thirdparty token the
        # user's permissions narrowed to those the token carries.
        user = get_user_from_access_payload(payload, request)
    except jwt.PyJWTError:
        raise InvalidToken(INVALID_MESSAGE) from None
    except (KeyError, TypeError, ValueError):
        # Signed by Saleor but missing a claim or naming an unknown permission.
        raise InvalidToken(INVALID_MESSAGE) from None
    if user is None:
        raise InvalidToken(INVALID_MESSAGE)

    if token_type == JWT_ACCESS_TYPE:
        return _apply_password_login_mode(request, user)
    return _user_viewer(user)


def _require_active_app(app_global_id: Any) -> None:
    """Stricter than Saleor: a deactivated or removed app's tokens stop working at once instead
    of at their expiry."""
    import graphene
    from saleor.app.models import App

    try:
        type_name, app_pk = graphene.Node.from_global_id(app_global_id)
    except Exception:
        # graphene 2 raises whatever base64/str parsing raises for garbage ids.
        raise InvalidToken(INVALID_MESSAGE) from None
    if type_name != "App" or not str(app_pk).isdigit():
        raise InvalidToken(INVALID_MESSAGE)
    if not App.objects.filter(pk=int(app_pk), is_active=True, removed_at__isnull=True).exists():
        raise InvalidToken("The app this token was issued to is inactive or removed.")


def _apply_password_login_mode(request: HttpRequest, user: User) -> Viewer:
    """The site's password-login mode restricts tokens minted by a password login, exactly where
    Saleor's own API restricts them."""
    from saleor.graphql.site.dataloaders import get_site_promise
    from saleor.site import PasswordLoginMode

    mode = get_site_promise(request).get().settings.password_login_mode
    if mode == PasswordLoginMode.DISABLED:
        raise InvalidToken("Password login is disabled on this shop; sign in another way.")
    if mode == PasswordLoginMode.CUSTOMERS_ONLY:
        # Staff who signed in with a password act as customers, with no staff permissions.
        return _user_viewer(user, is_staff=False, permission_names=frozenset())
    return _user_viewer(user)


def _user_viewer(
    user: User,
    *,
    is_staff: bool | None = None,
    permission_names: frozenset[str] | None = None,
) -> Viewer:
    from saleor.permission.enums import get_permission_names

    if permission_names is None:
        permission_names = frozenset(get_permission_names(user.effective_permissions))
    return Viewer(
        user_id=str(user.pk),
        email=user.email,
        email_confirmed=bool(user.is_confirmed),
        is_staff=user.is_staff if is_staff is None else is_staff,
        permissions=permission_names,
        name=user.get_full_name(),
    )


def _viewer_from_app_token(request: HttpRequest, token: str) -> Viewer:
    from saleor.graphql.app.dataloaders import AppByTokenLoader

    if len(token) != APP_TOKEN_LENGTH:
        raise InvalidToken(INVALID_MESSAGE)
    # Saleor's loader compares the hash and caches the match, as for Saleor's own API; it returns
    # only active apps that are not being removed.
    app: App | None = AppByTokenLoader(request).load(token).get()
    if app is None:
        raise InvalidToken("The app token is invalid, or its app is inactive or removed.")
    return _app_viewer(app)


def _app_viewer(app: App) -> Viewer:
    from saleor.permission.enums import get_permission_names

    return Viewer(
        app_id=str(app.pk),
        permissions=frozenset(get_permission_names(app.permissions.all())),
        name=app.name,
    )
