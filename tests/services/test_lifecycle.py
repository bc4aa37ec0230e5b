"""Staff creating, suspending, reactivating and moving distributors, each on the audit trail,
and customers finding the distributor staff made for them."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from saleor_wfx_plugin.auth import Viewer
from saleor_wfx_plugin.domain.attribution import DistributorStatus
from saleor_wfx_plugin.models import Distributor, DistributorEvent, Grade, ReferralAttribution
from saleor_wfx_plugin.services import distributors
from saleor_wfx_plugin.services.distributors import (
    DistributorError,
    change_upline,
    create_distributor,
    create_distributor_by_staff,
    default_grade,
    link_account,
    reactivate_distributor,
    suspend_distributor,
)

from .conftest import SERUM
from .helpers import net_by_level

pytestmark = pytest.mark.django_db

STAFF = "user:900"
Kind = DistributorEvent.Kind


@pytest.fixture
def grades(db):
    Grade.objects.all().delete()
    return {
        slug: Grade.objects.create(slug=slug, name=slug.title(), rank=rank)
        for slug, rank in [("gold", 1), ("basic", 0), ("apprentice", 0), ("partner", 2)]
    }


def error_of(call) -> tuple[str, str | None]:
    with pytest.raises(DistributorError) as error:
        call()
    return error.value.code, error.value.field


def events_of(distributor, kind=None):
    events = DistributorEvent.objects.filter(distributor=distributor).order_by("id")
    if kind is not None:
        events = events.filter(kind=kind)
    return [(event.kind, event.actor, event.reason, event.data) for event in events]


# Creating -------------------------------------------------------------------------------------


def test_new_distributors_start_in_the_lowest_grade_ties_broken_by_slug(grades):
    assert default_grade() == grades["apprentice"]


def test_there_is_no_default_grade_when_the_merchant_deleted_them_all():
    Grade.objects.all().delete()
    assert default_grade() is None


def test_creating_a_distributor_is_on_the_audit_trail(tree):
    a, b, _c, _d = tree
    assert events_of(a) == [(Kind.CREATED, "system", "", {"code": "AAA111", "upline": None})]
    assert events_of(b) == [(Kind.CREATED, "system", "", {"code": "BBB222", "upline": "AAA111"})]


def test_the_audit_trail_names_who_created_a_distributor_and_why():
    distributor = create_distributor(
        code="NEW001", name="Li Lei", actor=STAFF, reason="moved over from the old shop"
    )
    assert distributor.name == "Li Lei"
    assert events_of(distributor) == [
        (Kind.CREATED, STAFF, "moved over from the old shop", {"code": "NEW001", "upline": None})
    ]


def test_staff_create_an_active_distributor_in_the_default_grade(tree, grades):
    a = tree[0]

    distributor = create_distributor_by_staff(
        actor=STAFF,
        email=" li@example.com ",
        phone="139-1234-5678",
        name=" Li Lei ",
        upline_code="aaa111",
    )

    distributor.refresh_from_db()
    assert (distributor.email, distributor.phone, distributor.name) == (
        "li@example.com",
        "+8613912345678",
        "Li Lei",
    )
    assert distributor.status == DistributorStatus.ACTIVE
    assert distributor.upline == a
    assert distributor.grade == grades["apprentice"]
    assert distributor.user_id is None  # linked when Li signs in with a confirmed address
    assert events_of(distributor) == [
        (Kind.CREATED, STAFF, "", {"code": distributor.code, "upline": "AAA111"})
    ]


def test_staff_may_choose_the_code_grade_and_customer_account(grades):
    distributor = create_distributor_by_staff(
        actor=STAFF,
        email="li@example.com",
        phone="+852 9123 4567",
        user_id="77",
        code="lilei-1",
        grade_slug="Gold",
    )
    assert (distributor.code, distributor.user_id, distributor.grade, distributor.phone) == (
        "LILEI-1",
        "77",
        grades["gold"],
        "+85291234567",
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"phone": "12345"}, ("invalid_phone", "phone")),
        ({"email": "not-an-address"}, ("invalid_email", "email")),
        ({"email": ""}, ("invalid_email", "email")),
        ({"upline_code": "NOPE99"}, ("upline_not_found", "uplineCode")),
        ({"upline_code": "SUS001"}, ("upline_inactive", "uplineCode")),
        ({"grade_slug": "diamond"}, ("grade_not_found", "grade")),
        ({"user_id": "1"}, ("already_distributor", "userId")),
        ({"code": "aaa111"}, ("unique", "code")),
        ({"code": "<b>"}, ("invalid_code", "code")),
        ({"name": "x" * 129}, ("name_too_long", "name")),
    ],
)
def test_staff_creation_refuses_bad_input_and_creates_nothing(tree, grades, overrides, expected):
    create_distributor(code="SUS001", status=DistributorStatus.SUSPENDED)
    before = Distributor.objects.count()
    values = {"actor": STAFF, "email": "li@example.com", "phone": "13912345678", **overrides}

    assert error_of(lambda: create_distributor_by_staff(**values)) == expected
    assert Distributor.objects.count() == before


# Suspending and reactivating ------------------------------------------------------------------


def test_suspending_records_who_and_why(tree):
    d = tree[3]

    returned = suspend_distributor(d, actor=STAFF, reason="  fake reviews  ")

    d.refresh_from_db()
    assert d.status == DistributorStatus.SUSPENDED
    assert d.status_reason == "fake reviews"
    assert returned.status == DistributorStatus.SUSPENDED
    assert events_of(d, Kind.SUSPENDED) == [(Kind.SUSPENDED, STAFF, "fake reviews", {})]


@pytest.mark.parametrize("reason", ["", "  "])
def test_suspending_needs_a_reason(tree, reason):
    d = tree[3]
    assert error_of(lambda: suspend_distributor(d, actor=STAFF, reason=reason)) == (
        "reason_required",
        "reason",
    )
    d.refresh_from_db()
    assert d.status == DistributorStatus.ACTIVE
    assert events_of(d, Kind.SUSPENDED) == []


def test_a_reason_longer_than_the_record_holds_is_refused_rather_than_cut(tree):
    assert error_of(lambda: suspend_distributor(tree[3], actor=STAFF, reason="x" * 501)) == (
        "reason_too_long",
        "reason",
    )


def test_suspending_twice_records_one_suspension(tree):
    d = tree[3]
    suspend_distributor(d, actor=STAFF, reason="fake reviews")
    stale_copy = Distributor.objects.get(pk=d.pk)
    stale_copy.status = DistributorStatus.ACTIVE  # what a second staff member's page still shows

    assert error_of(lambda: suspend_distributor(stale_copy, actor="user:901", reason="spam")) == (
        "invalid_status",
        None,
    )
    d.refresh_from_db()
    assert d.status_reason == "fake reviews"
    assert len(events_of(d, Kind.SUSPENDED)) == 1


def test_a_pending_distributor_cannot_be_suspended():
    pending = create_distributor(code="PEN001", status=DistributorStatus.PENDING)
    assert error_of(lambda: suspend_distributor(pending, actor=STAFF, reason="spam"))[0] == (
        "invalid_status"
    )


def test_reactivating_clears_the_reason_and_is_recorded(tree):
    d = tree[3]
    suspend_distributor(d, actor=STAFF, reason="fake reviews")

    reactivate_distributor(d, actor="user:901", reason="reviews were genuine")

    d.refresh_from_db()
    assert d.status == DistributorStatus.ACTIVE
    assert d.status_reason == ""
    assert events_of(d)[1:] == [
        (Kind.SUSPENDED, STAFF, "fake reviews", {}),
        (Kind.REACTIVATED, "user:901", "reviews were genuine", {}),
    ]


def test_only_a_suspended_distributor_can_be_reactivated(tree):
    d = tree[3]
    assert error_of(lambda: reactivate_distributor(d, actor=STAFF)) == ("invalid_status", None)
    assert events_of(d, Kind.REACTIVATED) == []


def test_a_suspended_distributors_code_earns_nothing_until_reactivated(shop, tree):
    d = tree[3]
    suspend_distributor(d, actor=STAFF, reason="fake reviews")

    while_suspended = shop.place_order([SERUM], referral_code="DDD444")
    shop.pay(while_suspended.order_id)

    attribution = ReferralAttribution.objects.get(order_id=while_suspended.order_id)
    assert attribution.seller is None
    assert attribution.code_rejection == "suspended_distributor"
    assert net_by_level(while_suspended) == {}

    reactivate_distributor(d, actor=STAFF)
    after = shop.place_order([SERUM], referral_code="DDD444", email="new@example.com")
    shop.pay(after.order_id)
    assert net_by_level(after)[1] == ("DDD444", Decimal("29.90"))


@pytest.mark.django_db(transaction=True)
def test_two_staff_suspending_at_the_same_moment_record_one_suspension(monkeypatch):
    distributor = create_distributor(code="DDD444")
    real_record_event = distributors.record_event

    def slow_record_event(*args, **kwargs):
        # Both requests have read the distributor by now, unless a lock keeps them apart.
        time.sleep(0.2)
        return real_record_event(*args, **kwargs)

    monkeypatch.setattr(distributors, "record_event", slow_record_event)
    barrier = threading.Barrier(2)
    outcomes = []

    def suspend(actor):
        try:
            barrier.wait()
            suspend_distributor(distributor, actor=actor, reason=f"spam, says {actor}")
            outcomes.append("suspended")
        except DistributorError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=suspend, args=(f"user:{n}",)) for n in (900, 901)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["invalid_status", "suspended"]
    assert DistributorEvent.objects.filter(kind=Kind.SUSPENDED).count() == 1


# Moving in the tree ---------------------------------------------------------------------------


def test_moving_a_distributor_records_the_old_and_new_upline(tree):
    a, _b, _c, d = tree

    change_upline(d, a, actor=STAFF, reason="C left the programme")

    d.refresh_from_db()
    assert d.upline == a
    assert events_of(d, Kind.UPLINE_CHANGED) == [
        (Kind.UPLINE_CHANGED, STAFF, "C left the programme", {"from": "CCC333", "to": "AAA111"})
    ]


def test_moving_a_distributor_to_the_top_of_the_tree(tree):
    d = tree[3]
    change_upline(d, None, actor=STAFF)
    d.refresh_from_db()
    assert d.upline is None
    assert events_of(d, Kind.UPLINE_CHANGED)[0][3] == {"from": "CCC333", "to": None}


def test_moving_a_distributor_where_they_already_are_records_nothing(tree):
    c, d = tree[2], tree[3]
    change_upline(d, c, actor=STAFF)
    assert events_of(d, Kind.UPLINE_CHANGED) == []


def test_a_suspended_distributor_cannot_take_on_a_downline(tree):
    a, _b, c, d = tree
    suspend_distributor(a, actor=STAFF, reason="fake reviews")
    assert error_of(lambda: change_upline(d, a, actor=STAFF)) == ("upline_inactive", "upline")
    d.refresh_from_db()
    assert d.upline == c
    assert events_of(d, Kind.UPLINE_CHANGED) == []


def test_a_distributor_cannot_be_their_own_upline(tree):
    d = tree[3]
    assert error_of(lambda: change_upline(d, d, actor=STAFF))[0] == "upline_cycle"


def test_moving_a_distributor_changes_future_orders_only(shop, tree):
    a, _b, _c, d = tree
    before = shop.place_order([SERUM], referral_code="DDD444", email="first@example.com")
    shop.pay(before.order_id)
    paid_before_the_move = {
        1: ("DDD444", Decimal("29.90")),
        2: ("CCC333", Decimal("14.95")),
        3: ("BBB222", Decimal("5.98")),
    }
    assert net_by_level(before) == paid_before_the_move

    change_upline(d, a, actor=STAFF)
    after = shop.place_order([SERUM], referral_code="DDD444", email="second@example.com")
    shop.pay(after.order_id)

    assert net_by_level(after) == {1: ("DDD444", Decimal("29.90")), 2: ("AAA111", Decimal("14.95"))}
    assert net_by_level(before) == paid_before_the_move
    # A refund of the earlier order is taken back from the chain that earned it, not from A.
    shop.refund(before.order_id, Decimal("299.00"))
    assert net_by_level(before) == {
        1: ("DDD444", Decimal("0.00")),
        2: ("CCC333", Decimal("0.00")),
        3: ("BBB222", Decimal("0.00")),
    }
    assert net_by_level(after)[2] == ("AAA111", Decimal("14.95"))


# Linking a customer account -------------------------------------------------------------------


def customer(user_id="55", email="li@example.com", confirmed=True):
    return Viewer(user_id=user_id, email=email, email_confirmed=confirmed)


def test_a_customer_with_a_confirmed_address_gets_the_distributor_staff_made_for_it():
    made_by_staff = create_distributor_by_staff(
        actor=STAFF, email="Li@Example.com", phone="13912345678"
    )

    linked = link_account(customer(email="li@EXAMPLE.com "))

    assert linked == made_by_staff
    made_by_staff.refresh_from_db()
    assert made_by_staff.user_id == "55"
    assert link_account(customer(email="li@example.com")) == made_by_staff


def test_an_unconfirmed_address_links_nothing():
    made_by_staff = create_distributor(email="li@example.com")
    assert link_account(customer(confirmed=False)) is None
    made_by_staff.refresh_from_db()
    assert made_by_staff.user_id is None


def test_two_distributors_with_the_address_are_left_for_staff_to_sort_out():
    create_distributor(email="li@example.com")
    create_distributor(email="LI@example.com")
    assert link_account(customer()) is None
    assert not Distributor.objects.filter(user_id="55").exists()


def test_a_distributor_already_linked_to_another_account_is_not_taken_over():
    create_distributor(email="li@example.com", user_id="12")
    assert link_account(customer()) is None
    assert Distributor.objects.get(email="li@example.com").user_id == "12"


def test_a_customer_who_is_already_a_distributor_keeps_their_own():
    own = create_distributor(user_id="55", email="old@example.com")
    unlinked = create_distributor(email="li@example.com")
    assert link_account(customer()) == own
    unlinked.refresh_from_db()
    assert unlinked.user_id is None


@pytest.mark.parametrize(
    "viewer",
    [Viewer(), Viewer(app_id="3", email="li@example.com", email_confirmed=True)],
    ids=["anonymous", "app"],
)
def test_only_customers_are_linked(viewer):
    create_distributor(email="li@example.com")
    assert link_account(viewer) is None
    assert Distributor.objects.get(email="li@example.com").user_id is None


def test_without_a_matching_distributor_there_is_nothing_to_link():
    assert link_account(customer()) is None
