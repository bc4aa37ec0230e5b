"""The App manifest `appInstall` reads, and who may frame the dashboard pages."""

import json

import pytest
from django.core import checks

from saleor_wfx_plugin.checks import dashboard_origins_check
from saleor_wfx_plugin.dashboard.headers import frame_ancestors_policy

from .conftest import LEGACY_PLUGIN_ROOT, PLUGIN_ROOT

pytestmark = pytest.mark.django_db

MANIFEST = f"{PLUGIN_ROOT}/dashboard/manifest.json"


def test_the_manifest_names_the_app_its_permissions_and_four_extensions(client, settings):
    settings.PUBLIC_URL = None
    settings.ALLOWED_HOSTS = ["shop.example.com"]
    response = client.get(MANIFEST, HTTP_HOST="shop.example.com")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    manifest = json.loads(response.content)
    base = f"http://shop.example.com{PLUGIN_ROOT}/dashboard/"
    assert manifest["id"] == "wfx.distribution.dashboard"
    assert manifest["appUrl"] == base
    assert manifest["permissions"] == [
        "MANAGE_USERS",
        "MANAGE_ORDERS",
        "MANAGE_PLUGINS",
        "HANDLE_PAYMENTS",
    ]
    # Pages act with the staff member's own token: Saleor must not mint an app token for us.
    assert "tokenTargetUrl" not in manifest
    assert [
        (e["mount"], e["target"], e["url"], e["permissions"]) for e in manifest["extensions"]
    ] == [
        ("NAVIGATION_CUSTOMERS", "APP_PAGE", base + "#/distributors", ["MANAGE_USERS"]),
        (
            "NAVIGATION_ORDERS",
            "APP_PAGE",
            base + "#/payouts",
            ["MANAGE_ORDERS", "HANDLE_PAYMENTS"],
        ),
        ("ORDER_DETAILS_WIDGETS", "WIDGET", base + "#/widgets/order", ["MANAGE_ORDERS"]),
        ("CUSTOMER_DETAILS_WIDGETS", "WIDGET", base + "#/widgets/customer", ["MANAGE_USERS"]),
    ]
    assert len({e["identifier"] for e in manifest["extensions"]}) == 4
    assert all(
        e["options"] == {"widgetTarget": {"method": "GET"}}
        for e in manifest["extensions"]
        if e["target"] == "WIDGET"
    )


def test_saleors_public_url_wins_and_the_old_prefix_gives_the_kept_one(client, settings):
    settings.PUBLIC_URL = "https://api.shop.cn/"
    response = client.get(f"{LEGACY_PLUGIN_ROOT}/dashboard/manifest.json", HTTP_HOST="10.0.0.5")
    manifest = response.json()
    assert manifest["appUrl"] == f"https://api.shop.cn{PLUGIN_ROOT}/dashboard/"
    assert all(e["url"].startswith(manifest["appUrl"]) for e in manifest["extensions"])


def test_only_get_reads_the_manifest(client):
    assert client.post(MANIFEST).status_code == 405


def test_frame_ancestors_is_the_api_itself_and_the_configured_dashboards(client, settings):
    settings.WFX_DASHBOARD_ORIGINS = None
    assert frame_ancestors_policy() == "frame-ancestors 'self'"
    settings.WFX_DASHBOARD_ORIGINS = (
        "https://dashboard.shop.cn/dashboard/, https://Admin.shop.cn:9000"
    )
    assert frame_ancestors_policy() == (
        "frame-ancestors 'self' https://dashboard.shop.cn https://admin.shop.cn:9000"
    )
    assert client.get(MANIFEST)["Content-Security-Policy"] == frame_ancestors_policy()
    assert dashboard_origins_check() == []


def test_a_wrong_dashboard_origin_fails_closed_and_the_check_says_why(client, settings):
    settings.WFX_DASHBOARD_ORIGINS = ["dashboard.shop.cn"]  # no scheme
    assert frame_ancestors_policy() == "frame-ancestors 'self'"
    assert client.get(MANIFEST).status_code == 200
    [problem] = dashboard_origins_check()
    assert problem.level == checks.ERROR and problem.id == "wfx.E001"
    assert "dashboard.shop.cn" in problem.msg
