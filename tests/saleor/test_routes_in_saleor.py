"""The routes Saleor keeps, through Saleor's own URL configuration: the plugin is served below
`/plugins/global/wfx.distribution/` and makes every link there; the older
`/plugins/wfx.distribution/`, which Saleor marks for removal, still answers for the QR codes
printed with it, and is closed like the kept one while the plugin is switched off."""

import json

import pytest

from . import require_saleor

require_saleor()

from saleor_wfx_plugin.models import ReferralClick  # noqa: E402
from saleor_wfx_plugin.services.distributors import create_distributor  # noqa: E402

from . import test_api_in_saleor as api_tier  # noqa: E402

LEGACY_PLUGIN_ROOT = api_tier.LEGACY_PLUGIN_ROOT
PLUGIN_ROOT = api_tier.PLUGIN_ROOT
PUBLIC_PLUGIN_ROOT = api_tier.PUBLIC_PLUGIN_ROOT
sign_in = api_tier.sign_in  # Saleor's tokenCreate
wfx_configuration = api_tier.wfx_configuration

ME = '{ me { distributor { code } referralLink(next: "/products/serum") } }'
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger"


@pytest.fixture
def distributor(db, customer_user):
    return create_distributor(
        code="QRC111", email=customer_user.email, user_id=str(customer_user.pk)
    )


def post_me(client, root, token):
    return client.post(
        f"{root}/graphql/",
        data=json.dumps({"query": ME}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_both_prefixes_answer_and_links_are_made_on_the_kept_one(
    client, wfx_configuration, distributor, customer_user, sign_in
):
    token = sign_in(customer_user)
    assert PUBLIC_PLUGIN_ROOT == "https://example.com/plugins/global/wfx.distribution"

    for root in (PLUGIN_ROOT, LEGACY_PLUGIN_ROOT):
        response = post_me(client, root, token)
        assert response.status_code == 200, root
        assert response.json()["data"]["me"] == {
            "distributor": {"code": "QRC111"},
            "referralLink": f"{PUBLIC_PLUGIN_ROOT}/r/QRC111?next=/products/serum",
        }


def test_a_qr_code_printed_with_the_old_prefix_still_leads_to_the_shop(
    client, wfx_configuration, distributor
):
    response = client.get(
        f"{LEGACY_PLUGIN_ROOT}/r/QRC111",
        {"next": "/products/serum"},
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 302
    assert response["Location"] == "https://shop.example.com/products/serum?ref=QRC111"
    assert ReferralClick.objects.filter(distributor=distributor).count() == 1


def test_graphiql_on_the_old_prefix_moves_the_browser_to_the_kept_one(
    client, wfx_configuration, settings
):
    settings.DEBUG = True  # GraphiQL is a developer's page
    moved = client.get(f"{LEGACY_PLUGIN_ROOT}/graphql/")

    assert moved.status_code == 302
    assert moved["Location"] == f"{PLUGIN_ROOT}/graphql/"
    assert client.get(moved["Location"]).status_code == 200


def test_both_prefixes_are_closed_while_the_plugin_is_switched_off(
    client, wfx_configuration, distributor, customer_user, sign_in
):
    token = sign_in(customer_user)
    wfx_configuration.active = False
    wfx_configuration.save(update_fields=["active"])

    for root in (PLUGIN_ROOT, LEGACY_PLUGIN_ROOT):
        assert post_me(client, root, token).status_code == 404, root
        assert client.get(f"{root}/r/QRC111").status_code == 404, root
