"""Browser tests: the real pages in Debian's chromium, inside a host page on another origin
that plays Saleor's dashboard (tests/browser/host.html), against the sandbox server on the test
PostgreSQL."""

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from saleor_wfx_plugin.auth import Viewer
from saleor_wfx_plugin.sandbox.auth import issue_dashboard_token
from saleor_wfx_plugin.sandbox.dashboard_host import DASHBOARD_PATH, host_url, start_host
from tests.services.conftest import (  # noqa: F401  (shared fixtures)
    program,
    programme_switched_on_long_ago,
    shop,
)

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
# Playwright's sync API runs an event loop in the test's thread; the test's own ORM calls (set
# up data, check the outcome) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def staff(*permissions: str, user_id: str = "900", name: str = "Staff") -> Viewer:
    return Viewer(
        user_id=user_id,
        email=f"staff{user_id}@example.com",
        email_confirmed=True,
        is_staff=True,
        permissions=frozenset(permissions),
        name=name,
    )


EVERYTHING = ("MANAGE_USERS", "MANAGE_ORDERS", "HANDLE_PAYMENTS", "MANAGE_PLUGINS")


def token_for(viewer: Viewer, **kwargs) -> str:
    return issue_dashboard_token(viewer, **kwargs)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("WFX_BROWSER_TESTS_REQUIRED"):
            pytest.fail(f"{CHROMIUM} is missing (scripts/test.sh installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is missing: run scripts/test.sh, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def host_origin():
    """The dashboard's stand-in on 127.0.0.1 while the plugin answers on localhost: two
    origins, as in a shop, so referrer and postMessage origin checks are real."""
    server, origin = start_host()
    yield origin
    server.shutdown()


@pytest.fixture
def screenshots():
    """Where screenshots go: .artifacts/screenshots by default; WFX_SCREENSHOT_DIR=docs/screenshots
    refreshes the ones README shows."""
    directory = Path(os.environ.get("WFX_SCREENSHOT_DIR") or ROOT / ".artifacts" / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


class Dashboard:
    def __init__(self, page, requests):
        self.page = page
        self.requests = requests

    @property
    def app(self):
        return self.page.frame_locator("iframe")

    @property
    def frame(self):
        """The app's frame itself (another origin: the host page cannot script into it)."""
        return next(frame for frame in self.page.frames if DASHBOARD_PATH in frame.url)

    def refresh_token(self, token: str) -> None:
        self.page.evaluate("token => window.__refresh(token)", token)

    def actions(self, kind: str) -> list[dict]:
        return [a["payload"] for a in self.page.evaluate("window.__actions") if a["type"] == kind]

    def api_calls(self) -> list[dict]:
        return [r for r in self.requests if r["url"].endswith("/graphql/")]


def _saleor_user(route, users: dict[str, str]) -> None:
    body = json.loads(route.request.post_data or "{}")
    assert "user(id: $id)" in body["query"], body["query"]
    email = users.get(body["variables"]["id"])
    route.fulfill(
        status=200,
        content_type="application/json",
        body=json.dumps({"data": {"user": {"email": email} if email else None}}),
    )


# Playwright's 5 s default is a fast machine's; CI shares two cores with PostgreSQL, the live
# server and Chromium, where a screen's first query has been seen to take 4.7 s. A wait that
# runs out is a failure either way: a longer one only stops load from passing for a bug.
SLOW_MACHINE_TIMEOUT_MS = 20_000
expect.set_options(timeout=SLOW_MACHINE_TIMEOUT_MS)


@pytest.fixture
def open_dashboard(browser, live_server, host_origin, settings):
    settings.WFX_DASHBOARD_ORIGINS = [host_origin]
    contexts = []

    def open_(
        route: str,
        token: str,
        *,
        locale: str = "en",
        query: str = "",
        saleor_users: dict[str, str] | None = None,
    ) -> Dashboard:
        """`saleor_users` (customer global id → e-mail) plays Saleor's own API for `user(id)`:
        the sandbox has no Saleor behind it."""
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
        contexts.append(context)
        if saleor_users is not None:
            context.route(
                f"{live_server.url}/graphql/", lambda route: _saleor_user(route, saleor_users)
            )
        page = context.new_page()
        page.set_default_timeout(SLOW_MACHINE_TIMEOUT_MS)
        requests: list[dict] = []
        page.on(
            "request",
            lambda request: requests.append(
                {
                    "url": request.url,
                    "authorization": request.headers.get("authorization"),
                    "body": request.post_data,
                }
            ),
        )
        page.goto(host_url(host_origin, live_server.url, token, route, locale=locale, query=query))
        return Dashboard(page, requests)

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def default_grades(transactional_db):
    """The grade list the migrations install: a transactional test's flush deletes it, and the
    merchant's pages always have one."""
    from importlib import import_module

    from django.apps import apps

    import_module("saleor_wfx_plugin.migrations.0004_default_grades").create_default_grades(
        apps, None
    )
