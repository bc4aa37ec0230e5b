from saleor_wfx_plugin.domain.masking import (
    ERASED,
    mask_account,
    mask_email,
    mask_identity_number,
    mask_name,
    mask_phone,
)


def test_a_chinese_name_keeps_only_the_family_name():
    assert mask_name("张三丰") == "张**"
    assert mask_name("王五") == "王*"


def test_a_long_name_does_not_reveal_its_length():
    assert mask_name("Alexandria Ocasio") == "A****"


def test_a_mainland_mobile_shows_prefix_and_last_four():
    assert mask_phone("+8613812345678") == "138****5678"
    assert mask_phone("13812345678") == "138****5678"


def test_other_numbers_show_only_the_last_four():
    assert mask_phone("+442071234567") == "********4567"


def test_email_keeps_the_domain_only():
    assert mask_email("alice@example.com") == "a***@example.com"


def test_identity_numbers_keep_region_and_check_digits():
    assert mask_identity_number("110101199003071234") == "110***********1234"
    assert mask_identity_number("12345") == "*****"


def test_empty_values_stay_empty():
    assert mask_name("") == ""
    assert mask_phone("") == ""


def test_erased_values_show_as_erased_not_as_a_masked_name():
    # An upline's team list shows an erased member as "[erased]", never "[****".
    assert mask_name(ERASED) == ERASED
    assert mask_account(ERASED) == ERASED
    assert mask_identity_number(ERASED) == ERASED
    assert mask_phone(ERASED) == ""
