"""`scripts/demo.sh --serve`: the demo's data, the plugin on localhost, and the dashboard pages
framed by a stand-in dashboard on 127.0.0.1, so a newcomer sees the merchant's screens without
Saleor."""

from __future__ import annotations

import contextlib

from django.conf import settings


def serve(port: int) -> int:
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import WSGIServer, run

    from ..auth import Permission, Viewer
    from .auth import issue_dashboard_token
    from .dashboard_demo import seed_dashboard_data
    from .dashboard_host import host_url, start_host

    seed_dashboard_data()
    _, host_origin = start_host(port + 1)
    settings.WFX_DASHBOARD_ORIGINS = [host_origin]
    api_origin = f"http://localhost:{port}"
    staff = Viewer(
        user_id="1",
        email="owner@example.com",
        email_confirmed=True,
        is_staff=True,
        permissions=frozenset(permission.value for permission in Permission),
        name="Shop owner",
    )
    # The stand-in cannot renew a token as the dashboard does every five minutes.
    token = issue_dashboard_token(staff, lifetime_seconds=12 * 60 * 60)
    print("The dashboard pages, inside a stand-in for Saleor's dashboard (Ctrl+C stops):")
    print(f"  English:  {host_url(host_origin, api_origin, token, '/overview')}")
    print(f"  中文:     {host_url(host_origin, api_origin, token, '/overview', locale='zh-Hans')}")
    print(f"The token (12 hours, every permission): {token}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        run("localhost", port, WSGIHandler(), ipv6=False, threading=True, server_cls=WSGIServer)
    return 0
