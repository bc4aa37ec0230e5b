"""Field-level authorisation (issue 9, security item 3): a distributor's contact details, user
id and earnings need MANAGE_USERS or being that distributor, wherever the type is reached; a
refused field is a PermissionDenied in `errors` and null, the rest of the answer intact.
Distributors never see staff ids on their own records."""

from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.services.payouts import PayeeDetails, approve_payout, request_payout
from tests.services.helpers import staff_adjusts_balance

from ..services.conftest import SERUM
from .conftest import customer, staff

pytestmark = pytest.mark.django_db

PERSONAL = "code email phone userId earnings { net { amount } }"
PAYOUTS = (
    "{ payouts(first: 5) { edges { node { amount { amount } distributor { "
    + PERSONAL
    + " } } } } }"
)
COMMISSIONS = (
    "{ commissions(first: 20) { edges { node { level amount { amount } distributor { "
    + PERSONAL
    + " } } } } }"
)
D = customer("4", "d@example.com")


@pytest.fixture
def paid_seller(shop, tree):
    """D sold a serum (29.90 commission) and asked for 20 of an older 100, approved by 900."""
    d = tree[3]
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    staff_adjusts_balance(
        distributor_id=d.pk, currency="CNY", amount=Decimal(100), actor="user:901", reason="x"
    )
    payout = request_payout(
        d,
        currency="CNY",
        amount="20",
        payee=PayeeDetails("alipay", "丁", "13812345678", "", "11010519491231002X"),
        idempotency_key="k",
        actor="user:4",
        program=ProgramSettings(),
    )
    approve_payout(payout, actor="user:900", program=ProgramSettings())
    return d


def refused_paths(body):
    return sorted(
        tuple(error["path"])
        for error in body.get("errors", ())
        if error["extensions"]["exception"]["code"] == "PermissionDenied"
    )


def test_finance_reads_a_payouts_distributor_without_their_contact_details(api, paid_seller):
    body = api(PAYOUTS, viewer=staff("HANDLE_PAYMENTS"))
    [edge] = body["data"]["payouts"]["edges"]
    assert edge["node"] == {
        "amount": {"amount": "20.00"},
        "distributor": {
            "code": "DDD444",
            "email": None,
            "phone": None,
            "userId": None,
            "earnings": None,
        },
    }
    assert refused_paths(body) == [
        ("payouts", "edges", 0, "node", "distributor", field)
        for field in ("earnings", "email", "phone", "userId")
    ]
    assert all("MANAGE_USERS" in error["message"] for error in body["errors"])


def test_order_staff_read_a_commissions_distributor_without_their_contact_details(api, paid_seller):
    body = api(COMMISSIONS, viewer=staff("MANAGE_ORDERS"))
    edges = body["data"]["commissions"]["edges"]
    # 299.00 serum: D 10 %, C 5 %, B 2 %; every upline's record refused the same way.
    assert sorted((e["node"]["level"], e["node"]["distributor"]["code"]) for e in edges) == [
        (1, "DDD444"),
        (2, "CCC333"),
        (3, "BBB222"),
    ]
    assert {e["node"]["distributor"]["email"] for e in edges} == {None}
    assert len(refused_paths(body)) == 3 * 4


def test_user_managers_and_the_distributor_themself_see_them(api, paid_seller):
    payouts = api.ok(PAYOUTS, viewer=staff("MANAGE_USERS", "HANDLE_PAYMENTS"))
    distributor = payouts["payouts"]["edges"][0]["node"]["distributor"]
    assert (distributor["email"], distributor["userId"]) == ("d@example.com", "4")
    own = api.ok(
        "{ me { distributor { " + PERSONAL + " } "
        "payouts(first: 5) { edges { node { distributor { email } } } } } }",
        viewer=D,
    )["me"]
    assert (own["distributor"]["email"], own["distributor"]["userId"]) == ("d@example.com", "4")
    assert own["distributor"]["earnings"] == [{"net": {"amount": "29.90"}}]
    assert own["payouts"]["edges"][0]["node"]["distributor"] == {"email": "d@example.com"}


def test_a_distributor_sees_staff_not_their_ids(api, paid_seller):
    query = """{ me {
      payouts(first: 5) { edges { node { requestedBy approvedBy events { kind actor } } } }
      ledger(first: 20) { edges { node { kind actor } } } } }"""
    me = api.ok(query, viewer=D)["me"]
    [payout] = [edge["node"] for edge in me["payouts"]["edges"]]
    assert (payout["requestedBy"], payout["approvedBy"]) == ("user:4", "staff")
    assert [(e["kind"], e["actor"]) for e in payout["events"]] == [
        ("requested", "user:4"),
        ("approved", "staff"),
    ]
    actors = {(e["node"]["kind"], e["node"]["actor"]) for e in me["ledger"]["edges"]}
    assert ("ADJUSTMENT", "staff") in actors and ("RESERVATION", "user:4") in actors
    assert not any(actor.startswith(("user:9", "app:")) for _, actor in actors)
    # Staff see who it was.
    finance = api.ok(
        "{ payouts(first: 5) { edges { node { approvedBy events { actor } } } } }",
        viewer=staff("HANDLE_PAYMENTS"),
    )["payouts"]["edges"][0]["node"]
    assert finance["approvedBy"] == "user:900"
    assert [e["actor"] for e in finance["events"]] == ["user:4", "user:900"]


def test_an_applicant_and_a_distributor_see_staff_not_the_reviewer_or_identity_setter(api, tree):
    from graphql_relay import to_global_id

    from .test_lifecycle_api import ALICE, APPROVE, REVIEWER, apply

    applied = apply(api, inviteCode="aaa111")
    approved = api.ok(APPROVE, {"id": applied["application"]["id"]}, viewer=REVIEWER)
    assert approved["distributorApprove"]["application"]["reviewedBy"] == "user:900"
    own = api.ok("{ me { application { status reviewedBy } } }", viewer=ALICE)["me"]
    assert own["application"] == {"status": "APPROVED", "reviewedBy": "staff"}

    api.ok(
        """mutation($id: ID!) { distributorSetIdentity(id: $id, legalName: "丁大伟",
             idNumber: "11010519491231002X") { errors { code } } }""",
        {"id": to_global_id("Distributor", tree[3].pk)},
        viewer=staff("MANAGE_USERS"),
    )
    identity = api.ok("{ me { distributor { identity { setBy } } } }", viewer=D)
    assert identity["me"]["distributor"]["identity"] == {"setBy": "staff"}


def test_a_distributors_ledger_payouts_and_team_are_refused_as_errors_not_silent_nulls(
    api, paid_seller
):
    """Order staff reach D, C and B through commissions{distributor}: their ledgers, payouts
    and teams are refused with a PermissionDenied naming the permission, like every other
    PermissionsField, and the rest of the answer is intact."""
    query = (
        "{ commissions(first: 20) { edges { node { level distributor { code "
        "ledger(first: 5) { totalCount } payouts(first: 5) { totalCount } "
        "team(first: 5) { totalCount } } } } } }"
    )
    body = api(query, viewer=staff("MANAGE_ORDERS"))
    edges = body["data"]["commissions"]["edges"]
    assert sorted((e["node"]["level"], e["node"]["distributor"]["code"]) for e in edges) == [
        (1, "DDD444"),
        (2, "CCC333"),
        (3, "BBB222"),
    ]
    assert {
        (e["node"]["distributor"]["ledger"], e["node"]["distributor"]["payouts"]) for e in edges
    } == {(None, None)}
    assert {e["node"]["distributor"]["team"] for e in edges} == {None}
    assert refused_paths(body) == sorted(
        ("commissions", "edges", row, "node", "distributor", field)
        for row in range(3)
        for field in ("ledger", "payouts", "team")
    )
    needed = {error["path"][-1]: error["message"] for error in body["errors"]}
    assert "HANDLE_PAYMENTS" in needed["ledger"]
    assert "HANDLE_PAYMENTS" in needed["payouts"]
    assert "MANAGE_USERS" in needed["team"]


def test_finance_and_the_distributor_still_read_the_ledger_and_payouts(api, paid_seller):
    query = (
        "{ payouts(first: 1) { edges { node { distributor { ledger(first: 50) { totalCount } "
        "payouts(first: 5) { totalCount } } } } } }"
    )
    node = api.ok(query, viewer=staff("HANDLE_PAYMENTS"))["payouts"]["edges"][0]["node"]
    # D's ledger: the serum's accrual, the 100.00 adjustment and the request's two legs
    # (available -20, reserved +20).
    assert node["distributor"] == {"ledger": {"totalCount": 4}, "payouts": {"totalCount": 1}}
