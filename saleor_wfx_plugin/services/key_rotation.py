"""Re-encrypting personal data under the newest key, so an old key can be retired.

Each value is rewritten only when it is not already under the first key (or its lookup hash is
not the first key's), with a compare-and-set on the ciphertext it read: a payout request or a
staff change writing the same row meanwhile wins (it wrote under the first key already), and no
row lock is needed, so the shop keeps running during a rotation of any size. Running it again
finds nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import encryption
from ..models import Payout, TaxIdentity

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class RotationReport:
    # Values rewritten under the first key (or, with check only, still to rewrite).
    identities: int
    accounts: int

    @property
    def total(self) -> int:
        return self.identities + self.accounts


def rotate_keys(
    *, check_only: bool = False, batch_size: int = DEFAULT_BATCH_SIZE
) -> RotationReport:
    return RotationReport(
        identities=_rotate_identities(check_only, batch_size),
        accounts=_rotate_accounts(check_only, batch_size),
    )


def _rotate_identities(check_only: bool, batch_size: int) -> int:
    count = 0
    rows = (
        TaxIdentity.objects.exclude(id_number_ciphertext="")
        .order_by("pk")
        .values_list("pk", "id_number_ciphertext", "id_number_hash")
    )
    for pk, token, stored_hash in rows.iterator(chunk_size=batch_size):
        number = encryption.decrypt(token)
        fresh_hash = encryption.lookup_hash(number, purpose=encryption.RESIDENT_ID)
        if encryption.is_current(token) and stored_hash == fresh_hash:
            continue
        if check_only:
            count += 1
            continue
        count += TaxIdentity.objects.filter(pk=pk, id_number_ciphertext=token).update(
            id_number_ciphertext=encryption.reencrypt(token), id_number_hash=fresh_hash
        )
    return count


def _rotate_accounts(check_only: bool, batch_size: int) -> int:
    count = 0
    rows = (
        Payout.objects.exclude(payee_account_ciphertext="")
        .order_by("pk")
        .values_list("pk", "payee_account_ciphertext")
    )
    for pk, token in rows.iterator(chunk_size=batch_size):
        if encryption.is_current(token):
            continue
        if check_only:
            count += 1
            continue
        count += Payout.objects.filter(pk=pk, payee_account_ciphertext=token).update(
            payee_account_ciphertext=encryption.reencrypt(token)
        )
    return count
