import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError
from django.utils import timezone

from saleor_wfx_plugin import links
from saleor_wfx_plugin.domain.attribution import AttributionSource, DistributorStatus
from saleor_wfx_plugin.domain.links import visitor_fingerprint
from saleor_wfx_plugin.links import referral_redirect
from saleor_wfx_plugin.models import ReferralAttribution, ReferralClick
from saleor_wfx_plugin.selectors.clicks import click_stats
from saleor_wfx_plugin.services.clicks import record_click
from saleor_wfx_plugin.services.distributors import create_distributor

pytestmark = pytest.mark.django_db

SHOP = "https://shop.example.com"
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
)
LAPTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari"
NOON_UTC = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture
def storefront(program):
    return program(storefront_url=SHOP, redirect_allowed_hosts="m.example.com")


@pytest.fixture
def anna(db):
    return create_distributor(code="ANNA01", email="anna@example.com", user_id="7")


@pytest.fixture
def now(monkeypatch):
    clock = {"now": NOON_UTC}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    return clock


def follow(rf, code="anna01", *, method="get", ip="203.0.113.9", user_agent=PHONE, **query):
    request = getattr(rf, method)(
        f"/plugins/global/wfx.distribution/r/{code}",
        query,
        HTTP_USER_AGENT=user_agent,
        REMOTE_ADDR=ip,
    )
    return referral_redirect(request, code)


def clicks_of(distributor):
    return list(
        ReferralClick.objects.filter(distributor=distributor)
        .order_by("day", "id")
        .values_list("day", "product_path")
    )


# --- the redirect ------------------------------------------------------------------------------


def test_an_active_code_redirects_to_the_product_with_the_code(rf, storefront, anna, now):
    response = follow(rf, next="/products/serum?size=50ml#reviews")

    assert response.status_code == 302
    assert (
        response["Location"]
        == "https://shop.example.com/products/serum?size=50ml&ref=ANNA01#reviews"
    )
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert clicks_of(anna) == [(date(2026, 11, 20), "/products/serum")]


def test_the_code_is_matched_whatever_its_case_and_spacing(rf, storefront, anna, now):
    response = follow(rf, code=" Anna01 ")

    assert response["Location"] == "https://shop.example.com/?ref=ANNA01"
    assert len(clicks_of(anna)) == 1


def test_the_merchants_query_parameter_name_is_used(rf, program, anna, now):
    program(storefront_url=SHOP, referral_query_param="inviter")

    assert follow(rf)["Location"] == "https://shop.example.com/?inviter=ANNA01"


def test_a_next_on_another_host_lands_on_the_storefront_root(rf, storefront, anna, now):
    response = follow(rf, next="https://evil.example.net/login")

    assert response["Location"] == "https://shop.example.com/?ref=ANNA01"


def test_a_next_on_an_allowed_host_is_followed(rf, storefront, anna, now):
    response = follow(rf, next="https://m.example.com/p/serum")

    assert response["Location"] == "https://m.example.com/p/serum?ref=ANNA01"


def test_an_unknown_code_reaches_the_shop_without_a_code_and_counts_nothing(
    rf, storefront, anna, now
):
    response = follow(rf, code="NOBODY9", next="/products/serum?ref=NOBODY9")

    assert response.status_code == 302
    assert response["Location"] == "https://shop.example.com/products/serum"
    assert ReferralClick.objects.count() == 0


def test_a_malformed_code_reaches_the_shop_without_a_code(rf, storefront, anna, now):
    response = follow(rf, code="<script>")

    assert response["Location"] == "https://shop.example.com/"
    assert ReferralClick.objects.count() == 0


@pytest.mark.parametrize(
    "status",
    [DistributorStatus.SUSPENDED, DistributorStatus.PENDING, DistributorStatus.REJECTED],
)
def test_an_inactive_distributors_code_is_not_passed_on_nor_counted(rf, storefront, now, status):
    ben = create_distributor(code="BEN002", email="ben@example.com", status=status)

    response = follow(rf, code="BEN002", next="/products/serum")

    assert response["Location"] == "https://shop.example.com/products/serum"
    assert clicks_of(ben) == []


def test_links_are_off_without_a_storefront_url(rf, anna, now):
    response = follow(rf)

    assert response.status_code == 404
    assert ReferralClick.objects.count() == 0


def test_links_are_off_while_the_plugin_is_off(rf, storefront, settings, anna, now):
    settings.WFX_PROGRAM_ACTIVE = False

    assert follow(rf).status_code == 404


def test_post_is_refused(rf, storefront, anna, now):
    response = follow(rf, method="post")

    assert response.status_code == 405
    assert sorted(response["Allow"].split(", ")) == ["GET", "HEAD"]
    assert ReferralClick.objects.count() == 0


# --- counting ----------------------------------------------------------------------------------


def test_one_visitor_counts_once_a_day(rf, storefront, anna, now):
    follow(rf, next="/products/serum")
    follow(rf, next="/products/mask")
    now["now"] = NOON_UTC + timedelta(hours=11)
    response = follow(rf)

    assert response.status_code == 302
    assert clicks_of(anna) == [(date(2026, 11, 20), "/products/serum")]


def test_a_second_address_counts_but_a_second_browser_at_one_address_does_not(
    rf, storefront, anna, now
):
    follow(rf)
    follow(rf, ip="198.51.100.4")
    # A user agent is whatever the client says: rotating it must not make a new visitor.
    follow(rf, user_agent=LAPTOP)

    assert len(clicks_of(anna)) == 2


def test_the_same_visitor_counts_again_the_next_day(rf, storefront, anna, now):
    follow(rf)
    now["now"] = NOON_UTC + timedelta(days=1)
    follow(rf)

    assert [day for day, _ in clicks_of(anna)] == [date(2026, 11, 20), date(2026, 11, 21)]


def test_the_day_is_the_shops_day(rf, storefront, anna, now, settings):
    settings.WFX_TIME_ZONE = "Asia/Shanghai"
    now["now"] = datetime(2026, 11, 20, 17, tzinfo=UTC)  # 01:00 on the 21st in Shanghai

    follow(rf)

    assert [day for day, _ in clicks_of(anna)] == [date(2026, 11, 21)]


def test_each_distributor_counts_the_same_visitor(rf, storefront, anna, now):
    ben = create_distributor(code="BEN002", email="ben@example.com")

    follow(rf)
    follow(rf, code="BEN002")

    assert len(clicks_of(anna)) == 1
    assert len(clicks_of(ben)) == 1


@pytest.mark.parametrize(
    "user_agent", ["", "facebookexternalhit/1.1", "WhatsApp/2.23.20.0 A", "curl/8.5.0"]
)
def test_bots_are_redirected_but_not_counted(rf, storefront, anna, now, user_agent):
    response = follow(rf, user_agent=user_agent)

    assert response["Location"] == "https://shop.example.com/?ref=ANNA01"
    assert clicks_of(anna) == []


def test_head_is_redirected_but_not_counted(rf, storefront, anna, now):
    response = follow(rf, method="head")

    assert response.status_code == 302
    assert response["Location"] == "https://shop.example.com/?ref=ANNA01"
    assert clicks_of(anna) == []


def test_the_address_is_never_stored(rf, storefront, anna, now, settings):
    follow(rf)

    click = ReferralClick.objects.get()
    assert click.visitor == visitor_fingerprint(
        settings.SECRET_KEY, "203.0.113.9", date(2026, 11, 20)
    )
    assert "203.0.113.9" not in click.visitor


def test_a_failed_click_write_still_redirects(rf, storefront, anna, now, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(links, "record_click", broken)

    response = follow(rf)

    assert response.status_code == 302
    assert response["Location"] == "https://shop.example.com/?ref=ANNA01"
    assert "could not record a click for ANNA01" in caplog.text


# --- the visitor's address ---------------------------------------------------------------------


def visitor_for(ip):
    return visitor_fingerprint("wfx-sandbox-not-secret", ip, date(2026, 11, 20))


def recorded_visitor(rf, **headers):
    request = rf.get("/plugins/global/wfx.distribution/r/ANNA01", HTTP_USER_AGENT=PHONE, **headers)
    referral_redirect(request, "ANNA01")
    return ReferralClick.objects.get().visitor


@pytest.fixture
def known_secret(settings):
    settings.SECRET_KEY = "wfx-sandbox-not-secret"


def test_without_trusted_proxies_forwarded_for_is_ignored(rf, storefront, anna, now, known_secret):
    visitor = recorded_visitor(
        rf, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.4"
    )

    assert visitor == visitor_for("10.0.0.5")


def test_behind_one_trusted_proxy_the_rightmost_forwarded_address_is_the_visitor(
    rf, storefront, anna, now, known_secret, settings
):
    settings.WFX_TRUSTED_PROXY_COUNT = 1

    # The client made up "1.1.1.1"; the proxy appended the address it saw.
    visitor = recorded_visitor(
        rf, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9"
    )

    assert visitor == visitor_for("203.0.113.9")


def test_behind_two_trusted_proxies_the_second_from_the_right_is_the_visitor(
    rf, storefront, anna, now, known_secret, settings
):
    settings.WFX_TRUSTED_PROXY_COUNT = 2

    visitor = recorded_visitor(
        rf, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9, 10.0.0.4"
    )

    assert visitor == visitor_for("203.0.113.9")


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "203.0.113.9"])
def test_a_missing_short_or_bogus_forwarded_for_falls_back_to_the_peer(
    rf, storefront, anna, now, known_secret, settings, forwarded
):
    settings.WFX_TRUSTED_PROXY_COUNT = 2 if forwarded == "203.0.113.9" else 1

    visitor = recorded_visitor(rf, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)

    assert visitor == visitor_for("10.0.0.5")


# --- record_click and click_stats ---------------------------------------------------------------


def test_record_click_tells_whether_the_click_was_new(anna):
    visitor = "a" * 64

    assert record_click(anna, day=date(2026, 11, 20), visitor=visitor, product_path="/p") is True
    assert record_click(anna, day=date(2026, 11, 20), visitor=visitor, product_path="/q") is False
    assert record_click(anna, day=date(2026, 11, 21), visitor=visitor, product_path="/q") is True
    assert ReferralClick.objects.filter(distributor=anna).count() == 2


def test_record_click_keeps_a_long_path_within_the_column(anna):
    record_click(anna, day=date(2026, 11, 20), visitor="b" * 64, product_path="/p" * 200)

    assert len(ReferralClick.objects.get().product_path) == 255


def _click(distributor, day, n):
    record_click(distributor, day=day, visitor=f"{n:064x}", product_path="/")


def _order(seller, placed_at):
    return ReferralAttribution.objects.create(
        order_id=uuid.uuid4(),
        order_number="1001",
        channel_slug="default-channel",
        currency="CNY",
        source=AttributionSource.CODE.value,
        seller=seller,
        placed_at=placed_at,
    )


def test_conversion_is_referred_orders_per_click(anna, django_assert_num_queries):
    for n in range(7):
        _click(anna, date(2026, 11, 20), n)
    for _ in range(2):
        _order(anna, NOON_UTC)
    _order(None, NOON_UTC)
    _order(create_distributor(code="BEN002"), NOON_UTC)

    # Both counts in one statement: the `me` page has ten to spend.
    with django_assert_num_queries(1):
        stats = click_stats(anna)

    assert stats.clicks == 7
    assert stats.referred_orders == 2
    assert stats.conversion_rate == Decimal("0.2857")


def test_conversion_counts_from_the_start_of_since_in_the_shops_time_zone(anna, settings):
    settings.WFX_TIME_ZONE = "Asia/Shanghai"
    _click(anna, date(2026, 11, 19), 1)
    _click(anna, date(2026, 11, 20), 2)
    _click(anna, date(2026, 11, 21), 3)
    _order(anna, datetime(2026, 11, 19, 15, 59, tzinfo=UTC))  # 23:59 on the 19th in Shanghai
    _order(anna, datetime(2026, 11, 19, 16, 0, tzinfo=UTC))  # 00:00 on the 20th in Shanghai

    stats = click_stats(anna, since=date(2026, 11, 20))

    assert stats.clicks == 2
    assert stats.referred_orders == 1
    assert stats.conversion_rate == Decimal("0.5000")


def test_without_clicks_there_is_no_conversion_rate(anna):
    _order(anna, NOON_UTC)

    stats = click_stats(anna)

    assert (stats.clicks, stats.referred_orders, stats.conversion_rate) == (0, 1, None)
