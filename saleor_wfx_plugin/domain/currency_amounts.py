"""Money settings that differ by currency: "CNY:10, USD:2".

Ten yuan and ten dollars are not the same minimum payout, and one number for every currency
either lets a dollar distributor cash out 10 USD or keeps a yuan distributor waiting for 70 CNY.
A plain number still means every currency, which is how these settings were written before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .messages import DomainError, Joined, Phrase, phrase
from .money import minor_unit_digits

# Active ISO 4217 codes of money a channel can sell in (no funds codes, metals, or test codes).
# A typo such as RMB for CNY would otherwise quietly leave the yuan without an entry.
ISO_CURRENCIES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 (a table is easier to check against ISO 4217 than a list)
)
# What merchants type instead of the ISO code, and what they mean.
COMMON_MISTAKES = {"RMB": "CNY", "NTD": "TWD", "YEN": "JPY", "EURO": "EUR"}
_ENTRY = re.compile(r"^(?P<code>[A-Za-z]{3,4})\s*:\s*(?P<amount>\S+)$")


@dataclass(frozen=True, slots=True)
class CurrencyAmounts:
    """An amount per currency, or one amount for every currency (`every_currency`)."""

    per_currency: tuple[tuple[str, Decimal], ...] = ()
    every_currency: Decimal | None = None

    @classmethod
    def of(cls, **amounts: str) -> CurrencyAmounts:
        return cls(per_currency=tuple((code, Decimal(value)) for code, value in amounts.items()))

    def for_currency(self, currency: str) -> Decimal | None:
        """The amount for `currency`; None when the setting has no entry for it."""
        if self.every_currency is not None:
            return self.every_currency
        wanted = currency.strip().upper()
        return next((amount for code, amount in self.per_currency if code == wanted), None)

    def missing_from(self, other: CurrencyAmounts) -> list[str]:
        """The currencies listed here that `other` has no entry for."""
        if other.every_currency is not None:
            return []
        return sorted(
            {code for code, _ in self.per_currency} - {code for code, _ in other.per_currency}
        )

    def __str__(self) -> str:
        # As the merchant writes it, so README and the dashboard show the same text.
        if self.every_currency is not None:
            return str(self.every_currency)
        return ", ".join(f"{code}:{amount}" for code, amount in self.per_currency)

    @classmethod
    def parse(cls, value: object, what: Phrase | str) -> CurrencyAmounts:
        """ "CNY:10, USD:2" (ISO codes, each once, separated by commas, semicolons or new lines)
        or a plain amount for every currency. Raises a DomainError naming every problem."""
        if isinstance(value, bool | float):
            raise DomainError("amount_not_text", what=what, value=value)
        text = str(value).strip()
        if ":" not in text:
            return cls(every_currency=parse_amount(text, what))
        entries: list[tuple[str, Decimal]] = []
        problems: list[Phrase] = []
        for item in re.split(r"[,;\n]", text):
            item = item.strip()
            if not item:
                continue
            match = _ENTRY.match(item)
            if match is None:
                problems.append(phrase("not_code_amount", item=item))
                continue
            code = match["code"].upper()
            try:
                entries.append((_iso_code(code), _amount_in(code, match["amount"], what)))
            except DomainError as error:
                problems.append(error.phrase)
        codes = [code for code, _ in entries]
        problems += [
            phrase("currency_listed_twice", code=code)
            for code in sorted(set(codes))
            if codes.count(code) > 1
        ]
        if problems:
            raise DomainError("invalid_amounts", problems=Joined(tuple(problems)))
        return cls(per_currency=tuple(entries))


def parse_amount(value: object, what: Phrase | str) -> Decimal:
    # Floats are refused for the same reason as in rates: 0.1 + 0.2 noise in money settings.
    if isinstance(value, bool | float):
        raise DomainError("amount_not_text", what=what, value=value)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("not_an_amount", value=value) from None
    if not amount.is_finite():
        raise DomainError("not_an_amount", value=value)
    if amount < 0:
        raise DomainError("negative_amount", what=what, amount=amount)
    return amount


def _iso_code(code: str) -> str:
    if code in COMMON_MISTAKES:
        raise DomainError("currency_common_mistake", code=code, iso=COMMON_MISTAKES[code])
    if code not in ISO_CURRENCIES:
        raise DomainError("not_iso_currency", code=code)
    return code


def _amount_in(code: str, text: str, what: Phrase | str) -> Decimal:
    amount = parse_amount(text, phrase("label_in_currency", what=what, currency=code))
    digits = minor_unit_digits(code)
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -digits:
        raise DomainError("too_many_decimals", code=code, digits=digits, text=text)
    return amount
