"""Abuse a merchant pays for: floods of applications, posters, payout requests and link clicks
are refused past their limits with RATE_LIMITED, and a click farm rotating its User-Agent from
one address counts as one visitor."""

from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.money import Money
from saleor_wfx_plugin.models import DistributorApplication, Payout, ReferralClick
from saleor_wfx_plugin.shop import ProductCard
from tests.services.helpers import staff_adjusts_balance

from .conftest import PLUGIN_ROOT, customer

pytestmark = pytest.mark.django_db

D = customer("4", "d@example.com")
ALICE = customer("50", "alice@example.com")
APPLY = """mutation($phone: String!) { distributorApply(input: {phone: $phone}) {
    application { status } errors { field code } } }"""
PAYOUT = """mutation($key: String!) { payoutRequest(input: {currency: "CNY", amount: "10",
    method: ALIPAY, payeeName: "王小明", account: "13812345678", idNumber: "11010519491231002X",
    idempotencyKey: $key}) {
    payout { id } errors { field code message } } }"""


def _codes(payload):
    return [error["code"] for error in payload["errors"]]


def test_applications_past_the_limit_are_rate_limited_and_not_filed(api, settings):
    settings.WFX_RATE_LIMITS = {"distributor_apply": (2, 3600)}
    # The first files it; the second is refused as a duplicate, but counts as an attempt.
    first = api(APPLY, {"phone": "13812345678"}, viewer=ALICE)["data"]["distributorApply"]
    second = api(APPLY, {"phone": "13812345678"}, viewer=ALICE)["data"]["distributorApply"]
    third = api(APPLY, {"phone": "13812345678"}, viewer=ALICE)["data"]["distributorApply"]

    assert first["errors"] == []
    assert _codes(second) == ["APPLICATION_PENDING"]
    assert third == {
        "application": None,
        "errors": [{"field": None, "code": "RATE_LIMITED"}],
    }
    assert DistributorApplication.objects.count() == 1
    # Another person is not held back by Alice's attempts.
    bob = api(APPLY, {"phone": "13812345679"}, viewer=customer("51"))["data"]["distributorApply"]
    assert bob["errors"] == []


def test_payout_requests_past_the_limit_are_rate_limited(api, tree, settings, monkeypatch):
    settings.WFX_RATE_LIMITS = {"payout_request": (3, 3600)}
    staff_adjusts_balance(
        distributor_id=tree[3].pk, currency="CNY", amount=Decimal("500"), reason="x"
    )
    answers = [api(PAYOUT, {"key": f"k-{n}"}, viewer=D)["data"]["payoutRequest"] for n in range(4)]

    assert [_codes(answer) for answer in answers[:3]] == [[], [], []]
    [limited] = answers[3]["errors"]
    assert limited["code"] == "RATE_LIMITED"
    assert "payout request" in limited["message"] and "try again in" in limited["message"]
    assert Payout.objects.filter(distributor=tree[3]).count() == 3


def test_posters_past_the_limit_are_rate_limited(api, shop, tree, settings):
    settings.WFX_RATE_LIMITS = {"poster": (2, 60)}
    shop.add_product(
        ProductCard(
            product_id="UHJvZHVjdDo3Mg==",
            name="Serum",
            path="/products/serum",
            price=Money(Decimal("299.00"), "CNY"),
            version="1",
        )
    )
    query = '{ poster(productId: "UHJvZHVjdDo3Mg==") { url } }'
    api.ok(query, viewer=D)
    api.ok(query, viewer=D)

    refused = api(query, viewer=D)

    assert refused["data"]["poster"] is None
    assert refused["errors"][0]["extensions"]["exception"]["code"] == "RATE_LIMITED"


def test_the_referral_link_past_the_limit_answers_429_rate_limited(client, api, tree, settings):
    settings.WFX_RATE_LIMITS = {"referral_link": (3, 60)}
    link = f"{PLUGIN_ROOT}/r/DDD444"
    for _ in range(3):
        assert client.get(link, REMOTE_ADDR="203.0.113.9").status_code == 302

    refused = client.get(link, REMOTE_ADDR="203.0.113.9")

    assert refused.status_code == 429
    assert refused.content.decode().startswith("RATE_LIMITED")
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another address is not held back.
    assert client.get(link, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_one_address_rotating_30_user_agents_is_one_visitor(client, api, tree):
    for n in range(30):
        client.get(
            f"{PLUGIN_ROOT}/r/DDD444",
            HTTP_USER_AGENT=f"Mozilla/5.0 (iPhone; CPU iPhone OS 17_{n} like Mac OS X) Mobile",
            REMOTE_ADDR="203.0.113.9",
        )

    assert ReferralClick.objects.filter(distributor=tree[3]).count() == 1
    stats = api.ok("{ me { clicks { clicks } } }", viewer=D)
    assert stats["me"]["clicks"] == {"clicks": 1}
