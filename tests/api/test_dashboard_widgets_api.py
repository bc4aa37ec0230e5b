"""What the dashboard's customer widget asks the API: the distributor a Saleor customer is, and
the distributor the customer is bound to, whether the binding was made for their account or
for their e-mail when they checked out as a guest."""

import pytest
from graphql_relay import to_global_id

from tests.services.conftest import SERUM

from .conftest import customer, permission_denied, staff

pytestmark = pytest.mark.django_db

USERS_ONLY = staff("MANAGE_USERS", user_id="901")
D = customer("4", "d@example.com")

BY_USER = """query($user: ID) { distributor(userId: $user) { code } }"""


def test_a_distributor_by_saleor_user_id(api, tree):
    # The customer page's id as the dashboard has it, or the bare primary key.
    assert api.ok(BY_USER, {"user": to_global_id("User", "4")}, viewer=USERS_ONLY) == {
        "distributor": {"code": "DDD444"}
    }
    assert api.ok(BY_USER, {"user": "3"}, viewer=USERS_ONLY) == {"distributor": {"code": "CCC333"}}
    assert api.ok(BY_USER, {"user": "77"}, viewer=USERS_ONLY) == {"distributor": None}
    assert api.ok(BY_USER, {"user": "4"}, viewer=D) == {"distributor": {"code": "DDD444"}}
    assert permission_denied(api(BY_USER, {"user": "3"}, viewer=D))
    body = api(BY_USER, {"user": to_global_id("Order", "4")}, viewer=USERS_ONLY)
    assert "expected a User id" in body["errors"][0]["message"]


# The customer widget's query: by Saleor user and by the e-mail Saleor's API gave for them.
WIDGET = """query($user: ID!, $userPk: String!, $email: String) {
  distributor(userId: $user) { code }
  customerBindings(userId: $userPk, email: $email) {
    bindings { customerKey distributor { code } } } }"""


def test_the_customer_widget_finds_a_binding_made_as_a_guest_by_e_mail(api, shop, tree):
    # Li Na checked out as a guest through DDD444's link, then opened account 77.
    guest_order = shop.place_order([SERUM], referral_code="DDD444", email="Li.Na@Example.com")
    shop.pay(guest_order.order_id)
    by_account_only = {"user": to_global_id("User", "77"), "userPk": "77", "email": None}
    assert api.ok(WIDGET, by_account_only, viewer=USERS_ONLY) == {
        "distributor": None,
        "customerBindings": {"bindings": []},
    }
    with_email = {**by_account_only, "email": "li.na@example.com"}
    assert api.ok(WIDGET, with_email, viewer=USERS_ONLY) == {
        "distributor": None,
        "customerBindings": {
            "bindings": [
                {"customerKey": "email:li.na@example.com", "distributor": {"code": "DDD444"}}
            ]
        },
    }
    assert permission_denied(api(WIDGET, with_email, viewer=D))
