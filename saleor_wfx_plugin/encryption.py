"""Encryption at rest of the personal data the programme must read back in full: resident ID
numbers (for the withholding return) and payee accounts (for the bank batch).

Keys come from `WFX_ENCRYPTION_KEYS` (a Django setting, else the environment variable of that
name): Fernet keys (AES-128-CBC with HMAC-SHA256, each 32 url-safe base64 bytes), newest first.
The first key encrypts; every key decrypts (MultiFernet). Rotating is therefore: put a new key
first, run `manage.py wfx_rotate_keys` (re-encrypts and re-hashes every value under it), then
drop the old key once `wfx_rotate_keys --check` reports nothing left under it.

Without keys nothing personal can be written or read back: the first use raises
`EncryptionNotConfigured`, a mutation error the caller sees, rather than storing plaintext or
quietly deriving a key from SECRET_KEY (which merchants rotate for other reasons, and which
would then make every stored number unreadable).

Equality lookups (two accounts of one person give the same ID number) cannot compare
ciphertexts, which differ every time: beside the ciphertext is a keyed hash (HMAC-SHA256) under a
key derived from each Fernet key with HKDF. A lookup tries the hash under every configured key,
so rows hashed before a rotation are still found until `wfx_rotate_keys` re-hashes them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

from .services.distributors import DistributorError

SETTING = "WFX_ENCRYPTION_KEYS"
# What the keyed hashes are for; a new purpose gets its own derived key, so a hash of one kind
# of value never matches a hash of another.
RESIDENT_ID = "resident_id"


class EncryptionNotConfigured(DistributorError):
    """No usable key: nothing personal may be stored or read. A mutation error (not an HTTP
    500) with code ENCRYPTION_NOT_CONFIGURED; the message names the setting, never a key."""

    def __init__(self, message: str):
        super().__init__(message, code="encryption_not_configured")


class UnreadablePersonalData(DistributorError):
    """A stored value was encrypted under a key that is no longer configured."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "A stored ID number or account was encrypted with a key that is no longer in "
                "%(setting)s. Put the old key back (after the new one) and run wfx_rotate_keys."
            )
            % {"setting": SETTING},
            code="encryption_key_missing",
        )


def configured_keys() -> tuple[str, ...]:
    """The keys as configured, newest first (not validated)."""
    value = getattr(settings, "WFX_ENCRYPTION_KEYS", None)
    if value is None:
        value = os.environ.get(SETTING, "")
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return tuple(str(key).strip() for key in value if str(key).strip())


def key_problem() -> str | None:
    """Why the keys cannot be used, or None: for the start-up check, which must not raise."""
    try:
        _keys(configured_keys())
    except EncryptionNotConfigured as error:
        return str(error)
    return None


@cache
def _keys(keys: tuple[str, ...]) -> tuple[Fernet, ...]:
    if not keys:
        raise EncryptionNotConfigured(
            _(
                "Personal data cannot be stored: %(setting)s is not set. Generate a key with "
                '`python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"` and put it in the setting.'
            )
            % {"setting": SETTING}
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, binascii.Error):
            raise EncryptionNotConfigured(
                _(
                    "Key %(position)s of %(setting)s is not a Fernet key (32 url-safe "
                    "base64-encoded bytes, as Fernet.generate_key() makes)."
                )
                % {"position": position, "setting": SETTING}
            ) from None
    return tuple(fernets)


def _fernets() -> tuple[Fernet, ...]:
    return _keys(configured_keys())


def encrypt(value: str) -> str:
    """The value encrypted under the first key; "" stays "" (nothing to protect)."""
    if not value:
        return ""
    return _fernets()[0].encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return MultiFernet(list(_fernets())).decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadablePersonalData() from None


def is_current(token: str) -> bool:
    """Encrypted under the first key (nothing for a rotation to do)."""
    if not token:
        return True
    try:
        _fernets()[0].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """The same value under the first key."""
    if not token:
        return ""
    try:
        return MultiFernet(list(_fernets())).rotate(token.encode()).decode()
    except InvalidToken:
        raise UnreadablePersonalData() from None


def lookup_hash(value: str, *, purpose: str) -> str:
    """The keyed hash stored beside the ciphertext, under the first key."""
    return _hashes(configured_keys(), purpose, value)[0]


def lookup_hashes(value: str, *, purpose: str) -> list[str]:
    """The value's hash under every configured key, first key first: what a lookup matches."""
    return list(_hashes(configured_keys(), purpose, value))


def _hashes(keys: tuple[str, ...], purpose: str, value: str) -> tuple[str, ...]:
    _keys(keys)  # the same clear error as encrypting when the keys are missing or malformed
    return tuple(
        hmac.new(_hash_key(key, purpose), value.encode(), hashlib.sha256).hexdigest()
        for key in keys
    )


@cache
def _hash_key(key: str, purpose: str) -> bytes:
    # A key of its own for the hashes, derived rather than configured: one secret to keep, and
    # the Fernet key itself is never used for two things.
    raw = base64.urlsafe_b64decode(key)
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"saleor-wfx-plugin lookup hash: {purpose}".encode(),
    ).derive(raw)
