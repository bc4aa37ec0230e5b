"""Tokens for the sandbox, where there is no Saleor to issue JWTs.

Signed with Django's signing (HMAC with SECRET_KEY), so the sandbox exercises the same paths as
Saleor's tokens do: a valid token names a viewer, a tampered or expired one is refused, not
treated as anonymous.
"""

from __future__ import annotations

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


class SandboxAuthenticator:
    def viewer_from_request(self, request: HttpRequest) -> Viewer:
        token = bearer_token(request)
        if token is None:
            return ANONYMOUS
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
