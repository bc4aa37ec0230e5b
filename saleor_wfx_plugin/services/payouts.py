"""Payouts: a distributor asks, staff approve (twice above a set amount), reject or mark paid
with the bank's transfer reference; the distributor may cancel before approval.

Every action runs in one transaction holding the distributor's row lock, so two requests, or a
request and an approval, never see the same available money: a payout cannot overdraw and cannot
be paid twice. Money moves only as balanced ledger movements:

    request      available (and, early, hold) → reserved
    reject/cancel  reserved → available (or back to hold if that order's hold still runs)
    mark paid    reserved → paid (net) + tax (withheld) + fee (early withdrawal)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from ..domain.money import minor_unit, quantize
from ..domain.payees import is_valid_resident_id, normalize_account
from ..domain.settings import ProgramSettings
from ..domain.tax import TaxPeriod, TaxPolicy, withholding_for_payout
from ..models import Distributor, LedgerEntry, Payout, PayoutEvent, Settlement
from ..selectors.balances import balance, hold_by_settlement
from .distributors import DistributorError
from .ledger import Leg, post_movement

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
    id_number: str = ""


def _error(message: str, code: str, field: str | None = None) -> DistributorError:
    return DistributorError(message, code=code, field=field)


def _record(payout: Payout, kind: str, actor: str, reason: str = "", **data: Any) -> None:
    PayoutEvent.objects.create(
        payout=payout, kind=kind, actor=actor, reason=reason[:500], data=data
    )


def _lock_distributor(distributor_id: int) -> Distributor:
    return Distributor.objects.select_for_update().get(pk=distributor_id)


def _lock_payout(payout: Payout) -> Payout:
    """Lock order: the distributor, then the payout (the same order a request takes)."""
    _lock_distributor(payout.distributor_id)
    return Payout.objects.select_for_update().get(pk=payout.pk)


def _amount(value: Any, currency: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _error("The amount is not a number.", "invalid_amount", "amount") from None
    if not amount.is_finite() or amount <= 0:
        raise _error("The amount must be more than zero.", "invalid_amount", "amount")
    if amount != quantize(amount, currency):
        raise _error(
            f"{currency} amounts have at most {abs(minor_unit(currency).as_tuple().exponent)} "
            "decimals.",
            "invalid_amount",
            "amount",
        )
    return amount


def _clean_payee(payee: PayeeDetails, currency: str, program: ProgramSettings) -> PayeeDetails:
    if payee.method not in Payout.Method.values:
        raise _error("Choose bank, wechat or alipay.", "invalid_payee", "method")
    name = payee.name.strip()
    if not name or len(name) > 128:
        raise _error("The account holder's name is required.", "invalid_payee", "name")
    account = normalize_account(payee.method, payee.account)
    if account is None:
        raise _error(f"That is not a valid {payee.method} account.", "invalid_payee", "account")
    bank = payee.bank.strip()
    if payee.method == Payout.Method.BANK and not bank:
        raise _error("Name the bank of the card.", "invalid_payee", "bank")
    id_number = payee.id_number.strip().upper()
    withholds_income_tax = program.tax_policy is TaxPolicy.LABOUR_REMUNERATION and currency == "CNY"
    if withholds_income_tax and not id_number:
        # The merchant files the withholding under the payee's resident ID.
        raise _error("A resident ID number is required for tax.", "id_number_required", "idNumber")
    if id_number and not is_valid_resident_id(id_number):
        raise _error("That resident ID number is not valid.", "invalid_payee", "idNumber")
    return PayeeDetails(payee.method, name, account, bank[:128], id_number)


# --- Request ---------------------------------------------------------------------------------
@transaction.atomic
def request_payout(
    distributor: Distributor,
    *,
    currency: str,
    amount: Any,
    payee: PayeeDetails,
    idempotency_key: str,
    actor: str,
    program: ProgramSettings,
    early: bool = False,
) -> Payout:
    """Reserve available money (and, with `early`, money still in the T+N hold, for the early
    withdrawal fee) for a payout. A retry with the same idempotency key returns the first
    request instead of making a second."""
    currency = currency.strip().upper()
    amount = _amount(amount, currency)
    key = idempotency_key.strip()
    if not key or len(key) > 64:
        raise _error("Send an idempotency key of 1-64 characters.", "invalid", "idempotencyKey")
    distributor = _lock_distributor(distributor.pk)
    existing = Payout.objects.filter(distributor=distributor, idempotency_key=key).first()
    if existing is not None:
        if (existing.amount, existing.currency) != (amount, currency):
            raise _error(
                "This idempotency key was used for a different request.",
                "idempotency_conflict",
                "idempotencyKey",
            )
        return existing
    if not distributor.is_active:
        raise _error("Only an active distributor can request a payout.", "inactive_distributor")
    if amount < program.payout_min_amount:
        raise _error(
            f"The minimum payout is {program.payout_min_amount} {currency}.",
            "below_minimum",
            "amount",
        )
    if early and not program.early_withdrawal:
        raise _error("Early withdrawal is switched off.", "early_withdrawal_disabled", "early")
    payee = _clean_payee(payee, currency, program)
    current = balance(distributor, currency)
    if current.available < 0:
        raise _error(
            f"A refund after an earlier payout left {current.negative_carry} {currency} to "
            "offset; payouts wait until later commission covers it.",
            "negative_balance",
        )
    from_available = min(current.available, amount)
    from_hold: list[tuple[int, Decimal]] = []
    if from_available < amount:
        if not early:
            raise _error(
                f"Only {current.available} {currency} is available.", "insufficient_funds", "amount"
            )
        from_hold = _take_from_hold(distributor, currency, amount - from_available)
    early_amount = sum((taken for _, taken in from_hold), ZERO)
    fee = quantize(early_amount * program.early_withdrawal_fee_rate / 100, currency)
    payout = Payout.objects.create(
        distributor=distributor,
        currency=currency,
        amount=amount,
        early_amount=early_amount,
        fee=fee,
        method=payee.method,
        payee_name=payee.name,
        payee_account=payee.account,
        payee_bank=payee.bank,
        payee_id_number=payee.id_number,
        idempotency_key=key,
        requested_by=actor,
    )
    legs = [Leg(Bucket.AVAILABLE, -from_available)]
    legs += [Leg(Bucket.HOLD, -taken, settlement_id) for settlement_id, taken in from_hold]
    legs.append(Leg(Bucket.RESERVED, amount))
    post_movement(
        distributor_id=distributor.pk,
        currency=currency,
        kind=Kind.RESERVATION,
        legs=legs,
        payout_id=payout.pk,
        actor=actor,
    )
    _record(payout, "requested", actor, amount=str(amount), early=str(early_amount), fee=str(fee))
    return payout


def _take_from_hold(
    distributor: Distributor, currency: str, needed: Decimal
) -> list[tuple[int, Decimal]]:
    """Oldest-maturing held money first. The settlements are locked, so the maturing task cannot
    release one while this request takes from it."""
    held = hold_by_settlement(distributor, currency)
    locked = set(
        Settlement.objects.select_for_update()
        .filter(pk__in=[settlement_id for settlement_id, _ in held], released_at__isnull=True)
        .values_list("pk", flat=True)
    )
    taken: list[tuple[int, Decimal]] = []
    for settlement_id, amount in held:
        if needed <= 0:
            break
        if settlement_id not in locked:
            continue
        part = min(amount, needed)
        taken.append((settlement_id, part))
        needed -= part
    if needed > 0:
        raise _error(
            "Not enough confirmed money, even counting what is still on hold.",
            "insufficient_funds",
            "amount",
        )
    return taken


# --- Decisions -------------------------------------------------------------------------------
@transaction.atomic
def cancel_payout(payout: Payout, *, actor: str) -> Payout:
    """The distributor withdraws the request before it is approved."""
    payout = _lock_payout(payout)
    if payout.status not in OPEN_STATUSES:
        raise _error("Only a request not yet approved can be cancelled.", "invalid_status")
    _return_reservation(payout, actor)
    payout.status = Status.CANCELLED
    payout.closed_at = timezone.now()
    payout.save(update_fields=["status", "closed_at", "updated_at"])
    _record(payout, "cancelled", actor)
    return payout


@transaction.atomic
def reject_payout(payout: Payout, *, actor: str, reason: str) -> Payout:
    reason = reason.strip()
    if not reason:
        raise _error("Say why the payout is rejected.", "reason_required", "reason")
    payout = _lock_payout(payout)
    if payout.status not in (*OPEN_STATUSES, Status.APPROVED):
        raise _error(f"A {payout.status} payout cannot be rejected.", "invalid_status")
    _return_reservation(payout, actor)
    payout.status = Status.REJECTED
    payout.rejected_by = actor
    payout.rejection_reason = reason[:500]
    payout.closed_at = timezone.now()
    payout.save(
        update_fields=["status", "rejected_by", "rejection_reason", "closed_at", "updated_at"]
    )
    _record(payout, "rejected", actor, reason)
    return payout


@transaction.atomic
def approve_payout(payout: Payout, *, actor: str, program: ProgramSettings) -> Payout:
    """First approval; above `second_approval_above` a second, different approver completes it.
    The final approval fixes the tax withheld (per payout, or per calendar month with the
    month's earlier payouts) and so the net amount to transfer."""
    payout = _lock_payout(payout)
    if payout.status not in OPEN_STATUSES:
        raise _error(f"A {payout.status} payout cannot be approved.", "invalid_status")
    if balance(payout.distributor_id, payout.currency).available < 0:
        raise _error(
            "A refund after an earlier payout left a negative balance; payouts wait until later "
            "commission covers it.",
            "negative_balance",
        )
    now = timezone.now()
    needs_two = (
        program.second_approval_above is not None and payout.amount > program.second_approval_above
    )
    if needs_two and payout.status == Status.REQUESTED:
        payout.status = Status.FIRST_APPROVED
        payout.first_approved_by = actor
        payout.first_approved_at = now
        payout.save(
            update_fields=["status", "first_approved_by", "first_approved_at", "updated_at"]
        )
        _record(payout, "first_approved", actor)
        return payout
    if payout.status == Status.FIRST_APPROVED and actor == payout.first_approved_by:
        raise _error(
            "A second approver, different from the first, must approve this payout.",
            "same_approver",
        )
    _fix_tax(payout, program, now)
    payout.status = Status.APPROVED
    payout.approved_by = actor
    payout.approved_at = now
    payout.save(
        update_fields=[
            "status",
            "approved_by",
            "approved_at",
            "taxable",
            "tax",
            "net",
            "tax_month",
            "updated_at",
        ]
    )
    _record(payout, "approved", actor, tax=str(payout.tax), net=str(payout.net))
    return payout


def _fix_tax(payout: Payout, program: ProgramSettings, now: Any) -> None:
    from ..shop import shop_time_zone

    income = payout.amount - payout.fee
    month = timezone.localtime(now, shop_time_zone()).date().replace(day=1)
    earlier_income = earlier_tax = ZERO
    if program.tax_period is TaxPeriod.MONTHLY:
        earlier = (
            Payout.objects.filter(
                distributor_id=payout.distributor_id,
                currency=payout.currency,
                tax_month=month,
                status__in=(Status.APPROVED, Status.PAID),
            )
            .exclude(pk=payout.pk)
            .aggregate(income=Sum("amount"), fees=Sum("fee"), tax=Sum("tax"))
        )
        earlier_income = (earlier["income"] or ZERO) - (earlier["fees"] or ZERO)
        earlier_tax = earlier["tax"] or ZERO
    withholding = withholding_for_payout(
        program.tax_policy,
        income,
        payout.currency,
        flat_rate_percent=program.tax_flat_rate,
        earlier_income_in_period=earlier_income,
        earlier_tax_in_period=earlier_tax,
    )
    payout.taxable = withholding.taxable
    payout.tax = withholding.tax
    payout.net = withholding.net
    payout.tax_month = month


@transaction.atomic
def mark_paid(payout: Payout, *, actor: str, transfer_reference: str) -> Payout:
    """Staff transferred the net amount; the reservation becomes paid, tax and fee."""
    reference = transfer_reference.strip()
    if not reference:
        raise _error(
            "Enter the bank or wallet transfer reference.", "required", "transferReference"
        )
    payout = _lock_payout(payout)
    if payout.status == Status.PAID:
        raise _error("This payout is already paid.", "already_paid")
    if payout.status != Status.APPROVED:
        raise _error(
            f"A {payout.status} payout cannot be paid; approve it first.", "invalid_status"
        )
    tax = payout.tax or ZERO
    net = payout.amount - payout.fee - tax
    post_movement(
        distributor_id=payout.distributor_id,
        currency=payout.currency,
        kind=Kind.PAYOUT,
        legs=[
            Leg(Bucket.RESERVED, -payout.amount),
            Leg(Bucket.PAID, net),
            Leg(Bucket.TAX, tax),
            Leg(Bucket.FEE, payout.fee),
        ],
        payout_id=payout.pk,
        actor=actor,
    )
    payout.status = Status.PAID
    payout.paid_by = actor
    payout.paid_at = timezone.now()
    payout.transfer_reference = reference[:128]
    payout.closed_at = payout.paid_at
    payout.save(
        update_fields=[
            "status",
            "paid_by",
            "paid_at",
            "transfer_reference",
            "closed_at",
            "updated_at",
        ]
    )
    _record(payout, "paid", actor, reference=reference)
    return payout


def _return_reservation(payout: Payout, actor: str) -> None:
    """Give the reserved money back where it came from: held money to the hold while that
    order's hold still runs (so the early-withdrawal path cannot be used to skip the hold),
    everything else to available."""
    taken = (
        LedgerEntry.objects.filter(payout=payout, kind=Kind.RESERVATION, bucket=Bucket.HOLD)
        .values("settlement_id")
        .annotate(total=Sum("amount"))
    )
    still_held = set(
        Settlement.objects.select_for_update()
        .filter(pk__in=[row["settlement_id"] for row in taken], released_at__isnull=True)
        .values_list("pk", flat=True)
    )
    legs = [Leg(Bucket.RESERVED, -payout.amount)]
    to_available = payout.amount
    for row in taken:
        if row["settlement_id"] in still_held:
            legs.append(Leg(Bucket.HOLD, -row["total"], row["settlement_id"]))
            to_available += row["total"]  # row total is negative
    legs.append(Leg(Bucket.AVAILABLE, to_available))
    post_movement(
        distributor_id=payout.distributor_id,
        currency=payout.currency,
        kind=Kind.RESERVATION_RETURN,
        legs=legs,
        payout_id=payout.pk,
        actor=actor,
    )


# --- Exports ---------------------------------------------------------------------------------
TRANSFER_COLUMNS: Sequence[str] = (
    "payout_id",
    "distributor_code",
    "payee_name",
    "method",
    "account",
    "bank",
    "amount",
    "currency",
    "approved_at",
)
TAX_COLUMNS: Sequence[str] = (
    "month",
    "distributor_code",
    "payee_name",
    "id_number_masked",
    "gross",
    "taxable",
    "withheld",
    "net",
    "currency",
    "payouts",
)


def approved_transfers_csv(method: str | None = None) -> str:
    """Approved payouts not yet paid, one row per transfer with the full account (for the bank's
    or wallet's batch transfer upload; only staff with HANDLE_PAYMENTS get it)."""
    import csv
    import io

    payouts = Payout.objects.filter(status=Status.APPROVED).select_related("distributor")
    if method:
        payouts = payouts.filter(method=method)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TRANSFER_COLUMNS)
    for payout in payouts.order_by("approved_at", "pk"):
        writer.writerow(
            [
                payout.pk,
                payout.distributor.code,
                _csv_safe(payout.payee_name),
                payout.method,
                payout.payee_account,
                _csv_safe(payout.payee_bank),
                quantize(payout.net or ZERO, payout.currency),
                payout.currency,
                payout.approved_at.isoformat() if payout.approved_at else "",
            ]
        )
    return out.getvalue()


@dataclass(frozen=True)
class TaxRecord:
    month: date
    distributor_code: str
    payee_name: str
    id_number_masked: str
    gross: Decimal
    taxable: Decimal
    withheld: Decimal
    net: Decimal
    currency: str
    payouts: int


def tax_records(month: date) -> list[TaxRecord]:
    """What the merchant withheld in a month, per distributor and currency (for the monthly
    individual income tax filing)."""
    from ..domain.masking import mask_identity_number

    rows = (
        Payout.objects.filter(
            tax_month=month.replace(day=1), status__in=(Status.APPROVED, Status.PAID)
        )
        .values("distributor__code", "currency")
        .annotate(
            gross=Sum("amount"),
            fees=Sum("fee"),
            taxable=Sum("taxable"),
            withheld=Sum("tax"),
            net=Sum("net"),
            payouts=Count("id"),
        )
        .order_by("distributor__code", "currency")
    )
    latest = {}
    for payout in Payout.objects.filter(
        tax_month=month.replace(day=1), status__in=(Status.APPROVED, Status.PAID)
    ).select_related("distributor"):
        latest[(payout.distributor.code, payout.currency)] = payout
    records = []
    for row in rows:
        payout = latest[(row["distributor__code"], row["currency"])]
        records.append(
            TaxRecord(
                month=month.replace(day=1),
                distributor_code=row["distributor__code"],
                payee_name=payout.payee_name,
                id_number_masked=mask_identity_number(payout.payee_id_number),
                gross=quantize(row["gross"] - row["fees"], row["currency"]),
                taxable=quantize(row["taxable"] or ZERO, row["currency"]),
                withheld=quantize(row["withheld"] or ZERO, row["currency"]),
                net=quantize(row["net"] or ZERO, row["currency"]),
                currency=row["currency"],
                payouts=row["payouts"],
            )
        )
    return records


def tax_records_csv(month: date) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TAX_COLUMNS)
    for record in tax_records(month):
        writer.writerow(
            [
                record.month.strftime("%Y-%m"),
                record.distributor_code,
                _csv_safe(record.payee_name),
                record.id_number_masked,
                record.gross,
                record.taxable,
                record.withheld,
                record.net,
                record.currency,
                record.payouts,
            ]
        )
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Names come from distributors: a leading = + - @ would run as a formula in Excel."""
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
