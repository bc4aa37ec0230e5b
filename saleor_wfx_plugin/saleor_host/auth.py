"""The viewer behind a request, decided by Saleor itself: the functions Saleor's GraphQL API runs
for every request, so a token works here exactly when it works there, and with the same powers.

- An app token (30 characters, stored hashed): Saleor's `get_app_promise`, the lookup its API
  makes first. The app must be active and not being removed. The viewer is the app, with the
  app's permissions.
- Any other token: Django's `authenticate(request=...)` over Saleor's `AUTHENTICATION_BACKENDS`,
  which is how Saleor resolves `request.user`. Its `JSONWebTokenBackend` is
  `load_user_from_request` (Saleor's own JWTs: signature, expiry, access tokens only, an active
  user whose `jwt_token_key` still matches, the site's password-login mode, and a dashboard
  extension's "thirdparty" token narrowed to the permissions both the app and the user hold);
  its `PluginBackend` is `manager.authenticate_user`, so a token issued by any authentication
  plugin in Saleor's `PLUGINS` (OpenID Connect, a merchant's own single sign-on) is accepted
  with the user and permissions that plugin gives it.

Stricter than Saleor in two places, both refusals: a token nobody recognises is refused
(HTTP 401), not treated as anonymous, because the caller meant to be someone; and a thirdparty
token stops working as soon as its app is deactivated or removed, not at its expiry.

Saleor is imported inside the functions: the module must import where Saleor is absent (the
sandbox and the plugin's own test suite).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..auth import ANONYMOUS, InvalidToken, Viewer

if TYPE_CHECKING:
    from saleor.account.models import User
    from saleor.app.models import App

logger = logging.getLogger(__name__)

# Saleor generates app tokens of exactly this length and looks up no other as an app's.
APP_TOKEN_LENGTH = 30

# Lazy: put into the response in the language of the request that was refused.
EXPIRED_MESSAGE = gettext_lazy(
    "The token has expired. Refresh it with tokenRefresh or sign in again."
)
INVALID_MESSAGE = gettext_lazy("The token is invalid or has been revoked. Sign in again.")
APP_TOKEN_MESSAGE = gettext_lazy("The app token is invalid, or its app is inactive or removed.")


class SaleorAuthenticator:
    def viewer_from_request(self, request: HttpRequest) -> Viewer:
        from saleor.core.auth import get_token_from_request
        from saleor.core.jwt import APP_KEY_FIELD, JWT_THIRDPARTY_ACCESS_TYPE
        from saleor.graphql.app.dataloaders import get_app_promise

        # Saleor's own header rules (`Authorization: Bearer|JWT <token>` or
        # `Authorization-Bearer`), so every client that works with Saleor's API works here.
        token = get_token_from_request(request)
        if not token:
            return ANONYMOUS

        app: App | None = get_app_promise(request).get()
        if app is not None:
            return _app_viewer(app)
        user = _authenticated_user(request, token)
        if user is None:
            raise InvalidToken(
                APP_TOKEN_MESSAGE if len(token) == APP_TOKEN_LENGTH else INVALID_MESSAGE
            )
        if not user.is_active:
            raise InvalidToken(INVALID_MESSAGE)
        claims = _unverified_claims(token)
        if claims.get("type") == JWT_THIRDPARTY_ACCESS_TYPE:
            _require_active_app(claims.get(APP_KEY_FIELD))
        return _user_viewer(user)


def _authenticated_user(request: HttpRequest, token: str) -> User | None:
    """What Saleor's `get_user(request)` returns: the first of its authentication backends that
    knows the token, the JWT backend before the plugins."""
    import jwt
    from django.contrib.auth import authenticate

    try:
        user: User | None = authenticate(request=request)
    except jwt.ExpiredSignatureError:
        raise InvalidToken(EXPIRED_MESSAGE) from None
    except jwt.PyJWTError as error:
        raise InvalidToken(_refusal_message(token, error)) from None
    except (KeyError, TypeError, ValueError):
        # A signed token missing a claim or naming an unknown permission; logged, because an
        # authentication plugin's bug would look the same.
        logger.warning("wfx.distribution: a token could not be read", exc_info=True)
        raise InvalidToken(INVALID_MESSAGE) from None
    return user


def _refusal_message(token: str, error: Exception) -> str:
    from saleor.core.jwt import JWT_ACCESS_TYPE, JWT_THIRDPARTY_ACCESS_TYPE

    token_type = _unverified_claims(token).get("type")
    if token_type is not None and token_type not in (JWT_ACCESS_TYPE, JWT_THIRDPARTY_ACCESS_TYPE):
        # A refresh token lives for weeks and is meant only for tokenRefresh.
        return _("A %(token_type)r token cannot authenticate a request; send an access token.") % {
            "token_type": token_type
        }
    # Saleor's own wording ("The authentication method is disabled.", …), as its API gives it.
    return str(error) or INVALID_MESSAGE


def _unverified_claims(token: str) -> dict[str, Any]:
    """The token's claims without checking its signature: only ever used to refuse more or to
    word a refusal, never to grant anything (Saleor's backends verified what they accepted)."""
    import jwt

    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    return claims if isinstance(claims, dict) else {}


def _require_active_app(app_global_id: Any) -> None:
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
        raise InvalidToken(_("The app this token was issued to is inactive or removed."))


def _user_viewer(user: User) -> Viewer:
    from saleor.permission.enums import get_permission_names

    # Saleor's backends already narrowed both for the token: staff powers stripped under the
    # customers-only password-login mode, a thirdparty token's permissions, an authentication
    # plugin's own mapping (OpenID Connect scopes, default staff group).
    return Viewer(
        user_id=str(user.pk),
        email=user.email,
        email_confirmed=bool(user.is_confirmed),
        is_staff=bool(user.is_staff),
        permissions=frozenset(get_permission_names(user.effective_permissions)),
        name=user.get_full_name(),
    )


def _app_viewer(app: App) -> Viewer:
    from saleor.permission.enums import get_permission_names

    return Viewer(
        app_id=str(app.pk),
        permissions=frozenset(get_permission_names(app.permissions.all())),
        name=app.name,
    )
