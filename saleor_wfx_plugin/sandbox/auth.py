"""Tokens for the sandbox, where there is no Saleor to issue JWTs.

Signed with Django's signing (HMAC with SECRET_KEY), so the sandbox exercises the same paths as
Saleor's tokens do: a valid token names a viewer, a tampered or expired one is refused, not
treated as anonymous.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from django.conf import settings
from django.core import signing
from django.http import HttpRequest

from ..auth import ANONYMOUS, InvalidToken, Viewer, bearer_token

TOKEN_SALT = "saleor_wfx_plugin.sandbox.token"
TOKEN_MAX_AGE_SECONDS = 24 * 60 * 60


def issue_token(viewer: Viewer) -> str:
    return signing.dumps(
        {
            "user_id": viewer.user_id,
            "app_id": viewer.app_id,
            "email": viewer.email,
            "email_confirmed": viewer.email_confirmed,
            "is_staff": viewer.is_staff,
            "permissions": sorted(viewer.permissions),
            "name": viewer.name,
        },
        salt=TOKEN_SALT,
        compress=True,
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(signing_input: str) -> str:
    return _b64(
        hmac.new(settings.SECRET_KEY.encode(), signing_input.encode(), hashlib.sha256).digest()
    )


def issue_dashboard_token(
    viewer: Viewer, *, lifetime_seconds: int = 5 * 60, app_id: str = "QXBwOjE="
) -> str:
    """A JWT shaped like the "thirdparty" token Saleor's dashboard hands an App's pages (HS256
    with SECRET_KEY here): app-sdk decodes `email`, `user_permissions` and `permissions` from
    it, so the sandbox's other tokens, which are not JWTs, cannot stand in for it."""
    now = int(time.time())
    claims = {
        "iat": now,
        "exp": now + lifetime_seconds,
        "iss": "wfx-sandbox",
        "owner": "saleor",
        "type": "thirdparty",
        "app": app_id,
        "user_id": viewer.user_id,
        "email": viewer.email,
        "is_staff": viewer.is_staff,
        "name": viewer.name,
        # A thirdparty token's `permissions` are the app's and the user's intersected; the
        # sandbox's app holds all four, so they are the user's.
        "permissions": sorted(viewer.permissions),
        "user_permissions": sorted(viewer.permissions),
    }
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{payload}.{_signature(f'{header}.{payload}')}"


def _dashboard_viewer(token: str) -> Viewer:
    header, payload, signature = token.split(".")
    if not hmac.compare_digest(_signature(f"{header}.{payload}"), signature):
        raise InvalidToken("The token is invalid.")
    try:
        claims = json.loads(_unb64(payload))
    except ValueError:
        raise InvalidToken("The token is invalid.") from None
    if not isinstance(claims.get("exp"), int) or claims["exp"] < time.time():
        raise InvalidToken("The token has expired.")
    return Viewer(
        user_id=claims.get("user_id"),
        email=claims.get("email", ""),
        email_confirmed=True,
        is_staff=bool(claims.get("is_staff")),
        permissions=frozenset(claims.get("permissions", ())),
        name=claims.get("name", ""),
    )


class SandboxAuthenticator:
    def viewer_from_request(self, request: HttpRequest) -> Viewer:
        token = bearer_token(request)
        if token is None:
            return ANONYMOUS
        if token.count(".") == 2 and token.startswith("eyJ"):
            return _dashboard_viewer(token)
        try:
            claims = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE_SECONDS)
        except signing.SignatureExpired:
            raise InvalidToken("The token has expired.") from None
        except signing.BadSignature:
            raise InvalidToken("The token is invalid.") from None
        return Viewer(
            user_id=claims.get("user_id"),
            app_id=claims.get("app_id"),
            email=claims.get("email", ""),
            email_confirmed=bool(claims.get("email_confirmed")),
            is_staff=bool(claims.get("is_staff")),
            permissions=frozenset(claims.get("permissions", ())),
            name=claims.get("name", ""),
        )
