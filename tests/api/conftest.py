"""An HTTP client for the plugin's API, speaking to the same route Saleor serves, with tokens for
the kinds of people who call it."""

import json

import pytest

from saleor_wfx_plugin.auth import Viewer
from saleor_wfx_plugin.sandbox.auth import issue_token
from tests.services.conftest import (  # noqa: F401  (shared fixtures)
    gold,
    program,
    programme_switched_on_long_ago,
    shop,
    tree,
)

PLUGIN_ROOT = "/plugins/global/wfx.distribution"
# The prefix of the links made before the move, still served for QR codes printed with it.
LEGACY_PLUGIN_ROOT = "/plugins/wfx.distribution"
GRAPHQL_URL = f"{PLUGIN_ROOT}/graphql/"


def customer(user_id: str, email: str | None = None, *, confirmed: bool = True) -> Viewer:
    return Viewer(
        user_id=user_id,
        email=email or f"user{user_id}@example.com",
        email_confirmed=confirmed,
        name=f"User {user_id}",
    )


def staff(*permissions: str, user_id: str = "900") -> Viewer:
    return Viewer(
        user_id=user_id,
        email=f"staff{user_id}@example.com",
        email_confirmed=True,
        is_staff=True,
        permissions=frozenset(permissions),
    )


def app(*permissions: str) -> Viewer:
    return Viewer(app_id="7", permissions=frozenset(permissions))


class Api:
    def __init__(self, client):
        self.client = client

    def raw(self, query, variables=None, *, viewer=None, files=None, token=None, language=None):
        headers = {}
        if language is not None:
            headers["HTTP_ACCEPT_LANGUAGE"] = language
        if viewer is not None:
            token = issue_token(viewer)
        if token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if files:
            # The GraphQL multipart request spec: operations, map, then the files.
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

    def __call__(
        self, query, variables=None, *, viewer=None, files=None, token=None, language=None
    ):
        response = self.raw(
            query, variables, viewer=viewer, files=files, token=token, language=language
        )
        assert response.status_code == 200, response.content
        return response.json()

    def ok(self, query, variables=None, **kwargs):
        """The data of a request that must succeed, and a mutation's payload with no errors."""
        body = self(query, variables, **kwargs)
        assert "errors" not in body, body["errors"]
        data = body["data"]
        for payload in data.values():
            if isinstance(payload, dict) and "errors" in payload:
                assert payload["errors"] == [], payload["errors"]
        return data


@pytest.fixture
def api(client, settings, tmp_path, db):
    settings.WFX_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.WFX_PROGRAM_SETTINGS = {
        **settings.WFX_PROGRAM_SETTINGS,
        "storefront_url": "https://shop.example.com",
    }
    return Api(client)


def permission_denied(body) -> bool:
    return any(
        error.get("extensions", {}).get("exception", {}).get("code") == "PermissionDenied"
        for error in body.get("errors", ())
    )


# Fixtures the API tests share, defined with their helpers (imported last: those helpers
# build their viewers with `customer` and `staff` above).
from .helpers import month_of_sales  # noqa: E402, F401
