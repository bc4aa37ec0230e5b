"""What staff do on the dashboard pages, in a real browser inside a stand-in dashboard."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from saleor_wfx_plugin.auth import Viewer
from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.models import DistributorApplication, Payout
from saleor_wfx_plugin.services.applications import apply
from saleor_wfx_plugin.services.distributors import create_distributor
from saleor_wfx_plugin.services.payouts import PayeeDetails, request_payout
from tests.services.helpers import staff_adjusts_balance

from .conftest import EVERYTHING, staff, token_for

# Transactional: the live server's thread must see the data the test writes.
pytestmark = pytest.mark.django_db(transaction=True)

USERS_CLERK = staff("MANAGE_USERS", user_id="900")
CASHIER = staff("HANDLE_PAYMENTS", user_id="901")
SECOND_CASHIER = staff("HANDLE_PAYMENTS", user_id="902")


def application(user_id="50", name="周小芳", phone="13800138000"):
    customer = Viewer(
        user_id=user_id, email=f"u{user_id}@example.com", email_confirmed=True, name=name
    )
    return apply(customer, phone=phone, name=name, program=ProgramSettings())


def payout(amount: str, *, code="DDD444", user_id="4"):
    distributor = create_distributor(code=code, email=f"{code}@example.com", user_id=user_id)
    staff_adjusts_balance(
        distributor_id=distributor.pk,
        currency="CNY",
        amount=Decimal("9000"),
        reason="opening balance",
    )
    return request_payout(
        distributor,
        currency="CNY",
        amount=Decimal(amount),
        payee=PayeeDetails(
            "bank", "王小明", "6222 0212 3456 7890 123", "ICBC", "11010519491231002X"
        ),
        idempotency_key=f"browser-{code}",
        actor=f"user:{user_id}",
        program=ProgramSettings(),
    )


def tab(dashboard, name: str):
    # Exact: "Approved (1)" would also match "First approved (1)".
    return dashboard.app.get_by_role("tab", name=name, exact=True)


def confirm(dashboard, reason: str | None = None):
    dialog = dashboard.app.get_by_role("dialog")
    if reason is not None:
        dialog.locator("textarea").fill(reason)
    dialog.get_by_test_id("confirm").click()


def test_staff_approve_an_application(open_dashboard, screenshots):
    pending = application()
    dashboard = open_dashboard("/applications", token_for(USERS_CLERK))
    row = dashboard.app.get_by_test_id("application-row").filter(has_text="周小芳")
    expect(row).to_contain_text("13800138000")
    expect(tab(dashboard, "Pending (1)")).to_be_visible()
    dashboard.page.screenshot(path=screenshots / "applications.png")

    row.get_by_role("button", name="Approve").click()
    confirm(dashboard)

    expect(tab(dashboard, "Approved (1)")).to_be_visible()
    expect(dashboard.app.get_by_test_id("application-row")).to_have_count(0)
    pending.refresh_from_db()
    assert pending.status == DistributorApplication.Status.APPROVED
    assert pending.reviewed_by == "user:900"
    assert pending.distributor.is_active
    # The dashboard shows its own toast; the token never travels in an action.
    assert {"status": "success", "title": "Application approved"}.items() <= (
        dashboard.actions("notification")[-1].items()
    )


def test_staff_reject_an_application_only_with_a_reason(open_dashboard):
    pending = application(user_id="54", name="赵强")
    dashboard = open_dashboard("/applications", token_for(USERS_CLERK))
    dashboard.app.get_by_test_id("application-row").get_by_role("button", name="Reject").click()
    dialog = dashboard.app.get_by_role("dialog")
    expect(dialog.get_by_test_id("confirm")).to_be_disabled()
    dialog.locator("textarea").fill("The ID card photo is unreadable")
    dialog.get_by_test_id("confirm").click()

    tab(dashboard, "Rejected (1)").click()
    expect(dashboard.app.get_by_test_id("application-row")).to_contain_text(
        "The ID card photo is unreadable"
    )
    pending.refresh_from_db()
    assert pending.status == DistributorApplication.Status.REJECTED
    assert pending.rejection_reason == "The ID card photo is unreadable"


def test_a_payout_is_approved_then_marked_paid(open_dashboard, screenshots):
    requested = payout("300")
    dashboard = open_dashboard("/payouts", token_for(CASHIER))
    row = dashboard.app.get_by_test_id("payout-row").filter(has_text="王小明")
    expect(row).to_contain_text("**** 0123")
    expect(row).to_contain_text("¥300.00")
    dashboard.page.screenshot(path=screenshots / "payouts.png")

    row.get_by_test_id("approve").click()
    confirm(dashboard)
    tab(dashboard, "Approved (1)").click()
    dashboard.app.get_by_test_id("payout-row").get_by_test_id("mark-paid").click()
    confirm(dashboard, reason="ICBC-20261202-0001")

    expect(tab(dashboard, "Paid (1)")).to_be_visible()
    requested.refresh_from_db()
    assert requested.status == Payout.Status.PAID
    assert requested.transfer_reference == "ICBC-20261202-0001"
    assert (requested.approved_by, requested.paid_by) == ("user:901", "user:901")


def test_the_second_approval_of_a_large_payout_needs_another_person(open_dashboard):
    # 6000 CNY is above the default 5000 CNY second-approval threshold.
    large = payout("6000")
    dashboard = open_dashboard("/payouts", token_for(CASHIER))
    dashboard.app.get_by_test_id("payout-row").get_by_test_id("approve").click()
    confirm(dashboard)

    tab(dashboard, "First approved (1)").click()
    approve = dashboard.app.get_by_test_id("payout-row").get_by_test_id("approve")
    expect(approve).to_be_disabled()
    expect(dashboard.app.get_by_test_id("second-approver-note")).to_contain_text(
        "a different staff member must give the second"
    )
    large.refresh_from_db()
    assert large.status == Payout.Status.FIRST_APPROVED

    # Another cashier opens the same page: the dashboard hands the frame their token.
    dashboard.refresh_token(token_for(SECOND_CASHIER))
    expect(approve).to_be_enabled()
    approve.click()
    confirm(dashboard)
    expect(tab(dashboard, "Approved (1)")).to_be_visible()
    large.refresh_from_db()
    assert (large.status, large.first_approved_by, large.approved_by) == (
        Payout.Status.APPROVED,
        "user:901",
        "user:902",
    )


def test_a_refused_action_shows_the_apis_message_where_it_was_attempted(open_dashboard):
    pending = application(user_id="51", name="李雷")
    dashboard = open_dashboard("/applications", token_for(USERS_CLERK))
    row = dashboard.app.get_by_test_id("application-row").filter(has_text="李雷")
    expect(row).to_be_visible()
    # Meanwhile a colleague made this customer a distributor by hand.
    create_distributor(code="LEI001", email="u51@example.com", user_id="51")

    row.get_by_role("button", name="Approve").click()
    confirm(dashboard)
    error = dashboard.app.get_by_role("dialog").get_by_test_id("api-error")
    expect(error).to_contain_text(
        "This customer is already a distributor; reject the application instead."
    )
    pending.refresh_from_db()
    assert pending.status == DistributorApplication.Status.PENDING


def test_requests_after_a_token_refresh_carry_the_new_token(open_dashboard):
    pending = application(user_id="52", name="韩梅梅")
    first = token_for(staff("MANAGE_USERS", user_id="903"))
    dashboard = open_dashboard("/applications", first)
    row = dashboard.app.get_by_test_id("application-row").filter(has_text="韩梅梅")
    expect(row).to_be_visible()
    assert {call["authorization"] for call in dashboard.api_calls()} == {f"Bearer {first}"}

    renewed = token_for(staff("MANAGE_USERS", user_id="904"))
    dashboard.refresh_token(renewed)
    row.get_by_role("button", name="Approve").click()
    confirm(dashboard)
    expect(tab(dashboard, "Approved (1)")).to_be_visible()

    approval = next(c for c in dashboard.api_calls() if "distributorApprove" in (c["body"] or ""))
    assert approval["authorization"] == f"Bearer {renewed}"
    pending.refresh_from_db()
    assert pending.reviewed_by == "user:904"


def test_an_expired_token_is_renewed_through_a_new_handshake(open_dashboard):
    application(user_id="53", name="王芳")
    expired = token_for(USERS_CLERK, lifetime_seconds=-10)
    dashboard = open_dashboard("/applications", expired)
    # The page asks the dashboard again (notifyReady); our stand-in answers with the same
    # expired token, so the API's refusal must show instead of an empty list.
    expect(dashboard.app.get_by_test_id("api-error").first).to_contain_text("expired")
    assert len(dashboard.actions("notifyReady")) >= 2


@pytest.mark.parametrize("locale", ["zh-Hans", "zh-CN"])
def test_a_chinese_dashboard_shows_the_pages_in_simplified_chinese(
    open_dashboard, locale, screenshots
):
    payout("300")
    dashboard = open_dashboard("/payouts", token_for(staff(*EVERYTHING)), locale=locale)
    expect(dashboard.app.get_by_role("heading", name="提现审核")).to_be_visible()
    expect(tab(dashboard, "申请中 (1)")).to_be_visible()
    row = dashboard.app.get_by_test_id("payout-row")
    expect(row).to_contain_text("银行卡")
    expect(row.get_by_test_id("approve")).to_have_text("通过")
    if locale == "zh-Hans":
        dashboard.page.screenshot(path=screenshots / "payouts-zh-Hans.png")
    # The API hears the language too, for its own messages.
    assert dashboard.frame.evaluate("document.documentElement.lang") == "zh-Hans"


def test_a_cashier_sees_only_payouts_and_the_rest_disabled_naming_the_permission(
    open_dashboard, screenshots
):
    dashboard = open_dashboard("/payouts", token_for(CASHIER))
    nav = dashboard.app.get_by_test_id("nav")
    expect(nav.locator("[data-screen=payouts]")).to_be_enabled()
    expect(nav.locator("[data-screen=overview]")).to_be_enabled()
    for screen in ("applications", "distributors", "commissions", "programme"):
        expect(nav.locator(f"[data-screen={screen}]")).to_be_disabled()
    expect(nav.locator("[data-screen=programme]")).to_have_attribute(
        "title", "It needs the MANAGE_PLUGINS permission."
    )
    dashboard.frame.evaluate("location.hash = '#/applications'")
    expect(dashboard.app.get_by_test_id("screen-disabled")).to_contain_text(
        "It needs the MANAGE_USERS permission."
    )
    dashboard.page.screenshot(path=screenshots / "permission-disabled.png")
    # Nothing was even asked of the API for the screen it cannot open.
    assert not any("applications" in (c["body"] or "") for c in dashboard.api_calls())


def test_the_banks_reconciliation_file_marks_payouts_paid_and_reports_each_line(
    open_dashboard, tmp_path
):
    from saleor_wfx_plugin.services.payouts import approve_payout

    approved = approve_payout(payout("300"), actor="user:901", program=ProgramSettings())
    dashboard = open_dashboard("/payouts", token_for(CASHIER))
    with dashboard.page.expect_download() as download:
        dashboard.app.get_by_role("button", name="Export approved payouts to a bank batch").click()
    assert "6222021234567890123" in download.value.path().read_text(encoding="utf-8")
    approved.refresh_from_db()
    assert approved.status == Payout.Status.EXPORTED

    bank_file = tmp_path / "bank.csv"
    bank_file.write_text(f"payout_id,reference\n{approved.pk},ICBC-RECON-7\n999999,ICBC-RECON-8\n")
    dashboard.app.get_by_label("Bank reconciliation file").set_input_files(bank_file)
    dashboard.app.get_by_role("button", name="Upload").click()
    report = dashboard.app.get_by_test_id("bulk-report")
    expect(report).to_contain_text("Line 2: marked paid")
    expect(report).to_contain_text("Line 3: refused — No such payout.")
    approved.refresh_from_db()
    assert (approved.status, approved.transfer_reference) == (Payout.Status.PAID, "ICBC-RECON-7")
