"""What every payout action shares: payee details and their checks, errors, the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...domain.money import minor_unit, quantize
from ...domain.payees import normalize_account
from ...domain.settings import ProgramSettings
from ...errors import PayoutError
from ...models import LedgerEntry, Payout, PayoutEvent

Bucket = LedgerEntry.Bucket
Kind = LedgerEntry.Kind
Status = Payout.Status
ZERO = Decimal(0)
OPEN_STATUSES = (Status.REQUESTED, Status.FIRST_APPROVED)


@dataclass(frozen=True)
class PayeeDetails:
    method: str  # Payout.Method value
    name: str
    account: str
    bank: str = ""
    # Sets the distributor's identity the first time; must match it afterwards.
    id_number: str = ""


_ACCOUNT_FORMS = {
    Payout.Method.BANK: gettext_lazy("A bank card number is 12 to 30 digits."),
    Payout.Method.WECHAT: gettext_lazy(
        "A WeChat account is a WeChat ID (6 to 20 letters, digits, _ or -, "
        "starting with a letter) or a mainland mobile number."
    ),
    Payout.Method.ALIPAY: gettext_lazy(
        "An Alipay account is a mainland mobile number (11 digits, e.g. "
        "13812345678) or an e-mail address such as name@example.com."
    ),
}


def payout_error(message: str, code: str, field: str | None = None) -> PayoutError:
    return PayoutError(message, code=code, field=field)


def record_payout_event(
    payout: Payout, kind: str, actor: str, reason: str = "", **data: Any
) -> None:
    PayoutEvent.objects.create(
        payout=payout, kind=kind, actor=actor, reason=reason[:500], data=data
    )


def parse_payout_amount(value: Any, currency: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise payout_error(_("The amount is not a number."), "invalid_amount", "amount") from None
    if not amount.is_finite() or amount <= 0:
        raise payout_error(_("The amount must be more than zero."), "invalid_amount", "amount")
    if amount != quantize(amount, currency):
        raise payout_error(
            _("%(currency)s amounts have at most %(abs)s decimals.")
            % {"currency": currency, "abs": abs(minor_unit(currency).as_tuple().exponent)},
            "invalid_amount",
            "amount",
        )
    return amount


def clean_payee(payee: PayeeDetails, currency: str, program: ProgramSettings) -> PayeeDetails:
    if payee.method not in Payout.Method.values:
        raise payout_error(_("Choose bank, wechat or alipay."), "invalid_payee", "method")
    name = payee.name.strip()
    if not name or len(name) > 128:
        raise payout_error(_("The account holder's name is required."), "invalid_payee", "name")
    account = normalize_account(payee.method, payee.account)
    if account is None:
        raise payout_error(str(_ACCOUNT_FORMS[payee.method]), "invalid_payee", "account")
    bank = payee.bank.strip()
    if payee.method == Payout.Method.BANK and not bank:
        raise payout_error(_("Name the bank of the card."), "invalid_payee", "bank")
    # The resident ID is the profile's (services/identity.py checks and records it).
    return PayeeDetails(payee.method, name, account, bank[:128], payee.id_number.strip().upper())
