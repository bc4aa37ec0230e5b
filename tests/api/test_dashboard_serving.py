"""The dashboard pages as the plugin serves them inside Saleor: the app, its hashed files with
the right types and caching, and who may frame it."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from saleor_wfx_plugin.dashboard.headers import dashboard_origins, frame_ancestors_policy

from .conftest import LEGACY_PLUGIN_ROOT, PLUGIN_ROOT

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "saleor_wfx_plugin" / "dashboard" / "static"


def _assets_named_in_index(client):
    html = client.get(f"{PLUGIN_ROOT}/dashboard/").content.decode()
    return re.findall(r'(?:src|href)="\./(assets/[^"]+)"', html)


def test_the_app_page_is_html_never_cached_and_framed_only_by_the_dashboard(client, settings):
    settings.WFX_DASHBOARD_ORIGINS = ["https://dashboard.shop.example"]
    response = client.get(f"{PLUGIN_ROOT}/dashboard/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert response["Content-Security-Policy"] == (
        "frame-ancestors 'self' https://dashboard.shop.example"
    )
    assert b'<div id="root">' in response.content


def test_the_old_prefix_serves_the_same_app(client):
    old = client.get(f"{LEGACY_PLUGIN_ROOT}/dashboard/")
    new = client.get(f"{PLUGIN_ROOT}/dashboard/")
    assert old.status_code == 200 and old.content == new.content


def test_the_folder_without_its_slash_redirects_keeping_the_dashboards_parameters(client):
    # Without the slash the bundle's relative URLs would point one folder too high.
    response = client.get(f"{PLUGIN_ROOT}/dashboard?id=QXBwOjE%3D&theme=dark")
    assert response.status_code == 302
    assert response["Location"] == f"{PLUGIN_ROOT}/dashboard/?id=QXBwOjE%3D&theme=dark"


def test_hashed_assets_have_their_content_type_and_a_year_of_immutable_cache(client):
    assets = _assets_named_in_index(client)
    assert any(name.endswith(".js") for name in assets)
    assert any(name.endswith(".css") for name in assets)
    for name in assets:
        response = client.get(f"{PLUGIN_ROOT}/dashboard/{name}")
        assert response.status_code == 200, name
        expected = "text/javascript" if name.endswith(".js") else "text/css"
        assert response["Content-Type"].startswith(expected)
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.content == (STATIC / name).read_bytes()


def test_fonts_are_served_as_woff2(client):
    (font,) = [p.name for p in (STATIC / "assets").glob("Inter-roman*.woff2")]
    response = client.get(f"{PLUGIN_ROOT}/dashboard/assets/{font}")
    assert response.status_code == 200
    assert response["Content-Type"] == "font/woff2"


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/assets/../../http.py",
        "/dashboard/assets/%2e%2e/index.html",
        "/dashboard/assets/index-missing1234.js",
        "/dashboard/assets/notes.txt",
        "/dashboard/static/index.html",
    ],
)
def test_anything_but_the_bundles_files_is_not_found(client, path):
    assert client.get(f"{PLUGIN_ROOT}{path}").status_code == 404


def test_only_reading_is_allowed(client):
    response = client.post(f"{PLUGIN_ROOT}/dashboard/")
    assert response.status_code == 405


def test_nothing_is_served_while_the_programme_is_off(client, settings):
    settings.WFX_PROGRAM_ACTIVE = False
    assert client.get(f"{PLUGIN_ROOT}/dashboard/").status_code == 404


def test_without_a_dashboard_origin_only_the_api_origin_may_frame(settings):
    settings.WFX_DASHBOARD_ORIGINS = []
    assert frame_ancestors_policy() == "frame-ancestors 'self'"
    settings.WFX_DASHBOARD_ORIGINS = "https://a.example, https://b.example:8443/"
    assert frame_ancestors_policy() == (
        "frame-ancestors 'self' https://a.example https://b.example:8443"
    )


@pytest.mark.parametrize(
    "origin", ["*", "https://*.example", "dashboard.example", "ftp://x.example"]
)
def test_a_dashboard_origin_that_would_widen_or_break_the_policy_is_refused(settings, origin):
    settings.WFX_DASHBOARD_ORIGINS = [origin]
    with pytest.raises(ImproperlyConfigured, match="WFX_DASHBOARD_ORIGINS"):
        dashboard_origins()


def test_a_misconfigured_origin_fails_closed_and_the_check_names_it(client, settings):
    settings.WFX_DASHBOARD_ORIGINS = ["*"]
    response = client.get(f"{PLUGIN_ROOT}/dashboard/")
    # Framed by nobody but the API's own origin until the setting is fixed; never a 500.
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "frame-ancestors 'self'"
    from saleor_wfx_plugin.checks import dashboard_origins_check

    assert [message.id for message in dashboard_origins_check()] == ["wfx.E001"]
