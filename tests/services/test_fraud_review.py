"""Fraud review on PostgreSQL: a suspicious referred order's commission is held (accrued, never
confirmed) until staff allow it (confirmed as usual) or reject it (reversed, reason on the audit
trail); a frozen balance pays nothing out."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_wfx_plugin.domain.settings import ProgramSettings
from saleor_wfx_plugin.errors import ProgrammeError
from saleor_wfx_plugin.models import (
    AttributionEvent,
    DistributorEvent,
    FraudReview,
    ReferralClick,
    Settlement,
)
from saleor_wfx_plugin.selectors.balances import balance
from saleor_wfx_plugin.services.distributors import create_distributor
from saleor_wfx_plugin.services.fraud import (
    allow_held_order,
    reject_held_order,
    set_balance_frozen,
)
from saleor_wfx_plugin.services.ledger import settle_due
from saleor_wfx_plugin.services.payouts import approve_payout
from saleor_wfx_plugin.shop import CustomerContacts
from tests.services.helpers import staff_adjusts_balance

from .conftest import SERUM
from .helpers import net_by_level
from .test_payouts import ask

pytestmark = pytest.mark.django_db

PAID = datetime(2030, 3, 1, 10, 0, tzinfo=UTC)
HOME = "Room 3, 88 Nanjing Rd, Huangpu, Shanghai 200001, CN"


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = PAID

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


@pytest.fixture
def reviewing(program, shop, tree):
    """Fraud review on; D (DDD444, Saleor user 4) lives at HOME and has phone 138 1234 5678."""
    shop.contacts["4"] = CustomerContacts(
        addresses=(HOME,), phones=("+86 138 1234 5678",), emails=("d.private@example.com",)
    )
    return program(fraud_review="true", confirm_days_after_fulfilment="0")


def place(shop, **kwargs):
    kwargs.setdefault("email", "friend@example.com")
    order = shop.place_order([SERUM], referral_code="DDD444", placed_at=PAID, **kwargs)
    shop.pay(order.order_id)
    shop.fulfil(order.order_id, at=PAID)
    return order


def review_of(order):
    return FraudReview.objects.get(attribution__order_id=order.order_id)


def test_an_order_to_the_distributors_own_address_is_held_not_confirmed(
    shop, tree, reviewing, clock
):
    order = place(shop, shipping_address="room 3 88 nanjing rd. huangpu shanghai 200001 cn")
    review = review_of(order)
    assert (review.score, review.status) == (60, "held")
    assert review.signals == ["shipping_address_is_distributors"]
    # Accrued as usual (10 % / 5 % / 2 % of 299.00) ...
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("29.90")),
        2: ("CCC333", Decimal("14.95")),
        3: ("BBB222", Decimal("5.98")),
    }
    # ... but confirmation (due at once: confirm_days_after_fulfilment 0) skips it.
    assert settle_due(now=PAID + timedelta(days=30)).confirmed == 0
    assert balance(tree[3].pk, "CNY").pending == Decimal("29.90")
    assert AttributionEvent.objects.get(kind="fraud_held").data == {
        "score": 60,
        "signals": ["shipping_address_is_distributors"],
    }


def test_an_ordinary_order_is_scored_clear_and_confirmed(shop, tree, reviewing, clock):
    order = place(shop, shipping_address="1 Other St, Beijing", shipping_phone="139 0000 0000")
    assert (review_of(order).score, review_of(order).status) == (0, "clear")
    assert Settlement.objects.filter(confirmed_at__isnull=False).count() == 3


def test_staff_allow_a_held_order_and_it_is_confirmed(shop, tree, reviewing, clock):
    order = place(shop, shipping_phone="13812345678")
    assert review_of(order).signals == ["phone_is_distributors"]
    clock.now = PAID + timedelta(days=1)
    allow_held_order(order.order_id, actor="user:staff", reason="her sister, checked")
    assert review_of(order).status == "allowed"
    # The three settlements were due already: confirmed at once.
    assert Settlement.objects.filter(confirmed_at=clock.now).count() == 3
    assert balance(tree[3].pk, "CNY").on_hold == Decimal("29.90")
    event = AttributionEvent.objects.get(kind="fraud_allowed")
    assert (event.actor, event.reason) == ("user:staff", "her sister, checked")


def test_staff_reject_a_held_order_and_its_commission_is_reversed_for_good(
    shop, tree, reviewing, clock
):
    order = place(shop, payment_emails=["D.Private@example.com"])
    assert review_of(order).signals == ["payment_email_is_distributors"]
    reject_held_order(
        order.order_id, actor="user:staff", reason="paid with D's own account", settings=reviewing
    )
    assert net_by_level(order) == {
        1: ("DDD444", Decimal("0.00")),
        2: ("CCC333", Decimal("0.00")),
        3: ("BBB222", Decimal("0.00")),
    }
    event = AttributionEvent.objects.get(kind="fraud_rejected")
    assert (event.actor, event.reason) == ("user:staff", "paid with D's own account")
    # A later event of the order (a partial refund) posts nothing back.
    shop.refund(order.order_id, Decimal("100.00"))
    assert net_by_level(order)[1] == ("DDD444", Decimal("0.00"))
    assert balance(tree[3].pk, "CNY").pending == 0


def test_decisions_need_a_held_order_and_a_reason(shop, tree, reviewing, clock):
    clear = place(shop, shipping_address="1 Other St, Beijing")
    with pytest.raises(ProgrammeError) as error:
        allow_held_order(clear.order_id, actor="user:staff")
    assert error.value.code == "not_held"
    held = place(shop, shipping_address=HOME)
    with pytest.raises(ProgrammeError) as error:
        reject_held_order(held.order_id, actor="user:staff", reason=" ", settings=reviewing)
    assert error.value.code == "reason_required"
    assert review_of(held).status == "held"  # nothing half-done


def test_the_third_order_from_one_address_and_device_in_a_week_is_held(
    shop, tree, reviewing, clock
):
    device = {"referral_code_device": "fp-7f3a"}
    shared = "5 Shared Rd, Hangzhou"
    first = place(shop, shipping_address=shared, metadata=device, email="x1@example.com")
    second = place(shop, shipping_address=shared, metadata=device, email="x2@example.com")
    third = place(shop, shipping_address=shared, metadata=device, email="x3@example.com")
    assert [review_of(o).score for o in (first, second)] == [0, 0]
    assert review_of(third).signals == ["repeated_address", "repeated_device"]
    assert (review_of(third).score, review_of(third).status) == (60, "held")
    # Only hashes are stored, never the address or the fingerprint.
    assert shared not in str(FraudReview.objects.values_list("address_hash", "device_hash"))


def test_a_new_distributors_first_orders_to_one_address_outside_the_window(
    shop, tree, reviewing, clock
):
    # Joined on 1 March 2030 (the clock); orders 9, 10 and 17 days later: no 7-day window holds
    # three of them, so no repeated address (30); but all three of the new distributor's orders
    # go to one address (40). 40 < 50: scored, not held.
    create_distributor(code="NEW999", email="new@example.com")
    shared = "5 Shared Rd, Hangzhou"
    orders = []
    for day in (9, 10, 17):
        order = shop.place_order(
            [SERUM],
            referral_code="NEW999",
            placed_at=PAID + timedelta(days=day),
            shipping_address=shared,
        )
        shop.pay(order.order_id)
        orders.append(order)
    assert [review_of(o).signals for o in orders] == [
        [],
        [],
        ["new_distributor_one_address"],
    ]
    assert (review_of(orders[2]).score, review_of(orders[2]).status) == (40, "clear")


def test_a_conversion_rate_far_above_the_shops_adds_to_the_score(shop, tree, reviewing, clock):
    c, d = tree[2], tree[3]
    day = date(2030, 3, 1)
    # The shop: 100 clicks on C's links, 10 for D; D's 6 orders of 10 clicks = 60 %, the shop's
    # 6 of 110 = 5.45 %: D converts 11x the shop.
    ReferralClick.objects.bulk_create(
        [ReferralClick(distributor=c, day=day, visitor=f"v{i}") for i in range(100)]
        + [ReferralClick(distributor=d, day=day, visitor=f"w{i}") for i in range(10)]
    )
    orders = [place(shop, email=f"buyer{i}@example.com") for i in range(6)]
    # From the fifth order on there are enough to judge: 5 of 10 clicks against 5 of 110.
    assert [review_of(o).signals for o in orders] == [[]] * 4 + [["conversion_outlier"]] * 2
    # 20 alone holds nothing.
    assert {review_of(o).status for o in orders} == {"clear"}


def test_review_off_scores_nothing(shop, tree, program, clock):
    program(fraud_review="false")
    order = place(shop, shipping_address=HOME)
    assert not FraudReview.objects.filter(attribution__order_id=order.order_id).exists()


def test_a_frozen_balance_cannot_be_requested_or_approved(tree):
    d = tree[3]
    staff_adjusts_balance(
        distributor_id=d.pk, currency="CNY", amount=Decimal("500"), reason="funds"
    )
    payout = ask(d, "100", key="before")
    set_balance_frozen(d, frozen=True, actor="user:staff", reason="fraud investigation 17")
    with pytest.raises(ProgrammeError) as error:
        ask(d, "100", key="during")
    assert error.value.code == "balance_frozen"
    with pytest.raises(ProgrammeError) as error:
        approve_payout(payout, actor="user:boss", program=ProgramSettings())
    assert error.value.code == "balance_frozen"
    assert balance(d.pk, "CNY").available == Decimal("400")  # the first request still reserved
    set_balance_frozen(d, frozen=False, actor="user:staff", reason="cleared")
    assert ask(d, "100", key="after").amount == Decimal("100")
    assert list(
        DistributorEvent.objects.filter(distributor=d, kind__startswith="balance").values_list(
            "kind", "reason"
        )
    ) == [
        ("balance_unfrozen", "cleared"),
        ("balance_frozen", "fraud investigation 17"),
    ]


def test_an_app_or_a_payee_of_the_order_decides_nothing_about_a_held_order(
    shop, tree, reviewing, clock
):
    from .test_payouts import codes

    order = place(shop, shipping_phone="13812345678")
    # An app holds MANAGE_ORDERS too; C (Saleor user 3) earns level 2 of this very order.
    assert codes(allow_held_order, order.order_id, actor="app:7", reason="ok") == (
        "staff_only",
        None,
    )
    assert codes(allow_held_order, order.order_id, actor="user:3", reason="ok") == (
        "own_distributor",
        None,
    )
    assert codes(
        reject_held_order, order.order_id, actor="app:7", reason="no", settings=reviewing
    ) == ("staff_only", None)
    assert codes(
        reject_held_order, order.order_id, actor="user:4", reason="no", settings=reviewing
    ) == ("own_distributor", None)
    assert review_of(order).status == "held"
    assert balance(tree[3].pk, "CNY").pending == Decimal("29.90")
    # A staff member who earns nothing on the order (A, user 1, is above the third level).
    allow_held_order(order.order_id, actor="user:1", reason="her sister, checked")
    assert review_of(order).status == "allowed"


def test_an_app_or_the_distributor_themself_cannot_unfreeze_a_balance(tree):
    from .test_payouts import codes

    d = tree[3]
    set_balance_frozen(d, frozen=True, actor="user:staff", reason="fraud investigation 17")
    assert codes(set_balance_frozen, d, frozen=False, actor="app:7", reason="ok") == (
        "staff_only",
        None,
    )
    assert codes(set_balance_frozen, d, frozen=False, actor="user:4", reason="ok") == (
        "own_distributor",
        None,
    )
    d.refresh_from_db()
    assert d.balance_frozen is True
    assert (
        set_balance_frozen(d, frozen=False, actor="user:3", reason="cleared").balance_frozen
        is False
    )
