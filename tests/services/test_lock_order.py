"""Locks are taken in one order everywhere (tree lock, then distributors by id, then
settlements by id), and distributor and settlement rows are locked FOR NO KEY UPDATE so that the
ledger's foreign-key checks never wait on them. Each race is staged at the point where the old
order deadlocked: one transaction holds its first lock and waits, the other is let go only once
PostgreSQL shows it blocked (or finished), then the first continues."""

import json
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from graphql_relay import to_global_id

from saleor_wfx_plugin.models import Distributor, DistributorApplication, LedgerEntry, Payout
from saleor_wfx_plugin.sandbox.auth import issue_token
from saleor_wfx_plugin.sandbox.simulator import SimulatedLine
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services import distributors as distributor_service
from saleor_wfx_plugin.services import ledger as ledger_service
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.services.payouts import PayeeDetails, request_payout
from tests.api.conftest import GRAPHQL_URL, staff

pytestmark = pytest.mark.django_db(transaction=True)

GOODS = SimulatedLine("Tea set", Decimal("1000.00"), product_id="tea")
WALLET = PayeeDetails("alipay", "王小明", "13812345678", "", "11010519491231002X")
FRIDAY = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
WEDNESDAY = datetime(2030, 3, 6, 0, 0, tzinfo=UTC)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_blocked_or_done(pid_box: list, done: threading.Event, timeout: float = 10) -> bool:
    """True once the other transaction waits on a lock (or has finished without waiting), seen
    from a third connection's view of pg_stat_activity."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done.is_set():
            return True
        if pid_box:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid_box[0]]
                )
                row = cursor.fetchone()
            if row and row[0] == "Lock":
                return True
        time.sleep(0.02)
    return False


def run(target, errors):
    def wrapped():
        try:
            target()
        except Exception as error:  # surfaced by the test's assertion
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=wrapped)
    thread.start()
    return thread


def test_an_early_payout_request_beside_the_settling_task_does_not_deadlock(
    shop, tree, program, monkeypatch
):
    early_on = program(
        commission_levels="1",
        early_withdrawal="true",
        tax_policy="none",
        settlement_days="3",
        confirm_days_after_fulfilment="0",
    )
    d = tree[3]
    for _ in range(2):
        order = shop.place_order([GOODS], referral_code="DDD444")
        shop.pay(order.order_id)
        shop.fulfil(order.order_id, at=FRIDAY)
    settle_due(now=FRIDAY)
    assert balance(d, "CNY").on_hold == Decimal("200.00")

    settler_holds_rows = threading.Event()
    request_done = threading.Event()
    request_pid: list[int] = []
    original_move = ledger_service._move_settlement_balances

    def move_after_the_request_is_waiting(*args, **kwargs):
        # The settling task has locked its batch of settlements; the request now starts, takes
        # the distributor and reaches for the same settlements. Only then does the task write
        # its ledger rows, which check the distributor's row (a key-share lock).
        settler_holds_rows.set()
        assert wait_until_blocked_or_done(request_pid, request_done)
        return original_move(*args, **kwargs)

    monkeypatch.setattr(
        ledger_service, "_move_settlement_balances", move_after_the_request_is_waiting
    )
    errors: list[Exception] = []

    def settle():
        settle_due(now=WEDNESDAY)

    def request():
        settler_holds_rows.wait(10)
        request_pid.append(backend_pid())
        try:
            request_payout(
                Distributor.objects.get(pk=d.pk),
                currency="CNY",
                amount="150",
                payee=WALLET,
                idempotency_key="early",
                actor="user:4",
                program=early_on,
                early=True,
            )
        finally:
            request_done.set()

    threads = [run(settle, errors), run(request, errors)]
    for thread in threads:
        thread.join(30)

    assert errors == []
    # The task released both holds first; the request then found the money available.
    payout = Payout.objects.get()
    assert (payout.amount, payout.early_amount, payout.fee) == (
        Decimal("150.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    now = balance(d, "CNY")
    assert (now.on_hold, now.available, now.reserved) == (
        Decimal("0.00"),
        Decimal("50.00"),
        Decimal("150.00"),
    )


def graphql(query, variables, viewer):
    response = Client().post(
        GRAPHQL_URL,
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issue_token(viewer)}",
    )
    return response.status_code, response.json()


SET_UPLINE = """mutation($id: ID!, $upline: ID) { distributorSetUpline(id: $id, upline: $upline,
    reason: "merge teams") { distributor { upline { code } } errors { field code } } }"""
APPROVE = """mutation($id: ID!) { distributorApprove(id: $id) {
    distributor { code upline { code } } errors { field code } } }"""


def test_approving_an_application_beside_moving_its_recruiter_does_not_deadlock(tree, monkeypatch):
    _, b, _, d = tree
    reviewer = staff("MANAGE_USERS")
    # D recruited this applicant; at the same moment staff move D under B.
    application = DistributorApplication.objects.create(
        user_id="77", email="new@example.com", phone="+8613800000077", recruiter=d
    )
    mover_inside = threading.Event()
    approval_done = threading.Event()
    approval_pid: list[int] = []
    original_change_upline = distributor_service.change_upline

    def change_upline_once_the_approval_runs(*args, **kwargs):
        # The mutation has done whatever it does before the service; the approval now starts
        # and takes what it takes. Only once it waits (or is done) does the move continue.
        mover_inside.set()
        assert wait_until_blocked_or_done(approval_pid, approval_done)
        return original_change_upline(*args, **kwargs)

    monkeypatch.setattr(distributor_service, "change_upline", change_upline_once_the_approval_runs)
    results: dict[str, tuple[int, dict]] = {}
    errors: list[Exception] = []

    def move():
        results["move"] = graphql(
            SET_UPLINE,
            {"id": to_global_id("Distributor", d.pk), "upline": to_global_id("Distributor", b.pk)},
            reviewer,
        )

    def approve():
        mover_inside.wait(10)
        approval_pid.append(backend_pid())
        try:
            results["approve"] = graphql(
                APPROVE, {"id": to_global_id("DistributorApplication", application.pk)}, reviewer
            )
        finally:
            approval_done.set()

    threads = [run(move, errors), run(approve, errors)]
    for thread in threads:
        thread.join(30)

    assert errors == []
    for name, (status, body) in results.items():
        assert status == 200, (name, body)
        assert "errors" not in body, (name, body["errors"])
    assert results["move"][1]["data"]["distributorSetUpline"]["errors"] == []
    assert results["approve"][1]["data"]["distributorApprove"]["errors"] == []
    new = Distributor.objects.get(user_id="77")
    assert new.upline_id == d.pk
    assert Distributor.objects.get(pk=d.pk).upline_id == b.pk
    assert LedgerEntry.objects.count() == 0
