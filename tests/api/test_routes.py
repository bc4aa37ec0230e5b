"""The routes Saleor keeps: everything is served below `/plugins/global/wfx.distribution/`, every
link the plugin makes points there, and the old `/plugins/wfx.distribution/` prefix keeps
answering for the QR codes and links printed with it."""

import io
import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from saleor_wfx_plugin.domain.money import Money
from saleor_wfx_plugin.models import ReferralClick
from saleor_wfx_plugin.sandbox.auth import issue_token
from saleor_wfx_plugin.shop import ProductCard

from .conftest import GRAPHQL_URL, LEGACY_PLUGIN_ROOT, PLUGIN_ROOT, customer, staff
from .test_lifecycle_api import APPLY, tiny_png

pytestmark = pytest.mark.django_db

D = customer("4", "d@example.com")
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger"
KEPT_LINK_ROOT = f"http://testserver{PLUGIN_ROOT}"


def post_graphql(client, url, query, viewer):
    return client.post(
        url,
        data=json.dumps({"query": query}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issue_token(viewer)}",
    )


def test_the_api_is_served_on_the_kept_prefix(client, api, tree):
    response = post_graphql(client, GRAPHQL_URL, "{ me { distributor { code } } }", D)

    assert GRAPHQL_URL == "/plugins/global/wfx.distribution/graphql/"
    assert response.status_code == 200
    assert response.json()["data"]["me"]["distributor"] == {"code": "DDD444"}


def test_the_old_prefix_still_answers_and_its_links_point_at_the_kept_one(client, api, tree):
    response = post_graphql(
        client,
        f"{LEGACY_PLUGIN_ROOT}/graphql/",
        '{ me { distributor { code } } referral: me { referralLink(next: "/products/serum") } }',
        D,
    )

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["me"]["distributor"] == {"code": "DDD444"}
    assert data["referral"]["referralLink"] == (f"{KEPT_LINK_ROOT}/r/DDD444?next=/products/serum")


def test_a_qr_code_printed_with_the_old_prefix_still_leads_to_the_shop_and_counts(
    client, api, tree
):
    response = client.get(
        f"{LEGACY_PLUGIN_ROOT}/r/ddd444",
        {"next": "/products/serum"},
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 302
    assert response["Location"] == "https://shop.example.com/products/serum?ref=DDD444"
    assert ReferralClick.objects.filter(distributor=tree[3]).count() == 1
    # The same visitor through the new link the same day is the same click.
    client.get(f"{PLUGIN_ROOT}/r/DDD444", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.9")
    assert ReferralClick.objects.filter(distributor=tree[3]).count() == 1


def test_graphiql_opened_on_the_old_prefix_moves_the_browser_to_the_kept_one(client, api, settings):
    settings.DEBUG = True  # GraphiQL is a developer's page
    moved = client.get(f"{LEGACY_PLUGIN_ROOT}/graphql/")

    assert moved.status_code == 302
    assert moved["Location"] == "/plugins/global/wfx.distribution/graphql/"
    page = client.get(moved["Location"])
    assert page.status_code == 200 and b"graphiql" in page.content.lower()


def test_a_query_over_get_on_the_old_prefix_is_answered_where_it_is(client, api, tree):
    response = client.get(
        f"{LEGACY_PLUGIN_ROOT}/graphql/",
        {"query": "{ me { distributor { code } } }"},
        HTTP_AUTHORIZATION=f"Bearer {issue_token(D)}",
    )

    assert response.status_code == 200
    assert response.json()["data"]["me"]["distributor"] == {"code": "DDD444"}


def test_posters_made_from_the_old_prefix_are_on_the_kept_one_and_old_urls_still_load(
    client, api, shop, tree
):
    shop.add_product(
        ProductCard(
            product_id="UHJvZHVjdDo3Mg==",
            name="Serum",
            path="/products/serum",
            price=Money(Decimal("299.00"), "CNY"),
            version="1",
        )
    )
    response = post_graphql(
        client,
        f"{LEGACY_PLUGIN_ROOT}/graphql/",
        '{ poster(productId: "UHJvZHVjdDo3Mg==") { url referralLink } }',
        D,
    )
    poster = response.json()["data"]["poster"]

    assert poster["referralLink"] == f"{KEPT_LINK_ROOT}/r/DDD444?next=/products/serum"
    path = urlsplit(poster["url"]).path
    assert poster["url"] == f"{KEPT_LINK_ROOT}{path.removeprefix(PLUGIN_ROOT)}"
    kept = client.get(path)
    old = client.get(path.replace(PLUGIN_ROOT, LEGACY_PLUGIN_ROOT, 1))
    assert kept.status_code == old.status_code == 200
    assert kept["Content-Type"] == "image/png"
    assert kept.content == old.content


def test_document_links_for_staff_use_the_kept_prefix(api, client):
    upload = io.BytesIO(tiny_png())
    upload.name = "id.png"
    applied = api(
        APPLY,
        {"input": {"phone": "13812345678", "documents": [{"kind": "ID_CARD", "file": None}]}},
        viewer=customer("11", "alice@example.com"),
        files={"0": ("variables.input.documents.0.file", upload)},
    )
    assert applied["data"]["distributorApply"]["errors"] == []

    listed = post_graphql(
        client,
        f"{LEGACY_PLUGIN_ROOT}/graphql/",
        "{ applications(first: 5) { edges { node { documents { url } } } } }",
        staff("MANAGE_USERS"),
    ).json()["data"]
    url = listed["applications"]["edges"][0]["node"]["documents"][0]["url"]

    assert url.startswith(f"{KEPT_LINK_ROOT}/documents/")
    downloaded = client.get(urlsplit(url).path)
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == tiny_png()


def test_both_prefixes_are_closed_while_the_programme_is_off(client, api, tree, settings):
    settings.WFX_PROGRAM_ACTIVE = False

    for root in (PLUGIN_ROOT, LEGACY_PLUGIN_ROOT):
        assert post_graphql(client, f"{root}/graphql/", "{ grades { slug } }", D).status_code == (
            404
        )
        assert client.get(f"{root}/r/DDD444").status_code == 404
