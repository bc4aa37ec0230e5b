"""Fraud scores with worked numbers: self-dealing holds on its own, a pattern needs two
signals (default threshold 50)."""

from decimal import Decimal

from saleor_wfx_plugin.domain.fraud import (
    FraudEvidence,
    FraudRules,
    FraudSignal,
    assess,
    normalize_address,
)

RULES = FraudRules()  # hold at 50, patterns from 3 orders, conversion outlier above 5x


def test_an_order_shipped_to_the_distributors_own_address_is_held():
    result = assess(FraudEvidence(shipping_matches_distributor=True), RULES)
    assert (result.score, result.held) == (60, True)
    assert result.signals == (FraudSignal.SHIPPING_ADDRESS_IS_DISTRIBUTORS,)


def test_phone_and_payment_email_of_the_distributor_add_up():
    result = assess(
        FraudEvidence(phone_matches_distributor=True, payment_email_matches_distributor=True),
        RULES,
    )
    assert (result.score, result.held) == (120, True)


def test_a_third_order_from_one_address_alone_is_not_held_but_with_one_device_it_is():
    # 30 < 50: a family ordering three times in a week is ordinary.
    address_only = assess(FraudEvidence(orders_from_address=3), RULES)
    assert (address_only.score, address_only.held) == (30, False)
    assert assess(FraudEvidence(orders_from_address=2), RULES).signals == ()
    both = assess(FraudEvidence(orders_from_address=3, orders_from_device=3), RULES)
    assert (both.score, both.held) == (60, True)


def test_a_new_distributor_whose_first_three_orders_go_to_one_address():
    evidence = FraudEvidence(distributor_is_new=True, distributor_orders=3, distributor_addresses=1)
    assert assess(evidence, RULES).score == 40
    # Two addresses among the three: no signal; an old distributor: no signal.
    assert (
        assess(
            FraudEvidence(distributor_is_new=True, distributor_orders=3, distributor_addresses=2),
            RULES,
        ).signals
        == ()
    )
    assert (
        assess(
            FraudEvidence(distributor_is_new=False, distributor_orders=3, distributor_addresses=1),
            RULES,
        ).signals
        == ()
    )
    # With the same address seen three times too: 40 + 30 = 70, held.
    farmed = assess(
        FraudEvidence(
            distributor_is_new=True,
            distributor_orders=3,
            distributor_addresses=1,
            orders_from_address=3,
        ),
        RULES,
    )
    assert (farmed.score, farmed.held) == (70, True)


def test_conversion_far_above_the_shops():
    # The shop converts 2 % of clicks; the distributor 6 of 20 = 30 %, 15x: an outlier.
    outlier = FraudEvidence(
        distributor_orders_in_window=6,
        distributor_conversion=Decimal("0.30"),
        shop_conversion=Decimal("0.02"),
    )
    assert assess(outlier, RULES).signals == (FraudSignal.CONVERSION_OUTLIER,)
    assert assess(outlier, RULES).score == 20
    # 10 % is exactly 5x: not above it.
    at_factor = FraudEvidence(
        distributor_orders_in_window=6,
        distributor_conversion=Decimal("0.10"),
        shop_conversion=Decimal("0.02"),
    )
    assert assess(at_factor, RULES).signals == ()
    # Four orders say nothing about a rate.
    few = FraudEvidence(
        distributor_orders_in_window=4,
        distributor_conversion=Decimal("0.30"),
        shop_conversion=Decimal("0.02"),
    )
    assert assess(few, RULES).signals == ()


def test_the_shop_chooses_the_threshold():
    strict = FraudRules(hold_score=30)
    assert assess(FraudEvidence(orders_from_address=3), strict).held
    lenient = FraudRules(hold_score=100)
    assert not assess(FraudEvidence(shipping_matches_distributor=True), lenient).held


def test_addresses_compare_without_case_punctuation_or_full_width_characters():
    assert normalize_address("Room 3, 88 Nanjing Rd.", "Shanghai 200001") == normalize_address(
        "room 3 88 nanjing rd", "SHANGHAI  200001"
    )
    assert normalize_address("上海市南京路８８号") == normalize_address("上海市南京路88号")
    assert normalize_address("88 Nanjing Rd") != normalize_address("89 Nanjing Rd")
    assert normalize_address(" , ", None) is None
