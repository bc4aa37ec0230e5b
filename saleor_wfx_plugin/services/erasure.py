"""Erasing a departed distributor's personal data (PIPL art. 47), for staff with MANAGE_USERS.

What goes: names, phone numbers, e-mail addresses and the Saleor account link of the
distributor and of their applications; payee names, accounts and banks of their payouts; their
resident ID number and legal name (unless another account still in use shares them); their
documents' files (and fingerprints). Each is replaced by the fixed `ERASED` value (e-mail and
account links are emptied: they are matched against, and a placeholder must never match). The
same values are cut out of the free text staff wrote on the records (reasons), and the masked
numbers and names the identity events carried are replaced.

What stays: the code, the tree, every amount (ledger, settlements, payouts, tax), the audit
trail's events with who, when and why, and an ERASED event recording the erasure with counts
only. Balances and tax totals are therefore exactly what they were.

When it is refused, and why:
- the distributor is active (`invalid_status`): suspend first, so nothing new is earned;
- an application of theirs is pending (`application_pending`): decide it first;
- a payout is open (`open_payouts`): requested, approved or at the bank, it needs its payee;
- money is still owed either way (`balance_not_settled`): pending, on hold, reserved or
  available money (positive: pay it out; negative: the shop's claim, adjusted or written off);
- a tax month with their withheld payouts has no withholding return exported since its last
  change (`tax_month_not_filed`): the return needs their name and ID number. Export it first.

Erasing twice changes nothing and records nothing the second time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..domain.attribution import DistributorStatus
from ..domain.masking import ERASED
from ..domain.tax import LABOUR_REMUNERATION_CURRENCY, TaxPolicy
from ..lock_objects import (
    lock_applications,
    lock_distributor,
    lock_payouts_of_distributor,
    lock_tax_person,
)
from ..models import (
    ApplicationDocument,
    Distributor,
    DistributorApplication,
    DistributorEvent,
    Payout,
    PayoutEvent,
    TaxExport,
    TaxIdentity,
)
from ..selectors.balances import balances
from .distributors import DistributorError, clean_reason
from .events import record_event
from .identity import full_id_number
from .payouts.accounts import transfer_account
from .payouts.common import OPEN_STATUSES
from .payouts.tax import COUNTING_STATUSES
from .retention import delete_document_files

Status = Payout.Status
# Payouts that are not finished: they still need the payee's details.
UNFINISHED = (*OPEN_STATUSES, Status.APPROVED, Status.EXPORTED)
# Keys of events' data that held a person's name or (masked) number.
PERSONAL_EVENT_KEYS = frozenset(
    {"legal_name", "previous_legal_name", "id_number", "previous_id_number"}
)
# Shorter fragments would cut unrelated words out of staff's reasons.
MIN_SCRUBBED_LENGTH = 2
# Every free-text column scrubbed (reasons) holds at most this much.
MAX_TEXT_LENGTH = DistributorEvent._meta.get_field("reason").max_length


@dataclass(frozen=True)
class Erasure:
    distributor: Distributor
    event: DistributorEvent | None


@transaction.atomic
def erase_personal_data(distributor: Distributor, *, actor: str, reason: str) -> Erasure:
    reason = clean_reason(reason)
    user_id = Distributor.objects.values_list("user_id", flat=True).get(pk=distributor.pk)
    # Lock order: applications (3), the distributor (4), payouts (6), tax persons (8).
    of_person = Q(distributor_id=distributor.pk)
    if user_id:
        of_person |= Q(user_id=user_id)
    applications = lock_applications(DistributorApplication.objects.filter(of_person))
    locked = lock_distributor(distributor.pk)
    if locked.erased_at is not None:
        previous = locked.events.filter(kind=DistributorEvent.Kind.ERASED).first()
        return Erasure(locked, previous)
    if locked.user_id != user_id:
        # Linked to a customer account between the read and the lock: that account's
        # applications are not locked. Rare; the next try sees the link.
        raise DistributorError(
            _("The distributor changed meanwhile; try again."), code="invalid_status"
        )
    _refuse_unless_departed(locked, applications)
    payouts = lock_payouts_of_distributor(locked.pk)
    _refuse_unless_settled(locked, payouts)

    identities = _identities_to_erase(locked, payouts)
    personal = _personal_values(locked, applications, payouts, identities)
    scrub = _Scrubber(personal)
    now = timezone.now()

    documents = ApplicationDocument.objects.filter(application__in=applications)
    document_ids = list(documents.values_list("pk", flat=True))
    documents.filter(file_deleted_at__isnull=True).update(
        file_deletion_reason=ApplicationDocument.Deletion.ERASURE
    )
    documents.update(sha256="")
    for application in applications:
        application.name = ERASED
        application.phone = ERASED
        application.email = ""
        application.user_id = ""
        application.rejection_reason = scrub(application.rejection_reason)
    DistributorApplication.objects.bulk_update(
        applications, ["name", "phone", "email", "user_id", "rejection_reason"]
    )

    for payout in payouts:
        payout.payee_name = ERASED
        payout.payee_bank = ERASED if payout.payee_bank else ""
        payout.payee_account_ciphertext = ""
        payout.payee_account_masked = ERASED
        payout.rejection_reason = scrub(payout.rejection_reason)
        payout.failure_reason = scrub(payout.failure_reason)
        payout.updated_at = now
    Payout.objects.bulk_update(
        payouts,
        [
            "payee_name",
            "payee_bank",
            "payee_account_ciphertext",
            "payee_account_masked",
            "rejection_reason",
            "failure_reason",
            "updated_at",
        ],
    )
    for event in PayoutEvent.objects.filter(payout__in=payouts):
        _scrub_event(event, scrub)

    for identity in identities:
        lock_tax_person(identity.pk)
        TaxIdentity.objects.filter(pk=identity.pk).update(
            id_number_ciphertext="",
            # Unique per row, and never the hash of any number.
            id_number_hash=f"erased:{identity.pk}",
            id_number_masked=ERASED,
            legal_name=ERASED,
            erased_at=now,
            updated_at=now,
        )

    for event in locked.events.all():
        _scrub_event(event, scrub)
    locked.name = ERASED
    locked.phone = ERASED
    locked.email = ""
    locked.user_id = None
    locked.status_reason = scrub(locked.status_reason)
    locked.erased_at = now
    locked.erased_by = actor[:128]
    locked.save(
        update_fields=[
            "name",
            "phone",
            "email",
            "user_id",
            "status_reason",
            "erased_at",
            "erased_by",
            "updated_at",
        ]
    )
    event = record_event(
        locked,
        DistributorEvent.Kind.ERASED,
        actor=actor,
        reason=scrub(reason),
        applications=len(applications),
        documents=len(document_ids),
        payouts=len(payouts),
        identities_erased=len(identities),
        identity_kept=locked.identity_id is not None
        and locked.identity_id not in {identity.pk for identity in identities},
    )
    # Files are not transactional: deleted once the erasure is committed. Should the storage
    # fail, the rows stay marked and the retention run deletes them; the erasure itself stands
    # (robust: an error here is logged, not raised into the committed request).
    transaction.on_commit(
        lambda: delete_document_files(
            ApplicationDocument.objects.filter(pk__in=document_ids),
            reason=ApplicationDocument.Deletion.ERASURE,
        ),
        robust=True,
    )
    return Erasure(locked, event)


def _refuse_unless_departed(
    distributor: Distributor, applications: list[DistributorApplication]
) -> None:
    if distributor.status == DistributorStatus.ACTIVE:
        raise DistributorError(
            _("Suspend the distributor first: an active distributor is still in the programme."),
            code="invalid_status",
        )
    if any(a.status == DistributorApplication.Status.PENDING for a in applications):
        raise DistributorError(
            _("An application of this person is waiting for review; decide it first."),
            code="application_pending",
        )


def _refuse_unless_settled(distributor: Distributor, payouts: list[Payout]) -> None:
    unfinished = [payout.pk for payout in payouts if payout.status in UNFINISHED]
    if unfinished:
        raise DistributorError(
            _(
                "Payouts %(value)s are not finished: pay, reject or fail them first (they need "
                "the payee's details)."
            )
            % {"value": ", ".join(map(str, unfinished))},
            code="open_payouts",
        )
    owed = []
    for row in balances(distributor):
        for label, amount in (
            ("pending", row.pending),
            ("on hold", row.on_hold),
            ("reserved", row.reserved),
            ("available", row.available),
        ):
            if amount:
                owed.append(f"{amount} {row.currency} {label}")
    if owed:
        raise DistributorError(
            _(
                "Money is still owed either way: %(owed)s. Pay it out, or adjust the balance (a "
                "negative one is the shop's claim), and wait for pending and held commission to "
                "settle or be reversed."
            )
            % {"owed": ", ".join(owed)},
            code="balance_not_settled",
        )
    unfiled = _tax_months_not_filed(payouts)
    if unfiled:
        months = ", ".join(f"{month:%Y-%m}" for month in unfiled)
        raise DistributorError(
            _(
                "The withholding return of %(months)s has not been exported since this "
                "distributor's payouts in it last changed; it needs their name and ID number. "
                "Export it (taxWithholdingExport) once the month is over, then erase."
            )
            % {"months": months},
            code="tax_month_not_filed",
        )


def _tax_months_not_filed(payouts: list[Payout]) -> list[date]:
    """Months whose withholding return lists these payouts (CNY, withheld under a policy other
    than none) with no export yet, or none since one of them failed at the bank. Approvals
    only happen inside their month and rejections are refused once it is exported, so a failed
    transfer is the one change an export can be older than."""
    in_return: set[date] = set()
    latest_failure: dict[date, datetime] = {}
    for payout in payouts:
        month = payout.tax_month
        if (
            month is None
            or payout.currency != LABOUR_REMUNERATION_CURRENCY
            or payout.tax_policy == TaxPolicy.NONE
        ):
            continue
        if payout.status in COUNTING_STATUSES or payout.tax_correction:
            in_return.add(month)
        if payout.status == Status.FAILED and payout.failed_at is not None:
            latest_failure[month] = max(
                latest_failure.get(month, payout.failed_at), payout.failed_at
            )
    exported = dict(
        TaxExport.objects.filter(month__in=in_return)
        .values("month")
        .annotate(latest=Max("exported_at"))
        .values_list("month", "latest")
    )
    return sorted(
        month
        for month in in_return
        if month not in exported
        or (month in latest_failure and exported[month] < latest_failure[month])
    )


def _identities_to_erase(distributor: Distributor, payouts: list[Payout]) -> list[TaxIdentity]:
    """The distributor's identity and those their payouts were filed under, except any another
    account still in use has on its profile or its payouts: that person is still here."""
    ids = {distributor.identity_id, *(payout.tax_identity_id for payout in payouts)} - {None}
    in_use = set(
        Distributor.objects.filter(identity_id__in=ids, erased_at__isnull=True)
        .exclude(pk=distributor.pk)
        .values_list("identity_id", flat=True)
    ) | set(
        Payout.objects.filter(tax_identity_id__in=ids)
        .exclude(distributor=distributor)
        .filter(distributor__erased_at__isnull=True)
        .values_list("tax_identity_id", flat=True)
    )
    return list(
        TaxIdentity.objects.filter(pk__in=ids - in_use, erased_at__isnull=True).order_by("pk")
    )


def _personal_values(
    distributor: Distributor,
    applications: list[DistributorApplication],
    payouts: list[Payout],
    identities: list[TaxIdentity],
) -> set[str]:
    """Every personal value on the records, as staff may have typed it into a reason."""
    values = {distributor.name, distributor.email, distributor.phone}
    for application in applications:
        values |= {application.name, application.email, application.phone}
    for payout in payouts:
        values |= {payout.payee_name, transfer_account(payout)}
    for identity in identities:
        values |= {identity.legal_name, full_id_number(identity)}
    phones = {value for value in values if value.startswith("+86")}
    # "+8613812345678" is typed "13812345678".
    values |= {phone[3:] for phone in phones}
    return {value.strip() for value in values if len(value.strip()) >= MIN_SCRUBBED_LENGTH}


class _Scrubber:
    def __init__(self, values: set[str]):
        ordered = sorted(values - {ERASED}, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(re.escape(value) for value in ordered), re.IGNORECASE)
            if ordered
            else None
        )

    def __call__(self, text: str) -> str:
        if not text or self._pattern is None:
            return text
        return self._pattern.sub(ERASED, text)[:MAX_TEXT_LENGTH]

    def data(self, value: Any, key: str | None = None) -> Any:
        if key in PERSONAL_EVENT_KEYS and value:
            return ERASED
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {k: self.data(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(item) for item in value]
        return value


def _scrub_event(event: DistributorEvent | PayoutEvent, scrub: _Scrubber) -> None:
    reason = scrub(event.reason)
    data = scrub.data(event.data)
    if (reason, data) != (event.reason, event.data):
        type(event).objects.filter(pk=event.pk).update(reason=reason, data=data)
