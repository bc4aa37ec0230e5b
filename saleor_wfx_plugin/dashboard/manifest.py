"""The App manifest that puts the plugin's pages into Saleor's dashboard (Saleor 3.24's manifest
format: `saleor/app/manifest_schema.py` and `manifest_validations.py`).

Served at `<prefix>/dashboard/manifest.json` for `appInstall`, and built the same way by
`manage.py wfx_install_dashboard` for shops whose Saleor cannot fetch its own public URL. All
URLs are absolute, on the kept prefix (`public_base_url`: Saleor's PUBLIC_URL, else the request's
host). No `tokenTargetUrl`: the pages act with the staff member's own token
(`app(id){accessToken}`: the app's and the user's permissions intersected), never with a
long-lived app token, so Saleor has nothing to send the plugin at install time.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..auth import Permission
from ..saleor_host.routes import PLUGIN_ID

APP_IDENTIFIER = f"{PLUGIN_ID}.dashboard"
APP_NAME = "分销 Distribution"
REQUIRED_SALEOR_VERSION = ">=3.24.0-0 <3.25.0"

# The four permissions the screens need: distributors and applications (MANAGE_USERS),
# commissions and order widgets (MANAGE_ORDERS), grades and rules (MANAGE_PLUGINS), payouts and
# balances (HANDLE_PAYMENTS). A staff member sees each screen only with its permission too.
APP_PERMISSIONS = (
    Permission.MANAGE_USERS,
    Permission.MANAGE_ORDERS,
    Permission.MANAGE_PLUGINS,
    Permission.HANDLE_PAYMENTS,
)

# (identifier, label, mount, target, hash route, permissions). Labels are plain strings in the
# manifest (Saleor has no per-locale labels), so they are bilingual. The dashboard shows a
# sidebar item to whoever holds any of its permissions.
EXTENSIONS: tuple[tuple[str, str, str, str, str, tuple[Permission, ...]], ...] = (
    (
        "distributors",
        "分销员 Distributors",
        "NAVIGATION_CUSTOMERS",
        "APP_PAGE",
        "#/distributors",
        (Permission.MANAGE_USERS,),
    ),
    (
        "payouts",
        "佣金与提现 Commissions & payouts",
        "NAVIGATION_ORDERS",
        "APP_PAGE",
        "#/payouts",
        (Permission.MANAGE_ORDERS, Permission.HANDLE_PAYMENTS),
    ),
    (
        "order-widget",
        "分销佣金 Distribution commission",
        "ORDER_DETAILS_WIDGETS",
        "WIDGET",
        "#/widgets/order",
        (Permission.MANAGE_ORDERS,),
    ),
    (
        "customer-widget",
        "分销 Distribution",
        "CUSTOMER_DETAILS_WIDGETS",
        "WIDGET",
        "#/widgets/customer",
        (Permission.MANAGE_USERS,),
    ),
)


def app_url(base_url: str) -> str:
    return f"{base_url}/dashboard/"


def manifest_url(base_url: str) -> str:
    return f"{base_url}/dashboard/manifest.json"


def build_manifest(base_url: str) -> dict[str, Any]:
    """The manifest for the plugin's routes at `base_url` (absolute, no trailing slash)."""
    page = app_url(base_url)
    return {
        "id": APP_IDENTIFIER,
        "name": APP_NAME,
        "version": __version__,
        "about": "Social distribution (微分销): distributors and applications, three-level "
        "commission, payouts with two approvers, tax.",
        "author": "saleor-wfx-plugin",
        "permissions": [permission.value for permission in APP_PERMISSIONS],
        "appUrl": page,
        "homepageUrl": page,
        "supportUrl": page,
        "dataPrivacyUrl": page,
        "requiredSaleorVersion": REQUIRED_SALEOR_VERSION,
        "extensions": [
            {
                "identifier": identifier,
                "label": label,
                "mount": mount,
                "target": target,
                "url": page + route,
                "permissions": [permission.value for permission in permissions],
                # GET: the page renders in the browser (AppBridge handshake), not server-side.
                **({"options": {"widgetTarget": {"method": "GET"}}} if target == "WIDGET" else {}),
            }
            for identifier, label, mount, target, route, permissions in EXTENSIONS
        ],
        "webhooks": [],
    }
