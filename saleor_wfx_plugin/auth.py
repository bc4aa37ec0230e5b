"""Who is asking: the viewer behind a request to the plugin's API.

There is no second login system. Inside Saleor the viewer is whoever Saleor's own
authentication says the token belongs to (a JWT from `tokenCreate`, a dashboard-extension
token, an app token, or a token of an authentication plugin such as OpenID Connect), through
`saleor_host.auth.SaleorAuthenticator`; the sandbox has its own signed tokens. Chosen by the
Django setting `WFX_AUTH_BACKEND` (a dotted path).

Staff act only with the Saleor permissions their action maps to (`Permission`), documented in
README's "Permissions" table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Protocol

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

DEFAULT_AUTH_BACKEND = "saleor_wfx_plugin.saleor_host.auth.SaleorAuthenticator"


class Permission(StrEnum):
    """Saleor's permission enum names (Saleor has a fixed set; a plugin cannot add its own)."""

    MANAGE_USERS = "MANAGE_USERS"
    MANAGE_ORDERS = "MANAGE_ORDERS"
    HANDLE_PAYMENTS = "HANDLE_PAYMENTS"
    MANAGE_PLUGINS = "MANAGE_PLUGINS"
    # Distributors' vouchers are Saleor vouchers: who may create vouchers may create theirs.
    MANAGE_DISCOUNTS = "MANAGE_DISCOUNTS"


class InvalidToken(Exception):
    """A token was sent and it is not valid: tampered, expired, revoked or of the wrong kind.
    Never treated as anonymous: the caller meant to be someone."""


@dataclass(frozen=True)
class Viewer:
    # Saleor user id (the primary key, as text); None for anonymous visitors and apps.
    user_id: str | None = None
    email: str = ""
    email_confirmed: bool = False
    is_staff: bool = False
    permissions: frozenset[str] = field(default_factory=frozenset)
    app_id: str | None = None
    name: str = ""

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None or self.app_id is not None

    @property
    def is_customer(self) -> bool:
        return self.user_id is not None and self.app_id is None

    @property
    def is_storefront_traffic(self) -> bool:
        """Anonymous visitors and signed-in customers, whom Saleor's `allow_storefront_traffic`
        switch shuts out; staff users and apps may always call the API directly."""
        return self.app_id is None and not self.is_staff

    @property
    def actor(self) -> str:
        """How the audit trail names this viewer."""
        if self.app_id is not None:
            return f"app:{self.app_id}"
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return "anonymous"

    def has_perm(self, permission: Permission) -> bool:
        return (self.is_staff or self.app_id is not None) and permission.value in self.permissions


ANONYMOUS = Viewer()


class Authenticator(Protocol):
    def viewer_from_request(self, request: HttpRequest) -> Viewer:
        """ANONYMOUS when no token was sent; raises InvalidToken when one was and it is bad."""


@cache
def _backend_class(path: str) -> type[Authenticator]:
    return import_string(path)


def get_authenticator() -> Authenticator:
    return _backend_class(getattr(settings, "WFX_AUTH_BACKEND", DEFAULT_AUTH_BACKEND))()


def bearer_token(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None
