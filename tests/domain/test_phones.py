import pytest

from saleor_wfx_plugin.domain.phones import normalize_phone


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+86-13812345678",
        "8613812345678",
        "0086 13812345678",
        " 13812345678 ",
        "１３８１２３４５６７８",  # full-width digits from a Chinese input method
        "＋８６ １３８－１２３４－５６７８",
    ],
)
def test_a_mainland_mobile_typed_any_usual_way_is_stored_in_one_form(typed):
    assert normalize_phone(typed) == "+8613812345678"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+852 9123 4567", "+85291234567"),
        ("+1 415-555-2671", "+14155552671"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+86 10 6552 9988", "+861065529988"),  # a Beijing landline, given internationally
    ],
)
def test_other_international_numbers_are_kept(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "12812345678",  # no mainland mobile range starts with 12
        "1381234567",  # one digit short
        "138123456789",  # one digit long
        "+8612812345678",  # shaped like a mobile, not a real range
        "010 6552 9988",  # a landline without the country code
        "+0123456789",  # a country code never starts with 0
        "+1234567",  # too short for any country
        "+1234567890123456",  # 16 digits: longer than E.164 allows
        "+86 138 1234 567a",
        "(+86) 13812345678",
        "١٣٨١٢٣٤٥٦٧٨",  # Arabic-Indic digits are digits to Python, not to an SMS gateway
        "tel:+8613812345678",
    ],
)
def test_anything_else_is_not_a_number(typed):
    assert normalize_phone(typed) is None
