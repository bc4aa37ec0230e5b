"""How a distributor sees people in their team: enough to recognise, not enough to contact.

A distributor is paid on sales only, and their downline's contact details are personal data the
merchant holds, not the distributor (PIPL: the minimum necessary).
"""

from __future__ import annotations

# What replaces a departed distributor's personal data after erasure (PIPL): a fixed value, so
# every screen shows the same thing and no mask makes it look like a real name.
ERASED = "[erased]"


def mask_name(name: str) -> str:
    """ "张三丰" → "张**", "Alice Smith" → "A****"; empty stays empty."""
    name = name.strip()
    if not name or name == ERASED:
        return name
    first = name[0]
    hidden = min(max(len(name) - 1, 1), 4)
    return first + "*" * hidden


def mask_phone(phone: str) -> str:
    """Last four digits kept, with the mainland mobile's first three: "+8613812345678" →
    "138****5678"; anything shorter than eight digits shows only its last two."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return ""
    if phone.startswith("+86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) < 8:
        return "*" * (len(digits) - 2) + digits[-2:] if len(digits) > 2 else "**"
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_email(email: str) -> str:
    """ "alice@example.com" → "a***@example.com"."""
    local, at, domain = email.partition("@")
    if not at:
        return mask_name(email)
    return f"{local[:1]}***@{domain}"


def mask_account(account: str) -> str:
    """Payee accounts: "6222021234567890123" → "**** 0123"; e-mail accounts like mask_email."""
    if account == ERASED:
        return account
    if "@" in account:
        return mask_email(account)
    return f"**** {account[-4:]}" if len(account) > 4 else "****"


def mask_identity_number(number: str) -> str:
    """ID card numbers in exports: first 3 and last 4 kept ("110***********1234")."""
    number = number.strip()
    if number == ERASED:
        return number
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
