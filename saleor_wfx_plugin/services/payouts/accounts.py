"""Payee accounts (bank card numbers, WeChat and Alipay accounts) are encrypted at rest: a payout
stores the ciphertext and the masked form every screen shows. Only the bank batch decrypts
(`exports.transfers_csv`), because the bank needs the account to transfer to."""

from __future__ import annotations

from ... import encryption
from ...domain.masking import mask_account
from ...models import Payout


def sealed_account(account: str) -> dict[str, str]:
    """The payout's account columns for `account`."""
    return {
        "payee_account_ciphertext": encryption.encrypt(account),
        "payee_account_masked": mask_account(account),
    }


def transfer_account(payout: Payout) -> str:
    """The full account, for the bank batch only; empty once erased."""
    return encryption.decrypt(payout.payee_account_ciphertext)
