"""The dashboard App inside a real Saleor 3.24: the manifest passes Saleor's own validation,
`wfx_install_dashboard` creates the App and its four extensions once and then changes nothing,
and the token Saleor's dashboard hands the pages (`app(id){accessToken}`) works on the plugin's
API with only what the app and the staff member both hold."""

import io

from django.core.management import call_command

from . import require_saleor

require_saleor()

from saleor.app.manifest_validations import clean_manifest_data  # noqa: E402
from saleor.app.models import App, AppExtension  # noqa: E402
from saleor.graphql.tests.utils import get_graphql_content  # noqa: E402

from saleor_wfx_plugin.dashboard.manifest import build_manifest  # noqa: E402
from saleor_wfx_plugin.services.distributors import create_distributor  # noqa: E402

from .test_api_in_saleor import (  # noqa: E402
    GRAPHQL_URL,
    PluginApi,
    permission_denied,
    wfx_configuration,  # noqa: F401
)

BASE = "https://api.shop.cn/plugins/global/wfx.distribution"
APP_QUERY = """query ($id: ID!) { app(id: $id) {
  name type isActive appUrl permissions { code }
  extensions { label url mountName targetName permissions { code } }
  accessToken } }"""


def install(public_url="https://api.shop.cn"):
    out, err = io.StringIO(), io.StringIO()
    call_command("wfx_install_dashboard", "--public-url", public_url, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_the_manifest_passes_saleors_validation(db):
    manifest = build_manifest(BASE)
    clean_manifest_data(manifest, raise_for_saleor_version=True)
    assert [e["mount"] for e in manifest["extensions"]] == [
        "navigation_customers",
        "navigation_orders",
        "order_details_widgets",
        "customer_details_widgets",
    ]


def test_the_command_creates_the_app_and_four_extensions_once(db):
    app_id, said = install()
    assert said == "Installed the dashboard app."
    app = App.objects.get(identifier="wfx.distribution.dashboard")
    assert app_id.startswith("QXBw")  # "App:" in base64: Saleor's global id
    assert (app.type, app.is_active, app.is_installed) == ("thirdparty", True, True)
    assert app.app_url == f"{BASE}/dashboard/"
    assert app.manifest_url == f"{BASE}/dashboard/manifest.json"
    assert app.tokens.count() == 0  # no tokenTargetUrl, no long-lived token
    assert sorted(app.permissions.values_list("codename", flat=True)) == [
        "handle_payments",
        "manage_orders",
        "manage_plugins",
        "manage_users",
    ]
    assert sorted(
        (e.mount, e.target, e.url.removeprefix(BASE)) for e in AppExtension.objects.filter(app=app)
    ) == [
        ("customer_details_widgets", "widget", "/dashboard/#/widgets/customer"),
        ("navigation_customers", "app_page", "/dashboard/#/distributors"),
        ("navigation_orders", "app_page", "/dashboard/#/payouts"),
        ("order_details_widgets", "widget", "/dashboard/#/widgets/order"),
    ]

    again_id, said = install()
    assert (again_id, said) == (app_id, "Already installed; nothing changed.")
    assert App.objects.count() == 1 and AppExtension.objects.count() == 4


def test_a_new_public_url_updates_the_app_in_place(db):
    app_id, _ = install()
    moved_id, said = install("https://admin.shop.cn/")
    assert moved_id == app_id
    assert "app.app_url" in said and "extension distributors: url" in said
    app = App.objects.get()
    assert app.app_url == "https://admin.shop.cn/plugins/global/wfx.distribution/dashboard/"
    assert all(e.url.startswith(app.app_url) for e in app.extensions.all())


def test_the_dashboards_app_token_works_with_the_shared_permissions(
    db,
    client,
    wfx_configuration,  # noqa: F811
    staff_api_client,
    permission_manage_users,
    permission_manage_apps,
):
    app_id, _ = install()
    create_distributor(code="AAA111", email="a@example.com")
    # The staff member manages users (and may see apps); the app also holds HANDLE_PAYMENTS,
    # which this person lacks.
    staff_api_client.user.user_permissions.add(permission_manage_users, permission_manage_apps)
    app = get_graphql_content(staff_api_client.post_graphql(APP_QUERY, {"id": app_id}))["data"][
        "app"
    ]
    assert sorted((e["mountName"], e["targetName"]) for e in app["extensions"]) == [
        ("CUSTOMER_DETAILS_WIDGETS", "WIDGET"),
        ("NAVIGATION_CUSTOMERS", "APP_PAGE"),
        ("NAVIGATION_ORDERS", "APP_PAGE"),
        ("ORDER_DETAILS_WIDGETS", "WIDGET"),
    ]
    token = app["accessToken"]
    assert token

    plugin_api = PluginApi(client)
    data = plugin_api.ok("{ distributors(first: 5) { totalCount } }", token=token)
    assert data == {"distributors": {"totalCount": 1}}
    # HANDLE_PAYMENTS is the app's, not the person's: refused.
    assert permission_denied(plugin_api("{ payouts(first: 5) { totalCount } }", token=token))

    # Deactivating the app in the dashboard ends its tokens at once.
    App.objects.filter(pk=App.objects.get().pk).update(is_active=False)
    response = client.post(
        GRAPHQL_URL,
        data='{"query": "{ distributors { totalCount } }"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 401
