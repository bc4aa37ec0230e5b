"""Checks on where a payout goes: bank card, WeChat or Alipay account, and the resident ID the
merchant needs as withholding agent. Catching a typo here saves a bounced transfer."""

from __future__ import annotations

import re

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARACTERS = "10X98765432"
_BANK_CARD = re.compile(r"^\d{12,30}$")
_WECHAT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{5,19}$")
_MAINLAND_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# What mail providers hand out, not all RFC 5322 allows: the local part starts with a letter or
# digit and has only letters, digits and . _ % + -; the domain is dot-separated host labels
# ending in a letter-only top-level domain. Quotes, brackets, commas, & and = are refused, so a
# spreadsheet formula dressed as an address (=HYPERLINK("…"&C2&"@x.y")) is not an account.
_EMAIL = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}",
    re.ASCII,
)
_EMAIL_MAX_LENGTH = 254


def is_valid_resident_id(number: str) -> bool:
    """An 18-character PRC resident identity number with a correct ISO 7064 check character."""
    number = number.strip().upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARACTERS[total % 11] == number[17]


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, character in enumerate(reversed(digits)):
        value = int(character)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_account(method: str, account: str) -> str | None:
    """The account in one form, or None when it cannot be one of that method's accounts.

    Bank cards: 12–30 digits (spaces and dashes dropped). Most UnionPay cards pass the Luhn
    check but some corporate and older cards do not, so it is not required. WeChat: a WeChat ID
    or a mainland mobile number. Alipay: a mainland mobile number or an e-mail address of the
    usual form (see `_EMAIL`).
    """
    account = account.strip()
    if method == "bank":
        digits = re.sub(r"[\s-]", "", account)
        return digits if _BANK_CARD.fullmatch(digits) else None
    if method == "wechat":
        if _MAINLAND_MOBILE.fullmatch(account) or _WECHAT_ID.fullmatch(account):
            return account
        return None
    if method == "alipay":
        if _MAINLAND_MOBILE.fullmatch(account) or (
            len(account) <= _EMAIL_MAX_LENGTH and _EMAIL.fullmatch(account) and ".." not in account
        ):
            return account.lower() if "@" in account else account
        return None
    return None
