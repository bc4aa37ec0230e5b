"""Phone numbers as applicants type them, stored in one form (E.164) so staff can search and
call them.

Most applicants are in mainland China and type their mobile number the local way: "138 1234
5678", "138-1234-5678", "+86 13812345678", "0086…", often with full-width digits from a Chinese
input method. Anyone else must give the international form, "+<country code><number>".
"""

from __future__ import annotations

import re
import unicodedata

MAINLAND_PREFIX = "+86"
# Mainland mobile numbers: 11 digits, 13x-19x. Landlines are not accepted without "+86": their
# area codes cannot be told apart from a mistyped mobile number.
_MAINLAND_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})")
# "+86" then 11 digits starting with 1 is a mobile number or a typo, never a landline (Beijing,
# +86 10, has 10 digits after the country code).
_MAINLAND_MOBILE_SHAPED = re.compile(r"\+861[0-9]{10}")
# E.164: a country code never starts with 0, and the whole number is at most 15 digits.
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_SEPARATORS = re.compile(r"[\s-]+")


def normalize_phone(raw: str) -> str | None:
    """The number in E.164 form ("+8613812345678"), or None when it is not a number we can
    reach."""
    # NFKC turns full-width digits, plus signs and hyphens into ASCII ones.
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    mobile = _MAINLAND_MOBILE.fullmatch(compact)
    if mobile is not None:
        return MAINLAND_PREFIX + mobile.group(1)
    if _MAINLAND_MOBILE_SHAPED.fullmatch(compact):
        return None
    if _E164.fullmatch(compact):
        return compact
    return None
