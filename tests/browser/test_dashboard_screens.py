"""Every screen with the demo's data: it renders without an error, shows the figures a merchant
checks, and leaves a screenshot (README shows them)."""

import base64
import re
import uuid
from datetime import UTC, datetime

import pytest
from graphql_relay import to_global_id
from playwright.sync_api import expect

from saleor_wfx_plugin.models import (
    CustomerBinding,
    Distributor,
    DistributorEvent,
    ReferralAttribution,
)
from saleor_wfx_plugin.sandbox.dashboard_demo import seed_dashboard_data

from .conftest import EVERYTHING, staff, token_for

# Transactional: the live server's thread must see the data the test writes.
pytestmark = pytest.mark.django_db(transaction=True)

OWNER = staff(*EVERYTHING, user_id="1", name="Shop owner")


@pytest.fixture
def demo():
    seed_dashboard_data()


def show(dashboard, test_id, screenshots, name, ready):
    """The screen once its data is in (`ready` is a text it then shows), with its screenshot."""
    screen = dashboard.app.get_by_test_id(test_id)
    expect(screen).to_contain_text(ready)
    expect(dashboard.app.get_by_test_id("api-error")).to_have_count(0)
    # The frame itself: a page screenshot can catch the other-origin frame before it paints.
    dashboard.page.locator("iframe").screenshot(path=screenshots / f"{name}.png")
    return screen


def test_the_overview_lists_the_queues_waiting_for_staff(demo, open_dashboard, screenshots):
    dashboard = open_dashboard("/overview", token_for(OWNER))
    show(dashboard, "screen-overview", screenshots, "overview", "Applications to review")
    todo = dashboard.app.get_by_test_id("todo")
    # Two applications and two payout requests wait; the demo's own payout was paid.
    expect(todo).to_contain_text("Applications to review: 2")
    expect(todo).to_contain_text("Payouts to approve: 2")
    todo.get_by_role("button", name="Payouts to approve: 2").click()
    expect(dashboard.app.get_by_test_id("screen-payouts")).to_be_visible()
    assert "/payouts" in [action["newRoute"] for action in dashboard.actions("updateRouting")]


def test_the_distributor_list_and_a_distributors_page(demo, open_dashboard, screenshots):
    dashboard = open_dashboard("/distributors", token_for(OWNER))
    screen = show(dashboard, "screen-distributors", screenshots, "distributors", "CCC333")

    def row(code):
        return screen.get_by_role("row", name=re.compile(f"^{code} "))

    expect(row("CCC333")).to_contain_text("BBB222")  # C's upline
    expect(row("EEE555")).to_contain_text("Suspended")

    row("DDD444").get_by_role("link", name="DDD444").click()
    detail = show(dashboard, "screen-distributor", screenshots, "distributor", "Level 2: CCC333")
    # D's chain: C (level 2) and B (level 3); A, four generations up, is not on it.
    expect(detail).to_contain_text("Level 2: CCC333")
    expect(detail).to_contain_text("Level 3: BBB222")
    expect(detail).not_to_contain_text("AAA111")
    # Its history: the commission, the ledger's entries, and the payout the demo paid D.
    expect(detail.locator("tr", has_text="#1009")).to_have_count(2)
    expect(detail).to_contain_text("ACCRUAL")
    expect(detail.locator("tr", has_text="Paid").filter(has_text="Bank card")).to_have_count(1)


def test_a_distributor_is_suspended_with_a_reason_from_their_page(demo, open_dashboard):
    d = Distributor.objects.get(code="DDD444")
    dashboard = open_dashboard(
        f"/distributors/{to_global_id('Distributor', d.pk)}", token_for(OWNER)
    )
    dashboard.app.get_by_role("button", name="Suspend").click()
    dialog = dashboard.app.get_by_role("dialog")
    expect(dialog.get_by_test_id("confirm")).to_be_disabled()  # a reason is required
    dialog.locator("textarea").fill("Spam links in a WeChat group")
    dialog.get_by_test_id("confirm").click()
    expect(dashboard.app.get_by_role("button", name="Reactivate")).to_be_visible()
    d.refresh_from_db()
    assert d.status == "suspended"
    event = DistributorEvent.objects.filter(distributor=d).latest("id")
    assert (event.actor, event.reason) == ("user:1", "Spam links in a WeChat group")


def test_commissions_show_every_level_of_an_order(demo, open_dashboard, screenshots):
    first = ReferralAttribution.objects.filter(seller__code="DDD444").order_by("id").first()
    dashboard = open_dashboard("/commissions", token_for(OWNER))
    screen = show(dashboard, "screen-commissions", screenshots, "commissions", "Level 3")
    screen.locator("label", has_text="Order").locator("input").fill(first.order_number)
    screen.get_by_role("button", name="Search").click()
    rows = screen.get_by_test_id("commission-row")
    # Two lines, three levels each.
    expect(rows).to_have_count(6)
    # Mask 3 × 9.90 and the serum (299.00, its 20 % product rule) on D's link: D, C, B.
    expect(rows.filter(has_text="Level 1").filter(has_text="Serum")).to_contain_text("CN¥59.80")
    expect(rows.filter(has_text="Level 2").filter(has_text="Serum")).to_contain_text("CN¥14.95")
    expect(rows.filter(has_text="Level 3").filter(has_text="Serum")).to_contain_text("CN¥5.98")
    expect(rows.filter(has_text="Level 4")).to_have_count(0)


def test_the_programme_screen(demo, open_dashboard, screenshots):
    dashboard = open_dashboard("/programme", token_for(OWNER))
    screen = show(dashboard, "screen-programme", screenshots, "programme", "Gold")
    expect(screen.get_by_test_id("grade-row").filter(has_text="gold")).to_contain_text("15.00%")
    # The demo's 20 % rule for the serum (Saleor, absent here, would name the product).
    rule = screen.get_by_test_id("rule-row")
    expect(rule).to_contain_text(to_global_id("Product", "serum-299"))
    expect(rule).to_contain_text("20.00%")


def test_the_applications_and_payout_queues_in_chinese(demo, open_dashboard, screenshots):
    dashboard = open_dashboard("/applications", token_for(OWNER), locale="zh-Hans")
    show(dashboard, "screen-applications", screenshots, "applications-zh-Hans", "周小芳")
    expect(dashboard.app.get_by_role("tab", name="待审核 (2)", exact=True)).to_be_visible()


def test_the_order_widget_shows_the_orders_commission_per_level(demo, open_dashboard, screenshots):
    first = ReferralAttribution.objects.filter(seller__code="DDD444").order_by("id").first()
    order_id = base64.b64encode(f"Order:{first.order_id}".encode()).decode()
    dashboard = open_dashboard("/widgets/order", token_for(OWNER), query=f"&orderId={order_id}")
    widget = show(dashboard, "widget-order", screenshots, "widget-order", "Referred by DDD444")
    expect(widget).to_contain_text("Referred by DDD444")
    expect(widget.locator("tr", has_text="Level 3")).to_have_count(2)


def test_the_customer_widget_shows_whom_the_customer_is_bound_to(demo, open_dashboard, screenshots):
    # Customer 4 bought through DDD444's link: bound for 90 days from 1 March.
    CustomerBinding.objects.create(
        customer_key="user:4",
        distributor=Distributor.objects.get(code="DDD444"),
        bound_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
        expires_at=datetime(2026, 5, 30, 12, tzinfo=UTC),
        source_order_id=uuid.uuid4(),
    )
    customer_id = base64.b64encode(b"User:4").decode()
    dashboard = open_dashboard(
        "/widgets/customer",
        token_for(OWNER),
        query=f"&customerId={customer_id}",
        saleor_users={customer_id: "wang.wu@example.com"},
    )
    widget = show(dashboard, "widget-customer", screenshots, "widget-customer", "DDD444")
    binding = widget.get_by_test_id("customer-binding")
    expect(binding).to_contain_text("Bound to distributorDDD444")
    expect(binding).to_contain_text("Bound since1 Mar 2026")
    expect(binding).to_contain_text("Bound until30 May 2026")
    expect(widget).to_contain_text("This customer is not a distributor.")


def test_the_customer_widget_of_a_distributor(demo, open_dashboard):
    Distributor.objects.filter(code="CCC333").update(user_id="5")
    customer_id = base64.b64encode(b"User:5").decode()
    dashboard = open_dashboard(
        "/widgets/customer", token_for(OWNER), query=f"&customerId={customer_id}"
    )
    widget = dashboard.app.get_by_test_id("widget-customer")
    expect(widget).to_contain_text("This customer is the distributor CCC333")
    expect(widget.get_by_test_id("customer-binding")).to_contain_text(
        "This customer is not bound to a distributor."
    )


def test_the_customer_widget_shows_a_binding_made_as_a_guest_by_e_mail(demo, open_dashboard):
    # Li Na checked out as a guest through DDD444's link (bound by e-mail), then opened account 8.
    CustomerBinding.objects.create(
        customer_key="email:li.na@example.com",
        distributor=Distributor.objects.get(code="DDD444"),
        bound_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
        expires_at=datetime(2026, 5, 30, 12, tzinfo=UTC),
        source_order_id=uuid.uuid4(),
    )
    customer_id = base64.b64encode(b"User:8").decode()
    token = token_for(OWNER)
    dashboard = open_dashboard(
        "/widgets/customer",
        token,
        query=f"&customerId={customer_id}",
        saleor_users={customer_id: "Li.Na@example.com"},
    )
    binding = dashboard.app.get_by_test_id("customer-binding")
    expect(binding).to_contain_text("Bound to distributorDDD444")
    expect(binding).to_contain_text("Bound asa guest, by e-mail")
    expect(binding).to_contain_text("Bound until30 May 2026")
    # Saleor's API was asked with the dashboard's token, as the plugin's.
    saleor_calls = [call for call in dashboard.api_calls() if "/plugins/" not in call["url"]]
    assert [call["authorization"] for call in saleor_calls] == [f"Bearer {token}"]


def test_the_customer_widget_says_when_saleor_gives_no_e_mail(demo, open_dashboard):
    customer_id = base64.b64encode(b"User:8").decode()
    dashboard = open_dashboard(
        "/widgets/customer", token_for(OWNER), query=f"&customerId={customer_id}"
    )
    binding = dashboard.app.get_by_test_id("customer-binding")
    expect(binding).to_contain_text("This customer is not bound to a distributor.")
    expect(binding).to_contain_text("Saleor did not give this customer's e-mail")
