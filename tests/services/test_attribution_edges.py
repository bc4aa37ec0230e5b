"""Attribution at its edges: a guest bound by e-mail who later orders logged in, and a referral
time the storefront sends from the future."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_wfx_plugin.models import CustomerBinding, ReferralAttribution

from .conftest import MASK, SERUM
from .helpers import net_by_level

pytestmark = pytest.mark.django_db


def attribution_of(order):
    return ReferralAttribution.objects.get(order_id=order.order_id)


def test_a_guest_bound_by_email_stays_bound_when_they_order_logged_in(shop, tree):
    guest = shop.place_order([SERUM], referral_code="DDD444", email="Amy@Example.com")
    shop.pay(guest.order_id)
    # Amy registers and orders logged in, with no code: before, the order found no binding for
    # her user and went to nobody.
    logged_in = shop.place_order([MASK], user_id="80", email="amy@example.com")
    shop.pay(logged_in.order_id)

    attribution = attribution_of(logged_in)
    assert (attribution.source, attribution.seller.code, attribution.customer_key) == (
        "binding",
        "DDD444",
        "user:80",
    )
    # 3 masks, 29.70: D 10 % = 2.97, C 5 % = 1.485 → 1.49, B 2 % = 0.594 → 0.59.
    assert net_by_level(logged_in) == {
        1: ("DDD444", Decimal("2.97")),
        2: ("CCC333", Decimal("1.49")),
        3: ("BBB222", Decimal("0.59")),
    }
    by_email = CustomerBinding.objects.get(customer_key="email:amy@example.com")
    by_user = CustomerBinding.objects.get(customer_key="user:80")
    # The same binding, not a new one: it ends when the e-mail binding ends.
    assert (
        by_user.distributor_id,
        by_user.bound_at,
        by_user.expires_at,
        by_user.source_order_id,
    ) == (by_email.distributor_id, by_email.bound_at, by_email.expires_at, by_email.source_order_id)

    # It follows her to a new e-mail address, and her guest checkouts stay bound too.
    renamed = shop.place_order([SERUM], user_id="80", email="amy.chen@example.com")
    as_guest = shop.place_order([SERUM], email="amy@example.com")
    assert attribution_of(renamed).seller.code == attribution_of(as_guest).seller.code == "DDD444"


def test_a_lapsed_user_binding_gives_way_to_the_email_binding_in_force(shop, tree, program):
    program(customer_binding_days="30")
    long_ago = timezone.now() - timedelta(days=40)
    old = shop.place_order([SERUM], referral_code="CCC333", user_id="81", placed_at=long_ago)
    shop.pay(old.order_id)
    guest = shop.place_order([SERUM], referral_code="DDD444", email="bo@example.com")
    shop.pay(guest.order_id)

    logged_in = shop.place_order([SERUM], user_id="81", email="bo@example.com")
    assert attribution_of(logged_in).seller.code == "DDD444"
    assert CustomerBinding.objects.get(customer_key="user:81").distributor.code == "DDD444"


def test_the_users_own_binding_in_force_wins_over_an_email_binding(shop, tree):
    mine = shop.place_order([SERUM], referral_code="CCC333", user_id="82", email="cy@example.com")
    shop.pay(mine.order_id)
    # Someone checks out as a guest with the same e-mail and D's code: the e-mail is bound to D.
    guest = shop.place_order([SERUM], referral_code="DDD444", email="cy@example.com")
    shop.pay(guest.order_id)

    logged_in = shop.place_order([SERUM], user_id="82", email="cy@example.com")
    assert attribution_of(logged_in).seller.code == "CCC333"
    assert CustomerBinding.objects.get(customer_key="user:82").distributor.code == "CCC333"


def test_a_referral_time_in_the_future_counts_as_the_order_time(shop, tree, program, caplog):
    program(attribution_window_days="7")
    with caplog.at_level(logging.WARNING, logger="saleor_wfx_plugin.services.attribution"):
        order = shop.place_order(
            [SERUM],
            referral_code="DDD444",
            metadata={"referral_code_at": "2099-01-01T08:00:00+08:00"},
        )
    attribution = attribution_of(order)
    # Recorded as the order's own moment, never as a click that has not happened yet. (The
    # window check already treated it like "just now": a future click is never too old.)
    assert attribution.referred_at == attribution.placed_at == order.placed_at
    assert (attribution.source, attribution.code_rejection) == ("code", None)
    assert "referral_code_at=2099-01-01T08:00:00+08:00 is after the order" in caplog.text


def test_a_referral_time_in_the_past_is_recorded_as_sent(shop, tree):
    clicked = timezone.now() - timedelta(days=2)
    order = shop.place_order(
        [SERUM], referral_code="DDD444", metadata={"referral_code_at": clicked.isoformat()}
    )
    assert attribution_of(order).referred_at == clicked
