"""When the shop switches storefront traffic off (Saleor's `allow_storefront_traffic`), the
plugin's API closes to storefronts exactly as Saleor's does: anonymous visitors and customers
get HTTP 401 `STOREFRONT_TRAFFIC_NOT_ALLOWED` and nothing they sent is done, while staff and
apps keep working. Referral links stay open: they lead visitors to the shop, they are no API."""

import pytest

from saleor_wfx_plugin.models import DistributorApplication, ReferralClick

from .conftest import GRAPHQL_URL, PLUGIN_ROOT, app, customer, staff

pytestmark = pytest.mark.django_db

D = customer("4", "d@example.com")
ALICE = customer("11", "alice@example.com")
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 MicroMessenger"
APPLY = """mutation { distributorApply(input: {phone: "13812345678"}) {
  application { status } errors { field code } } }"""
DISTRIBUTORS = "{ distributors(first: 10) { totalCount } }"


@pytest.fixture
def storefront_closed(shop):
    shop.allow_storefront_traffic(False)
    return shop


def refused_as_storefront(response) -> bool:
    (error,) = response.json()["errors"]
    return (
        response.status_code == 401
        and error["message"] == "Storefront traffic is not allowed."
        and error["extensions"]["code"] == "STOREFRONT_TRAFFIC_NOT_ALLOWED"
        and error["extensions"]["exception"]["code"] == "STOREFRONT_TRAFFIC_NOT_ALLOWED"
    )


def test_customers_and_distributors_are_refused_and_nothing_is_done(api, tree, storefront_closed):
    assert refused_as_storefront(api.raw("{ me { distributor { code } } }", viewer=D))
    assert refused_as_storefront(api.raw(APPLY, viewer=ALICE))
    assert not DistributorApplication.objects.exists()


def test_anonymous_requests_are_refused(api, client, storefront_closed, settings):
    settings.DEBUG = True  # GraphiQL is a developer's page
    assert refused_as_storefront(api.raw("{ grades { slug } }"))
    # The GraphiQL page is no API call: a developer still sees it (and signs in as staff).
    assert client.get(GRAPHQL_URL).status_code == 200


def test_staff_and_apps_keep_working(api, tree, storefront_closed):
    assert api.ok(DISTRIBUTORS, viewer=staff("MANAGE_USERS"))["distributors"]["totalCount"] == 4
    assert api.ok(DISTRIBUTORS, viewer=app("MANAGE_USERS"))["distributors"]["totalCount"] == 4
    # A staff member with no permission for it is still staff: refused by permission, not 401.
    body = api(DISTRIBUTORS, viewer=staff())
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_referral_links_stay_open(client, api, tree, storefront_closed):
    response = client.get(
        f"{PLUGIN_ROOT}/r/DDD444", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 302
    assert response["Location"] == "https://shop.example.com/?ref=DDD444"
    assert ReferralClick.objects.filter(distributor=tree[3]).count() == 1


def test_switching_storefront_traffic_back_on_reopens_the_api(api, tree, storefront_closed):
    assert refused_as_storefront(api.raw("{ me { distributor { code } } }", viewer=D))

    storefront_closed.allow_storefront_traffic(True)

    assert api.ok("{ me { distributor { code } } }", viewer=D)["me"]["distributor"] == {
        "code": "DDD444"
    }
