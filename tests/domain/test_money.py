from decimal import Decimal

import pytest

from saleor_wfx_plugin.domain.money import (
    CurrencyMismatch,
    Money,
    allocate,
    minor_unit,
    quantize,
)


def test_rounds_half_up_to_the_fen():
    assert quantize(Decimal("16.435"), "CNY") == Decimal("16.44")
    assert quantize(Decimal("16.434999"), "CNY") == Decimal("16.43")
    assert quantize(Decimal("-16.435"), "CNY") == Decimal("-16.44")


def test_currencies_without_and_with_three_decimals():
    assert minor_unit("JPY") == Decimal("1")
    assert quantize(Decimal("104.5"), "JPY") == Decimal("105")
    assert minor_unit("KWD") == Decimal("0.001")
    assert quantize(Decimal("1.2345"), "KWD") == Decimal("1.235")
    assert minor_unit("usd") == Decimal("0.01")


def test_allocation_adds_up_exactly_to_the_total():
    # 10.00 over three equal lines: 3.34 + 3.33 + 3.33, not 3.33 × 3 = 9.99.
    assert allocate(Decimal("10"), [Decimal(1)] * 3, "CNY") == [
        Decimal("3.34"),
        Decimal("3.33"),
        Decimal("3.33"),
    ]


def test_allocation_gives_leftover_units_to_largest_remainders():
    parts = allocate(Decimal("1.00"), [Decimal("0.333"), Decimal("0.334"), Decimal("0.333")], "USD")
    assert parts == [Decimal("0.33"), Decimal("0.34"), Decimal("0.33")]


def test_allocation_of_negative_amount_mirrors_positive():
    assert allocate(Decimal("-10"), [Decimal(1)] * 3, "CNY") == [
        Decimal("-3.34"),
        Decimal("-3.33"),
        Decimal("-3.33"),
    ]


def test_allocation_in_yen_has_no_fractions():
    assert allocate(Decimal("100"), [Decimal(1)] * 3, "JPY") == [
        Decimal("34"),
        Decimal("33"),
        Decimal("33"),
    ]


def test_allocation_refuses_negative_weights():
    with pytest.raises(ValueError):
        allocate(Decimal("1"), [Decimal("-1"), Decimal("2")], "CNY")


def test_money_refuses_floats_and_mixed_currencies():
    with pytest.raises(TypeError):
        Money(0.1, "CNY")  # type: ignore[arg-type]
    with pytest.raises(CurrencyMismatch):
        Money(Decimal(1), "CNY") + Money(Decimal(1), "USD")
    assert Money(Decimal("1.005"), "cny").quantized() == Money(Decimal("1.01"), "CNY")
