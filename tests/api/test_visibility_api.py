"""What the public and distributors may see: nothing about anyone without a token, a distributor
themself and their own commission, team and application only, masked where it names others."""

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from saleor_wfx_plugin.models import DistributorApplication

from ..services.conftest import MASK, SERUM
from .conftest import customer, permission_denied, staff

pytestmark = pytest.mark.django_db


def test_nothing_about_any_distributor_is_public(api, tree):
    body = api(
        """{ me { distributor { code } } grades { slug }
             distributor(code: "DDD444") { code } }"""
    )
    assert body["data"] == {"me": None, "grades": None, "distributor": None}
    assert permission_denied(body)


def test_a_distributor_reads_themself_by_code_or_id_but_nobody_else(api, tree):
    _, _, c, d = tree
    viewer = customer("4", "d@example.com")
    own = api.ok(
        '{ distributor(code: "ddd444") { code upline { code } events { totalCount } } }',
        viewer=viewer,
    )
    # Staff-only parts of the record stay hidden even on one's own.
    assert own["distributor"] == {"code": "DDD444", "upline": None, "events": None}
    by_id = api.ok(
        "query($id: ID!) { distributor(id: $id) { code } }",
        {"id": to_global_id("Distributor", d.pk)},
        viewer=viewer,
    )
    assert by_id["distributor"]["code"] == "DDD444"
    for query, variables in (
        ('{ distributor(code: "CCC333") { code } }', None),
        ('{ distributor(code: "NOSUCH1") { code } }', None),
        (
            "query($id: ID!) { distributor(id: $id) { code } }",
            {"id": to_global_id("Distributor", c.pk)},
        ),
    ):
        body = api(query, variables, viewer=viewer)
        assert permission_denied(body) and body["data"]["distributor"] is None


COMMISSIONS = """query($filter: CommissionFilterInput) {
  commissions(first: 20, filter: $filter) {
    totalCount
    edges { node { orderNumber level status distributor { code } amount { amount currency }
                   base { amount } rate } }
  }
}"""


def test_staff_look_up_an_orders_commissions_by_number(api, shop, tree):
    order = shop.place_order([MASK, SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    other = shop.place_order([SERUM], referral_code="CCC333")
    shop.pay(other.order_id)
    viewer = staff("MANAGE_ORDERS")
    data = api.ok(COMMISSIONS, {"filter": {"orderNumber": order.number}}, viewer=viewer)
    by_level = {}
    for edge in data["commissions"]["edges"]:
        node = edge["node"]
        assert node["orderNumber"] == order.number
        code, total = by_level.get(node["level"], (node["distributor"]["code"], Decimal(0)))
        by_level[node["level"]] = (code, total + Decimal(node["amount"]["amount"]))
    # 328.70 of goods: 10 % seller, 5 % upline, 2 % grand upline; A (4th) earns nothing.
    assert by_level == {
        1: ("DDD444", Decimal("32.87")),
        2: ("CCC333", Decimal("16.44")),
        3: ("BBB222", Decimal("6.57")),
    }
    assert {edge["node"]["status"] for edge in data["commissions"]["edges"]} == {"PENDING"}

    shop.cancel(order.order_id)
    reversed_ = api.ok(COMMISSIONS, {"filter": {"status": ["REVERSED"]}}, viewer=viewer)
    assert {e["node"]["orderNumber"] for e in reversed_["commissions"]["edges"]} == {order.number}


def test_a_distributor_sees_only_their_own_commissions(api, shop, tree):
    _, _, c, _d = tree
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    viewer = customer("4", "d@example.com")
    own = api.ok(COMMISSIONS, viewer=viewer)["commissions"]
    assert own["totalCount"] == 1
    assert own["edges"][0]["node"]["distributor"]["code"] == "DDD444"
    assert own["edges"][0]["node"]["amount"] == {"amount": "29.90", "currency": "CNY"}

    body = api(
        COMMISSIONS, {"filter": {"distributor": to_global_id("Distributor", c.pk)}}, viewer=viewer
    )
    assert permission_denied(body) and body["data"]["commissions"] is None
    # A customer who is not a distributor and staff without MANAGE_ORDERS see nothing.
    for outsider in (customer("60"), staff("MANAGE_USERS")):
        assert permission_denied(api(COMMISSIONS, viewer=outsider))


def test_a_distributor_sees_their_team_as_masked_aggregates_two_levels_deep(api, shop, tree):
    _a, _b, c, d = tree
    for distributor, name, phone in (
        (c, "张三丰", "+8613812345678"),
        (d, "李四", "+8613987654321"),
    ):
        distributor.name, distributor.phone = name, phone
        distributor.save()
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    data = api.ok(
        """{ me { team { directCount indirectCount sales { sales { amount currency } orders }
             members(first: 10) { totalCount edges { node {
               level maskedName maskedPhone maskedEmail } } } } } }""",
        viewer=customer("2", "b@example.com"),
    )["me"]["team"]
    assert (data["directCount"], data["indirectCount"]) == (1, 1)
    assert data["sales"] == [{"sales": {"amount": "299.00", "currency": "CNY"}, "orders": 1}]
    assert [edge["node"] for edge in data["members"]["edges"]] == [
        {
            "level": 1,
            "maskedName": "张**",
            "maskedPhone": "138****5678",
            "maskedEmail": "c***@example.com",
        },
        {
            "level": 2,
            "maskedName": "李*",
            "maskedPhone": "139****4321",
            "maskedEmail": "d***@example.com",
        },
    ]
    # A is three levels above D: D is outside the team A may see.
    top = api.ok(
        "{ me { team { members(first: 10) { totalCount } } } }",
        viewer=customer("1", "a@example.com"),
    )
    assert top["me"]["team"]["members"]["totalCount"] == 2


def test_an_applicant_never_gets_their_documents_link_or_reviewers_names(api, tree):
    application = DistributorApplication.objects.create(
        user_id="60", phone="+8613800000060", recruiter=tree[0]
    )
    data = api.ok(
        "{ me { application { recruiter { code } documents { url } } } }", viewer=customer("60")
    )
    assert data["me"]["application"] == {"recruiter": None, "documents": []}
    assert application.pk
