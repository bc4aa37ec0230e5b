"""The plugin's HTTP surface as storefronts and browsers meet it: tokens, transport, GraphiQL,
CORS, the referral link, posters, and the printed schema."""

import io
import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from saleor_wfx_plugin.domain.money import Money
from saleor_wfx_plugin.graphql.core.errors import ERROR_CODES
from saleor_wfx_plugin.models import ReferralClick
from saleor_wfx_plugin.sandbox.auth import issue_token
from saleor_wfx_plugin.shop import ProductCard

from ..services.conftest import SERUM
from .conftest import GRAPHQL_URL, customer, staff

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
D = customer("4", "d@example.com")
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger"


def test_a_tampered_token_is_refused_not_treated_as_anonymous(api):
    token = issue_token(staff("MANAGE_USERS"))
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = api.raw("{ distributors(first: 1) { totalCount } }", token=forged)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "InvalidToken"


def test_graphiql_for_a_browser_get_while_debug_is_on(client, api, settings):
    settings.DEBUG = True
    response = client.get(GRAPHQL_URL)
    assert response.status_code == 200
    assert b"graphiql" in response.content.lower()


def test_no_graphiql_outside_debug_so_no_cdn_script_runs_beside_staff_tokens(client, api):
    # The test runner runs with DEBUG off, as a shop does.
    response = client.get(GRAPHQL_URL)
    assert response.status_code == 404
    assert b"unpkg" not in response.content
    assert "only while DEBUG is on" in response.content.decode()


def test_queries_over_get_but_never_mutations(client, api):
    token = issue_token(D)
    ok = client.get(
        GRAPHQL_URL,
        {"query": "{ me { distributor { code } } }"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert ok.json()["data"]["me"]["distributor"] is None  # no tree fixture: not a distributor
    refused = client.get(
        GRAPHQL_URL,
        {"query": 'mutation { distributorReject(id: "x", reason: "y") { errors { code } } }'},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert refused.json()["errors"][0]["message"] == "Mutations need POST."


def test_cors_preflight_lets_a_storefront_on_another_origin_send_its_token(client, api, settings):
    settings.ALLOWED_GRAPHQL_ORIGINS = ["https://shop.example.com"]
    preflight = client.options(GRAPHQL_URL, HTTP_ORIGIN="https://shop.example.com")
    assert preflight["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    stranger = client.options(GRAPHQL_URL, HTTP_ORIGIN="https://evil.example.net")
    assert "Access-Control-Allow-Origin" not in stranger


def test_malformed_requests_get_a_clear_error(client, api):
    bad_json = client.post(GRAPHQL_URL, data="{not json", content_type="application/json")
    assert bad_json.status_code == 400
    assert "not valid JSON" in bad_json.json()["errors"][0]["message"]
    bad_map = client.post(
        GRAPHQL_URL,
        data={"operations": json.dumps({"query": "{ grades { slug } }"}), "map": '{"0": ["x"]}'},
    )
    assert bad_map.status_code == 400
    bad_cursor = api(
        '{ distributors(first: 1, after: "!!") { totalCount } }', viewer=staff("MANAGE_USERS")
    )
    assert "Invalid cursor" in bad_cursor["errors"][0]["message"]


def test_batched_operations_answer_in_order(client, api):
    token = issue_token(staff("MANAGE_USERS"))
    response = client.post(
        GRAPHQL_URL,
        data=json.dumps(
            [{"query": "{ grades { slug } }"}, {"query": "{ me { team { directCount } } }"}]
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    first, second = response.json()
    assert [grade["slug"] for grade in first["data"]["grades"]] == ["ordinary", "gold", "partner"]
    assert second["data"]["me"]["team"] is None


def test_pages_of_distributors_follow_cursors_without_repeats(api, tree):
    viewer = staff("MANAGE_USERS")
    query = """query($after: String) { distributors(first: 3, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }"""
    first = api.ok(query, viewer=viewer)["distributors"]
    assert first["totalCount"] == 4 and first["pageInfo"]["hasNextPage"]
    second = api.ok(query, {"after": first["pageInfo"]["endCursor"]}, viewer=viewer)["distributors"]
    assert not second["pageInfo"]["hasNextPage"]
    codes = [e["node"]["code"] for e in first["edges"] + second["edges"]]
    assert sorted(codes) == ["AAA111", "BBB222", "CCC333", "DDD444"]
    too_many = api("{ distributors(first: 101) { totalCount } }", viewer=viewer)
    assert "between 0 and 100" in too_many["errors"][0]["message"]


def test_the_whole_api_is_gone_while_the_programme_is_off(client, api, settings):
    settings.WFX_PROGRAM_ACTIVE = False
    assert client.post(GRAPHQL_URL, data="{}", content_type="application/json").status_code == 404
    assert client.get("/plugins/global/wfx.distribution/r/DDD444").status_code == 404


def test_the_referral_link_counts_a_visit_and_carries_the_code(client, api, shop, tree):
    response = client.get(
        "/plugins/global/wfx.distribution/r/ddd444",
        {"next": "/products/serum"},
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert response["Location"] == "https://shop.example.com/products/serum?ref=DDD444"
    assert ReferralClick.objects.filter(distributor=tree[3]).count() == 1
    # The same visitor again the same day is the same click; it still converts into a stat.
    client.get(
        "/plugins/global/wfx.distribution/r/DDD444",
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="203.0.113.9",
    )
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    stats = api.ok("{ me { clicks { clicks referredOrders conversionRate } } }", viewer=D)
    assert stats["me"]["clicks"] == {"clicks": 1, "referredOrders": 1, "conversionRate": "1.0000"}


def test_a_referral_link_never_redirects_off_the_shop(client, api, tree):
    response = client.get(
        "/plugins/global/wfx.distribution/r/DDD444", {"next": "https://evil.example.net/phish"}
    )
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.query) == (
        "https",
        "shop.example.com",
        "ref=DDD444",
    )


def test_poster_for_a_product_is_generated_once_and_served_as_png(client, api, shop, tree):
    shop.add_product(
        ProductCard(
            product_id="UHJvZHVjdDo3Mg==",
            name="Serum",
            path="/products/serum",
            price=Money(Decimal("299.00"), "CNY"),
            version="1",
        )
    )
    query = '{ poster(productId: "UHJvZHVjdDo3Mg==") { url referralLink } }'
    first = api.ok(query, viewer=D)["poster"]
    again = api.ok(query, viewer=D)["poster"]
    assert first == again
    assert first["referralLink"].endswith("/r/DDD444?next=/products/serum")
    response = client.get(first["url"].replace("http://testserver", ""))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (750, 1334)

    missing = api('{ poster(productId: "UHJvZHVjdDo5OTk=") { url } }', viewer=D)
    assert missing["data"]["poster"] is None
    assert "not published" in missing["errors"][0]["message"]
    assert missing["errors"][0]["extensions"]["exception"]["code"] == "PRODUCT_NOT_FOUND"
    # Only a distributor has a link to put on a poster.
    assert api(query, viewer=customer("60"))["data"]["poster"] is None


def test_me_shows_earnings_and_monthly_sales_from_the_ledger(api, shop, tree):
    order = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(order.order_id)
    me = api.ok(
        """{ me { earnings { accrued { amount } reversed { amount } net { amount currency } }
                  sales { currency ownSales { amount } orders } } }""",
        viewer=D,
    )["me"]
    assert me["earnings"] == [
        {
            "accrued": {"amount": "29.90"},
            "reversed": {"amount": "0.00"},
            "net": {"amount": "29.90", "currency": "CNY"},
        }
    ]
    assert me["sales"] == [{"currency": "CNY", "ownSales": {"amount": "299.00"}, "orders": 1}]


def test_schema_graphql_in_the_repository_is_the_served_schema():
    """A change to the API shows up in review as a change to schema.graphql. To refresh it:
    python -m saleor_wfx_plugin.graphql.print_schema > schema.graphql"""
    from saleor_wfx_plugin.graphql.api import schema

    assert (ROOT / "schema.graphql").read_text(encoding="utf-8") == str(schema) + "\n"


def test_every_error_code_a_service_raises_is_in_the_api_enum():
    raised = set()
    for source in (ROOT / "saleor_wfx_plugin").rglob("*.py"):
        if source.name == "imports.py":  # per-row codes of a CSV report, not mutation errors
            continue
        raised |= set(re.findall(r'code="([a-z_]+)"', source.read_text(encoding="utf-8")))
    assert raised, "the scan found no codes: it is broken"
    assert raised <= set(ERROR_CODES), raised - set(ERROR_CODES)
